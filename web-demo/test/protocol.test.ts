// The protocol module's parsers (src/protocol/): what they accept, and every kind of refusal.
import { describe, expect, it } from 'vitest';
import { parsePluginMessage, parseServerMessage } from '../src/protocol';

const P = (v: unknown) => parseServerMessage(JSON.stringify(v));
const ada = { id: 'p_ada', name: 'Ada', role: 'applicant' };

describe('parseServerMessage', () => {
  it('reads every message of docs/PROTOCOL.md', () => {
    const ok = [
      { type: 'snapshot', revision: 3, language: 'python', read_only: false, part: 0, parts: 2, text: 'ab' },
      { type: 'op', revision: 4, client_id: 'c1', seq: 2, author: 'p_ada', op: [1, 'x', -1] },
      { type: 'synced', revision: 4 },
      { type: 'presence', participant: ada, colour: '#fff', revision: 4, cursor: 2, selection: [[1, 2]] },
      { type: 'language', language: 'go', by: 'p_ada' },
      { type: 'check_ok', revision: 4 },
      { type: 'check_stale', revision: 4 },
      { type: 'paused', reason: 'storage_unavailable' },
      { type: 'resumed' },
      { type: 'read_only', reason: 'ended_by_recruiter' },
      { type: 'error', error_code: 482, error: 'rate_limited', message: 'slow down', seq: 3, reason: 'op' },
      { type: 'pong', t: 12.5 },
    ];
    for (const m of ok) expect(P(m)).toEqual({ kind: 'message', message: m });
  });

  it('normalises the op and the participant', () => {
    const a = P({ type: 'op', revision: 1, client_id: 'c', seq: 1, op: [1, 1, 'a', 'b'] });
    expect(a.kind === 'message' && a.message.type === 'op' && a.message.op).toEqual([2, 'ab']);
    const p = P({ type: 'presence', participant: { id: 'p_x' }, revision: 0, cursor: 0 });
    expect(p.kind === 'message' && p.message.type === 'presence' && p.message.participant).toEqual({ id: 'p_x', name: 'Participant', role: 'applicant' });
  });

  it('keeps a caret whose selection is not a list, or has bad entries, without them', () => {
    const a = P({ type: 'presence', participant: ada, revision: 0, cursor: 1, selection: 'x' });
    expect(a.kind === 'message' && a.message.type === 'presence' && a.message.selection).toEqual([]);
    const b = P({ type: 'presence', participant: ada, revision: 0, cursor: 1, selection: [[0, 1], [2], 'y', [3, 4]] });
    expect(b.kind === 'message' && b.message.type === 'presence' && b.message.selection).toEqual([[0, 1], [3, 4]]);
  });

  it('refuses what is not a message', () => {
    expect(parseServerMessage('{"type":')).toEqual({ kind: 'unreadable', problem: 'not JSON' });
    expect(parseServerMessage('null')).toEqual({ kind: 'unreadable', problem: 'not a JSON object' });
    expect(parseServerMessage('[1]')).toEqual({ kind: 'unreadable', problem: 'not a JSON object' });
    expect(parseServerMessage('{"revision":1}')).toEqual({ kind: 'unreadable', problem: 'no type' });
  });

  it('reports an unknown type as unknown, not invalid', () => {
    expect(P({ type: 'something_new', x: 1 })).toEqual({ kind: 'unknown', type: 'something_new' });
    expect(P({ type: 'toString' })).toEqual({ kind: 'unknown', type: 'toString' });
  });

  it('refuses a known type with a missing or wrong field, naming it', () => {
    const cases: [unknown, string][] = [
      [{ type: 'snapshot', revision: 1 }, 'text is missing'],
      [{ type: 'snapshot', revision: -1, text: '' }, 'revision is not a revision'],
      [{ type: 'snapshot', revision: 1, text: '', read_only: 'no' }, 'read_only is not a boolean'],
      [{ type: 'op', revision: 1, client_id: 'c', seq: 1, op: 'x' }, 'op: an operation is a JSON array'],
      [{ type: 'op', revision: 1, client_id: 'c', seq: 1, op: [0] }, 'op: bad component 0'],
      [{ type: 'op', revision: 1.5, client_id: 'c', seq: 1, op: [1] }, 'revision is not a revision'],
      [{ type: 'op', revision: 1, seq: 1, op: [1] }, 'client_id is missing'],
      [{ type: 'synced' }, 'revision is missing'],
      [{ type: 'presence', revision: 0, cursor: 0 }, 'participant is not a participant'],
      [{ type: 'presence', participant: ada, revision: 0, cursor: '1' }, 'cursor is not a number'],
      [{ type: 'language', language: 5 }, 'language is not a string'],
      [{ type: 'paused', reason: 1 }, 'reason is not a string'],
      [{ type: 'error', error: 'x' }, 'error_code is missing'],
      [{ type: 'error', error_code: 480 }, 'error is missing'],
      [{ type: 'pong', t: 'now' }, 't is not a number'],
    ];
    for (const [m, problem] of cases) {
      expect(P(m)).toEqual({ kind: 'invalid', invalid: { type: (m as { type: string }).type, problem } });
    }
  });
});

