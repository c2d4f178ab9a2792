// The status the editor component shows (sync state, read-only, language, round trip, notice,
// who else is in the document), computed from the session's pieces.
import type { OTClient } from '../ot/client';
import type { RemoteCaret } from './carets';

export interface EditorStatus {
  /** true once the first snapshot arrived */
  ready: boolean;
  /** the channel is open and caught up */
  online: boolean;
  pending: boolean;
  paused: boolean;
  readOnly: boolean;
  readOnlyReason?: string;
  language: string;
  revision: number;
  rttMs?: number;
  notice?: string;
  carets: { id: string; name: string; role: string; colour: string }[];
}

/** A caret not moved for this long is no longer listed. */
export const CARET_LISTED_MS = 120_000;

export function sessionStatus(s: {
  client: OTClient | null;
  live: boolean;
  paused: boolean;
  readOnly: boolean;
  readOnlyReason: string | undefined;
  language: string;
  rttMs: number | undefined;
  notice: string | undefined;
  carets: Iterable<RemoteCaret>;
}): EditorStatus {
  const now = Date.now();
  return {
    ready: s.client !== null,
    online: s.live,
    pending: s.client ? s.client.state !== 'synchronized' : false,
    paused: s.paused,
    readOnly: s.readOnly,
    readOnlyReason: s.readOnlyReason,
    language: s.language,
    revision: s.client?.revision ?? 0,
    rttMs: s.rttMs,
    notice: s.notice,
    carets: [...s.carets]
      .filter((c) => now - c.at < CARET_LISTED_MS)
      .map((c) => ({ id: c.participant.id, name: c.participant.name, role: c.participant.role, colour: c.colour })),
  };
}
