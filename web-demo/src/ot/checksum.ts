// The checksum of the data channel's `check` message.
/** Hex SHA-256 of the UTF-8 text, as the plugin's `check` expects (lowercase). */
export async function sha256Hex(text: string): Promise<string> {
  const data = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
