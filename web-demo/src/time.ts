// Time as the SERVICE sees it: the browser's own clock may be wrong, so every "is it open yet"
// decision uses the offset between the service's server_time and Date.now() at the response.
export class ServerClock {
  constructor(readonly offsetMs = 0) {}
  static fromResponse(serverTime: string, receivedAt: number): ServerClock {
    const t = Date.parse(serverTime);
    return new ServerClock(Number.isFinite(t) ? t - receivedAt : 0);
  }
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';
export const formatTime = (iso: string | number): string => timeFmt.format(new Date(iso));
export const formatDateTime = (iso: string | number): string => dateTimeFmt.format(new Date(iso));

/** "12 min", "1 h 05 min", "2 days", "45 s" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} days`;
}

/** For <input type="datetime-local">: the local wall-clock value of a Date. */
export function toLocalInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value read in the browser's time zone, as RFC 3339 with its offset. */
export function localInputToRfc3339(value: string): string | null {
  const d = new Date(value); // datetime-local without offset = local time
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const p = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${value.length === 16 ? `${value}:00` : value}${sign}${p(off / 60)}:${p(off % 60)}`;
}
