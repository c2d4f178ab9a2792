// The RTCPeerConnection's ICE servers: the page's own (config.json's iceServers, e.g. a STUN
// server) plus the TURN servers the service hands this participant in /me while the interview is
// open (docs/REST.md, "ice_servers": time-limited credentials). What /me carries is checked
// entry by entry; anything malformed is left out rather than handed to the browser.
export function iceServersFrom(configured: RTCIceServer[] | undefined, fromService: unknown): RTCIceServer[] {
  const out: RTCIceServer[] = [...(configured ?? [])];
  if (!Array.isArray(fromService)) return out;
  for (const entry of fromService) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { urls, username, credential } = entry as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : [];
    const good = list.filter((u): u is string => typeof u === 'string' && /^(turns?|stuns?):[^\s@]+$/.test(u));
    if (good.length === 0 || good.length !== list.length) continue;
    if (typeof username !== 'string' || typeof credential !== 'string') continue;
    out.push({ urls: good, username, credential });
  }
  return out;
}
