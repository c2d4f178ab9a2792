// /config.json, read at start: where the service and Janus are, and the demo's admin key.
export interface AppConfig {
  /** base URL of the interview service's API; "" = same origin */
  serviceUrl: string;
  /** Janus API address, e.g. ws://host:8188 (WebSocket) or http://host:8088/janus */
  janusUrl: string;
  /** only for the demo: lets the start page schedule interviews */
  demoAdminKey?: string;
  /** offer audio and video (default true); false = data channel only */
  media?: boolean;
  /** ICE servers handed to janus.js (default: none, host candidates only) */
  iceServers?: RTCIceServer[];
}

export class ConfigError extends Error {}

export async function loadConfig(): Promise<AppConfig> {
  let res: Response;
  try {
    res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  } catch (e) {
    throw new ConfigError(`config.json could not be loaded (${String(e)})`);
  }
  if (!res.ok) throw new ConfigError(`config.json could not be loaded (HTTP ${res.status})`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new ConfigError('config.json is not valid JSON');
  }
  return parseConfig(raw);
}

export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('config.json must be a JSON object');
  const o = raw as Record<string, unknown>;
  const serviceUrl = o.serviceUrl ?? '';
  if (typeof serviceUrl !== 'string') throw new ConfigError('config.json: serviceUrl must be a string');
  let janusUrl = o.janusUrl;
  if (janusUrl === undefined || janusUrl === '') janusUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname}:8188`;
  if (typeof janusUrl !== 'string') throw new ConfigError('config.json: janusUrl must be a string');
  const demoAdminKey = typeof o.demoAdminKey === 'string' && o.demoAdminKey !== '' ? o.demoAdminKey : undefined;
  return {
    serviceUrl: serviceUrl.replace(/\/+$/, ''),
    janusUrl,
    demoAdminKey,
    media: o.media === undefined ? true : Boolean(o.media),
    iceServers: Array.isArray(o.iceServers) ? (o.iceServers as RTCIceServer[]) : undefined,
  };
}
