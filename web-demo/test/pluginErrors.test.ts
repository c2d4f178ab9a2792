// What the room does with each refusal of the plugin (src/room/pluginErrors.ts), and that the
// room's data channel parses what arrives (src/room/dataChannel.ts).
import { describe, expect, it, vi } from 'vitest';
import { decidePluginError, type ErrorContext } from '../src/room/pluginErrors';
import { DataChannelAdapter } from '../src/room/dataChannel';
import type { PluginErrorAnswer } from '../src/protocol';
import type { JanusPluginHandle } from '../src/janus/types';

const err = (error: string, extra: Partial<PluginErrorAnswer> = {}): PluginErrorAnswer => ({ interview: 'error', error, message: `msg ${error}`, ...extra });
const ctx = (c: Partial<ErrorContext> = {}): ErrorContext => ({ state: 'connected', answered: true, withMedia: true, endPending: false, now: 0, ...c });

describe('decidePluginError', () => {
  it('a refused configure changes nothing', () => {
    expect(decidePluginError(err('invalid_field', { request: 'configure' }), ctx({ state: 'joining' })).kind).toBe('ignore');
  });

  it('a refused end_interview rejects the pending end only', () => {
    expect(decidePluginError(err('forbidden_for_role', { request: 'end_interview' }), ctx({ endPending: true }))).toEqual({ kind: 'rejectEnd', message: 'msg forbidden_for_role' });
    expect(decidePluginError(err('forbidden_for_role', { request: 'end_interview' }), ctx()).kind).toBe('ignore');
  });

  it('too_early waits until the room opens (half a second after), between 1 s and 60 s', () => {
    const at = Date.parse('2026-11-25T09:45:00Z');
    const d = decidePluginError(err('too_early', { opens_at: '2026-11-25T09:45:00Z' }), ctx({ state: 'joining', now: at - 10_000 }));
    expect(d).toEqual({ kind: 'reconnect', detail: 'msg too_early', delayMs: 10_500, patch: { state: 'waiting', detail: 'msg too_early', errorCode: 'too_early' } });
    expect(decidePluginError(err('too_early', { opens_at: 'x' }), ctx()).kind === 'reconnect' && (decidePluginError(err('too_early'), ctx()) as { delayMs: number }).delayMs).toBe(30_000);
    expect((decidePluginError(err('too_early', { opens_at: '2026-11-25T09:45:00Z' }), ctx({ now: at })) as { delayMs: number }).delayMs).toBe(1000);
    expect((decidePluginError(err('too_early', { opens_at: '2026-11-25T09:45:00Z' }), ctx({ now: at - 3_600_000 })) as { delayMs: number }).delayMs).toBe(60_000);
  });

  it('service_unavailable, room_full and not_joined retry; already_joined is ignored', () => {
    expect(decidePluginError(err('service_unavailable'), ctx({ state: 'joining' }))).toMatchObject({ kind: 'reconnect', delayMs: 3000 });
    expect(decidePluginError(err('room_full'), ctx({ state: 'joining' }))).toMatchObject({ kind: 'reconnect', delayMs: 10_000, patch: { state: 'waiting', errorCode: 'room_full' } });
    expect(decidePluginError(err('not_joined'), ctx())).toMatchObject({ kind: 'reconnect', detail: 'Joining again…', delayMs: 500 });
    expect(decidePluginError(err('already_joined'), ctx({ state: 'joining' }))).toEqual({ kind: 'ignore' });
  });

  it('a refused connect first retries without media, then gives up', () => {
    const refused = ctx({ state: 'negotiating', answered: false });
    expect(decidePluginError(err('invalid_field'), refused).kind).toBe('stop'); // fatal: no media retry
    expect(decidePluginError(err('forbidden_for_role'), refused)).toMatchObject({ kind: 'reconnect', withoutMedia: true, delayMs: 200 });
    expect(decidePluginError(err('forbidden_for_role'), { ...refused, withMedia: false })).toEqual({
      kind: 'stop', patch: { state: 'failed', detail: 'The server could not set up the connection: msg forbidden_for_role', errorCode: 'forbidden_for_role' },
    });
  });

  it('interview_ended ends the room; fatal errors and errors while joining fail it; others are logged', () => {
    expect(decidePluginError(err('interview_ended'), ctx())).toEqual({ kind: 'stop', patch: { state: 'over', overReason: 'ended', detail: 'msg interview_ended', errorCode: 'interview_ended' } });
    expect(decidePluginError(err('token_revoked'), ctx())).toMatchObject({ kind: 'stop', patch: { state: 'failed' } });
    expect(decidePluginError(err('internal_error'), ctx({ state: 'joining' }))).toMatchObject({ kind: 'stop', patch: { state: 'failed' } });
    expect(decidePluginError(err('internal_error'), ctx())).toMatchObject({ kind: 'ignore', warn: ['interview: plugin error', 'internal_error', 'msg internal_error'] });
  });
});

describe('DataChannelAdapter', () => {
  it('sends JSON only while open, and parses what arrives', () => {
    const ch = new DataChannelAdapter();
    const data = vi.fn();
    const handle = { data } as unknown as JanusPluginHandle;
    expect(ch.send({ type: 'ping', t: 1 })).toBe(false);
    const events: string[] = [];
    ch.onOpen(() => events.push('open'));
    ch.onClose(() => events.push('close'));
    ch.onMessage((m) => events.push(`message ${m.type}`));
    ch.onInvalid((m) => events.push(`invalid ${m.type}: ${m.problem}`));
    ch.opened(handle);
    expect(ch.isOpen()).toBe(true);
    expect(ch.send({ type: 'ping', t: 1 })).toBe(true);
    expect(data.mock.calls[0][0]).toMatchObject({ text: '{"type":"ping","t":1}', label: 'interview' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    ch.received('{"type":"pong","t":1}');
    ch.received('{"type":"op","revision":1}');
    ch.received('{"type":"brand_new"}');
    ch.received('not json');
    expect(warn).toHaveBeenCalledWith('interview: data-channel message is not JSON');
    warn.mockRestore();
    ch.closed();
    ch.closed(); // once
    expect(ch.send({ type: 'ping', t: 2 })).toBe(false);
    expect(events).toEqual(['open', 'message pong', 'invalid op: op: an operation is a JSON array', 'close']);
  });
});