describe('parsePluginMessage', () => {
  it('reads joined, keeping the fields the room shows', () => {
    const m = parsePluginMessage({
      interview: 'joined', interview_id: 'iv', title: 'T', start: 's', end: 'e', opens_at: 'o', closes_at: 'c',
      you: ada, participants: [ada, { id: 'p_r', name: 'R', role: 'recruiter' }, 'junk'], max_participants: 3,
    });
    expect(m).toEqual({
      interview: 'joined', interview_id: 'iv', title: 'T', start: 's', end: 'e', opens_at: 'o', closes_at: 'c',
      server_time: undefined, you: ada, participants: [ada, { id: 'p_r', name: 'R', role: 'recruiter' }], max_participants: 3,
    });
  });

  it('refuses a joined without `you`, and what it does not know', () => {
    expect(parsePluginMessage({ interview: 'joined', interview_id: 'iv' })).toBeNull();
    expect(parsePluginMessage({ interview: 'info', version: '0.1.0' })).toBeNull();
    expect(parsePluginMessage({ interview: 'event', event: 'something_new' })).toBeNull();
    expect(parsePluginMessage({})).toBeNull();
  });

  it('reads connected: only `true` means taken', () => {
    expect(parsePluginMessage({ interview: 'connected', published: { audio: true, video: 'yes' } })).toEqual({ interview: 'connected', published: { audio: true, video: false } });
    expect(parsePluginMessage({ interview: 'connected' })).toEqual({ interview: 'connected', published: { audio: false, video: false } });
  });

  it('reads room events with their defaults', () => {
    expect(parsePluginMessage({ interview: 'event', event: 'kicked' })).toEqual({ interview: 'event', event: 'kicked', reason: '' });
    expect(parsePluginMessage({ interview: 'event', event: 'interview_over' })).toEqual({ interview: 'event', event: 'interview_over', reason: 'ended' });
    expect(parsePluginMessage({ interview: 'event', event: 'participant_left', participant: ada, reason: 'left' })).toEqual({ interview: 'event', event: 'participant_left', participant: ada, reason: 'left' });
    expect(parsePluginMessage({ interview: 'event', event: 'participant_joined', participant: {} })).toEqual({ interview: 'event', event: 'participant_joined', participant: undefined, reason: undefined });
    const media = parsePluginMessage({ interview: 'event', event: 'media', publishers: [{ participant: ada }], streams: [{ mid: 2, type: 'audio', participant_id: 'p_ada' }] });
    expect(media).toEqual({ interview: 'event', event: 'media', view: { publishers: [{ participant: ada, audio: true, video: true, audio_muted: false, video_muted: false }], streams: [{ mid: '2', type: 'audio', participant_id: 'p_ada' }] } });
  });

  it('reads errors, with the request they answer', () => {
    expect(parsePluginMessage({ interview: 'error', error_code: 473, error: 'too_early', message: 'later', request: 'join', opens_at: 'x' })).toEqual({
      interview: 'error', error_code: 473, error: 'too_early', message: 'later', request: 'join', opens_at: 'x',
    });
    expect(parsePluginMessage({ interview: 'error' })).toEqual({ interview: 'error', error_code: undefined, error: 'error', message: '', request: undefined, opens_at: undefined });
    expect(parsePluginMessage({ interview: 'error', error: 'room_full' })).toMatchObject({ error: 'room_full', message: 'room_full' });
  });
});
