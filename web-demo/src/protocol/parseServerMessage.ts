// The validating parser for what arrives on the data channel: JSON text -> a typed ServerMessage,
// or why not. A message of an unknown type is reported as such (the client ignores it, as the
// protocol lets the plugin add types); a known type with wrong fields is refused with the field.
import { parseOp } from '../ot/operation';
import type { InvalidMessage, ServerMessage, ServerMessageType } from './dataChannel';
import { isInt, isObj, readParticipant } from './read';

export type Arrival =
  | { kind: 'message'; message: ServerMessage }
  /** a known type with fields this client cannot use */
  | { kind: 'invalid'; invalid: InvalidMessage }
  /** a type this client does not know */
  | { kind: 'unknown'; type: string }
  /** not JSON, not an object, or no `type` */
  | { kind: 'unreadable'; problem: string };

class Refused extends Error {}

type Fields = Record<string, unknown>;

function need<T>(m: Fields, key: string, ok: (v: unknown) => v is T, what: string): T {
  const v = m[key];
  if (!ok(v)) throw new Refused(v === undefined ? `${key} is missing` : `${key} is not ${what}`);
  return v;
}
function optional<T>(m: Fields, key: string, ok: (v: unknown) => v is T, what: string): T | undefined {
  return m[key] === undefined ? undefined : need(m, key, ok, what);
}
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isRevision = (v: unknown): v is number => isInt(v) && v >= 0;
const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isNum(v[0]) && isNum(v[1]);

const readers: { [T in ServerMessageType]: (m: Fields) => Extract<ServerMessage, { type: T }> } = {
  snapshot: (m) => ({
    type: 'snapshot',
    revision: need(m, 'revision', isRevision, 'a revision'),
    language: optional(m, 'language', isStr, 'a string'),
    read_only: optional(m, 'read_only', isBool, 'a boolean'),
    part: optional(m, 'part', isInt, 'an integer'),
    parts: optional(m, 'parts', isInt, 'an integer'),
    text: need(m, 'text', isStr, 'a string'),
  }),
  op: (m) => {
    let op;
    try {
      op = parseOp(m.op);
    } catch (e) {
      throw new Refused(`op: ${(e as Error).message}`);
    }
    return {
      type: 'op',
      revision: need(m, 'revision', isRevision, 'a revision'),
      client_id: need(m, 'client_id', isStr, 'a string'),
      seq: need(m, 'seq', isInt, 'an integer'),
      author: optional(m, 'author', isStr, 'a string'),
      op,
    };
  },
  synced: (m) => ({ type: 'synced', revision: need(m, 'revision', isRevision, 'a revision') }),
  presence: (m) => {
    const participant = readParticipant(m.participant);
    if (!participant) throw new Refused('participant is not a participant');
    return {
      type: 'presence',
      participant,
      colour: optional(m, 'colour', isStr, 'a string'),
      revision: need(m, 'revision', isRevision, 'a revision'),
      cursor: need(m, 'cursor', isNum, 'a number'),
      // positions that are not [start, end] are dropped, not the whole caret
      selection: Array.isArray(m.selection) ? m.selection.filter(isPair) : [],
    };
  },
  language: (m) => ({ type: 'language', language: need(m, 'language', isStr, 'a string'), by: optional(m, 'by', isStr, 'a string') }),
  check_ok: (m) => ({ type: 'check_ok', revision: need(m, 'revision', isRevision, 'a revision') }),
  check_stale: (m) => ({ type: 'check_stale', revision: need(m, 'revision', isRevision, 'a revision') }),
  paused: (m) => ({ type: 'paused', reason: optional(m, 'reason', isStr, 'a string') }),
  resumed: (m) => ({ type: 'resumed', reason: optional(m, 'reason', isStr, 'a string') }),
  read_only: (m) => ({ type: 'read_only', reason: optional(m, 'reason', isStr, 'a string') }),
  error: (m) => ({
    type: 'error',
    error_code: need(m, 'error_code', isInt, 'an integer'),
    error: need(m, 'error', isStr, 'a string'),
    message: optional(m, 'message', isStr, 'a string'),
    seq: optional(m, 'seq', isInt, 'an integer'),
    reason: optional(m, 'reason', isStr, 'a string'),
  }),
  pong: (m) => ({ type: 'pong', t: need(m, 't', isNum, 'a number') }),
};

const isKnown = (t: string): t is ServerMessageType => Object.prototype.hasOwnProperty.call(readers, t);

/** Reads one data-channel text message. */
export function parseServerMessage(text: string): Arrival {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', problem: 'not JSON' };
  }
  if (!isObj(value)) return { kind: 'unreadable', problem: 'not a JSON object' };
  const type = value.type;
  if (typeof type !== 'string') return { kind: 'unreadable', problem: 'no type' };
  if (!isKnown(type)) return { kind: 'unknown', type };
  try {
    return { kind: 'message', message: readers[type](value) };
  } catch (e) {
    if (e instanceof Refused) return { kind: 'invalid', invalid: { type, problem: e.message } };
    throw e;
  }
}
