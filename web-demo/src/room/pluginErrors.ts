// What the room does when the plugin refuses a request (docs/PROTOCOL.md, Errors), as a pure
// decision so that every case can be unit-tested: ignore it, reject a pending end, retry (maybe
// without media), or stop for good. RoomConnection carries the decision out.
import type { PluginErrorAnswer } from '../protocol';
import type { ConnState, RoomState } from './roomState';

/** Errors after which joining again cannot help. */
export const FATAL = new Set([
  'unknown_interview',
  'invalid_token',
  'token_other_interview',
  'interview_ended',
  'interview_cancelled',
  'token_revoked',
  'malformed_request',
  'missing_field',
  'invalid_field',
]);

export type ErrorDecision =
  /** nothing changes (`warn`: what to log) */
  | { kind: 'ignore'; warn?: unknown[] }
  /** the pending `end_interview` failed with this message */
  | { kind: 'rejectEnd'; message: string }
  /** reconnect after `delayMs`; first apply `patch`, and drop media when `withoutMedia` */
  | { kind: 'reconnect'; detail: string; delayMs: number; patch?: Partial<RoomState>; withoutMedia?: boolean }
  /** stop for good: tear down and show `patch` */
  | { kind: 'stop'; patch: Partial<RoomState> };

export interface ErrorContext {
  state: ConnState;
  /** the plugin answered this connection's `connect` */
  answered: boolean;
  /** the offer carries audio and video */
  withMedia: boolean;
  /** an `end_interview` waits for its answer */
  endPending: boolean;
  /** the server's clock now (ms), for `too_early` */
  now: number;
}

export function decidePluginError(e: PluginErrorAnswer, c: ErrorContext): ErrorDecision {
  const { error: code, message } = e;
  // Errors name the request they answer (docs/PROTOCOL.md, Errors).
  if (e.request === 'configure') {
    // a refused mute changes nothing else; the local track is muted anyway
    return { kind: 'ignore', warn: ['interview: configure refused', code, message] };
  }
  if (c.endPending && e.request === 'end_interview') return { kind: 'rejectEnd', message };
  if (code === 'too_early') {
    const opensAt = Date.parse(e.opens_at ?? '');
    const wait = Number.isFinite(opensAt) ? Math.max(1000, opensAt - c.now + 500) : 30_000;
    return { kind: 'reconnect', detail: message, delayMs: Math.min(wait, 60_000), patch: { state: 'waiting', detail: message, errorCode: code } };
  }
  if (code === 'service_unavailable') {
    return { kind: 'reconnect', detail: 'The interview service is not reachable right now; retrying…', delayMs: 3000 };
  }
  if (code === 'room_full') {
    return {
      kind: 'reconnect',
      detail: 'The room is full',
      delayMs: 10_000,
      patch: { state: 'waiting', detail: 'The room is full; you will join as soon as someone leaves.', errorCode: code },
    };
  }
  if (code === 'already_joined') return { kind: 'ignore' };
  if (code === 'not_joined') return { kind: 'reconnect', detail: 'Joining again…', delayMs: 500 };
  const refusedConnect = c.state === 'negotiating' && !c.answered;
  if (refusedConnect && c.withMedia && !FATAL.has(code)) {
    // the plugin could not take our media (e.g. audio/video not available yet): editor only
    return {
      kind: 'reconnect',
      detail: 'Connecting without audio and video',
      delayMs: 200,
      withoutMedia: true,
      patch: { mediaUnavailable: 'Video is not available in this room yet; the shared editor works.' },
    };
  }
  if (refusedConnect) {
    // even a data-channel-only connection was refused: nothing more to try
    return { kind: 'stop', patch: { state: 'failed', detail: `The server could not set up the connection: ${message}`, errorCode: code } };
  }
  if (code === 'interview_ended') return { kind: 'stop', patch: { state: 'over', overReason: 'ended', detail: message, errorCode: code } };
  if (FATAL.has(code) || c.state === 'joining' || c.state === 'connecting') {
    return { kind: 'stop', patch: { state: 'failed', detail: message, errorCode: code } };
  }
  return { kind: 'ignore', warn: ['interview: plugin error', code, message] };
}
