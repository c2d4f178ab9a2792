// The editor's pieces that need no browser: the link's states and hello (documentLink.ts), the
// local copy of the document (sharedDocument.ts), the reactions to data-channel errors
// (docErrors.ts), the outbox and the presence throttle, and EditorSession itself over a fake
// DocChannel with no editor attached.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelEvents } from '../src/channelEvents';
import { parseServerMessage, type ClientMessage, type DocChannel, type ServerMessage } from '../src/protocol';
import { DocumentLink } from '../src/editor/documentLink';
import { SharedDocument } from '../src/editor/sharedDocument';
import { reactToDocError } from '../src/editor/docErrors';
import { EditOutbox } from '../src/editor/editOutbox';
import { PresenceThrottle } from '../src/editor/presenceThrottle';
import { EditorSession, type EditorStatus } from '../src/editor/session';

class FakeChannel extends ChannelEvents implements DocChannel {
  open = false;
  readonly sent: ClientMessage[] = [];
  send(m: ClientMessage) {
    if (this.open) this.sent.push(m);
    return this.open;
  }
  isOpen() {
    return this.open;
  }
  setOpen(on: boolean) {
    this.open = on;
    (on ? this.opens : this.closes).emit();
  }
  /** as the room's data channel does: through JSON and the parser */
  deliver(m: unknown) {
    const a = parseServerMessage(JSON.stringify(m));
    if (a.kind === 'message') this.messages.emit(a.message);
    else if (a.kind === 'invalid') this.invalids.emit(a.invalid);
  }
}

const hellos = (ch: FakeChannel) => ch.sent.filter((m) => m.type === 'hello');
const seqs = () => {
  let n = 0;
  return () => ++n;
};

afterEach(() => vi.restoreAllMocks());

describe('DocumentLink', () => {
  it('offline -> catchingUp (hello) -> live, and back to offline', () => {
    const ch = new FakeChannel();
    let rev: number | null = null;
    const link = new DocumentLink(ch, 'tab1', () => rev, { message: () => undefined, changed: () => undefined });
    expect(link.phase).toBe('offline');
    ch.setOpen(true);
    expect(link.phase).toBe('catchingUp');
    expect(ch.sent).toEqual([{ type: 'hello', client_id: 'tab1', last_revision: null }]);
    link.caughtUp();
    expect(link.phase).toBe('live');
    ch.setOpen(false);
    expect(link.phase).toBe('offline');
    link.caughtUp(); // an answer arriving late does not bring it online
    expect(link.phase).toBe('offline');
    rev = 7;
    ch.setOpen(true);
    expect(ch.sent.at(-1)).toEqual({ type: 'hello', client_id: 'tab1', last_revision: 7 });
  });

  it('resync asks from our revision, or from scratch; offline it stays offline', () => {
    const ch = new FakeChannel();
    const link = new DocumentLink(ch, 'c', () => 3, { message: () => undefined, changed: () => undefined });
    link.resync(false);
    expect(link.phase).toBe('offline');
    ch.setOpen(true);
    link.caughtUp();
    link.resync(false);
    expect(link.phase).toBe('catchingUp');
    link.resync(true);
    expect(hellos(ch).map((m) => m.type === 'hello' && m.last_revision)).toEqual([3, 3, null]);
  });

  it('a message that fails, or a refused one of the document stream, resyncs from scratch', () => {
    const ch = new FakeChannel();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const changed = vi.fn();
    const link = new DocumentLink(ch, 'c', () => 3, {
      message: (m) => {
        if (m.type === 'pong') throw new Error('boom');
      },
      changed,
    });
    ch.setOpen(true);
    ch.sent.length = 0;
    ch.deliver({ type: 'pong', t: 1 });
    ch.deliver({ type: 'op', revision: 4, client_id: 'x', seq: 1, op: 'nonsense' });
    expect(ch.sent).toEqual([
      { type: 'hello', client_id: 'c', last_revision: null },
      { type: 'hello', client_id: 'c', last_revision: null },
    ]);
    expect(error).toHaveBeenCalledTimes(2);
    // a refused message outside the document stream is only logged
    ch.deliver({ type: 'pong', t: 'x' });
    expect(ch.sent).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(link.phase).toBe('catchingUp');
    expect(changed).toHaveBeenCalledTimes(3); // open + two resyncs
  });
});

describe('SharedDocument', () => {
  const op = (revision: number, o: unknown, client_id = 'other', seq = 1) =>
    ({ type: 'op', revision, client_id, seq, op: o }) as Extract<ServerMessage, { type: 'op' }>;

  it('nothing before the first snapshot; a later snapshot drops what was pending', () => {
    const d = new SharedDocument({ clientId: 'me', nextSeq: seqs() });
    expect(d.receive(op(1, [1]))).toBeNull();
    expect(d.mapper()).toBeNull();
    expect(d.load(0, 'abc')).toBe(0);
    expect(d.localEdit([3, 'd'], null, true)).toMatchObject({ seq: 1, revision: 0, op: [3, 'd'] });
    expect(d.load(5, 'xyz')).toBe(1);
    expect(d.client!.doc).toBe('xyz');
    expect(d.popStep('undo')).toBeNull();
  });

  it('a gap is reported; remote ops move the undo stack and the carets', () => {
    const d = new SharedDocument({ clientId: 'me', nextSeq: seqs(), selfId: 'p_me' });
    d.load(0, 'abc');
    d.localEdit([3, 'd'], null, true); // undo: remove the 'd'
    d.receive(op(1, [3, 'd'], 'me', 1));
    expect(d.receive(op(3, [4]))).toEqual({ kind: 'gap' });
    expect(d.receive(op(2, ['X', 4]))).toEqual({ kind: 'remote', apply: ['X', 4] });
    expect(d.popStep('undo')).toEqual([4, -1]);
    const ada = { id: 'p_ada', name: 'Ada', role: 'applicant' as const };
    expect(d.setCaret({ type: 'presence', participant: { id: 'p_me', name: 'Me', role: 'applicant' }, revision: 0, cursor: 0, selection: [] }, 'p_me')).toBe(false);
    expect(d.setCaret({ type: 'presence', participant: ada, revision: 1, cursor: 2, selection: [] }, 'p_me')).toBe(true);
    // a caret at revision 1, offset 2, is at offset 3 after the insert at the start
    expect(d.mapper()!(2, 1)).toBe(3);
  });
});

describe('reactToDocError', () => {
  const e = (error: string, message?: string) => ({ type: 'error' as const, error_code: 480, error, message });
  it('maps each error of the data channel to what the editor does', () => {
    expect(reactToDocError(e('storage_unavailable'))).toEqual({ pause: true });
    expect(reactToDocError(e('rate_limited'))).toEqual({ retryAfterMs: 1000 });
    expect(reactToDocError(e('read_only'))).toEqual({ readOnly: true });
    expect(reactToDocError(e('interview_ended'))).toEqual({ readOnly: true });
    expect(reactToDocError(e('forbidden_for_role'))).toEqual({ readOnly: true, notice: 'Your role cannot edit the code.' });
    expect(reactToDocError(e('revision_too_old'))).toEqual({ notice: 'The document was reloaded from the server.', resync: true });
    expect(reactToDocError(e('invalid_operation'))).toEqual({ notice: 'The document was reloaded from the server.', resync: true });
    expect(reactToDocError(e('not_joined'))).toEqual({});
    expect(reactToDocError(e('hello_required', 'say hello first'))).toEqual({ notice: 'say hello first' });
    expect(reactToDocError(e('internal_error'))).toEqual({ notice: 'internal_error' });
  });
});

describe('EditOutbox and PresenceThrottle', () => {
  it('holds ops while offline or paused and resends the one in flight', () => {
    vi.useFakeTimers();
    const ch = new FakeChannel();
    const link = new DocumentLink(ch, 'c', () => null, { message: () => undefined, changed: () => undefined });
    const out = { type: 'op' as const, client_id: 'c', seq: 1, revision: 0, op: [1] };
    const box = new EditOutbox(link, () => out);
    box.send(out);
    ch.setOpen(true);
    ch.sent.length = 0;
    box.paused = true;
    box.resend();
    expect(ch.sent).toEqual([]);
    box.paused = false;
    box.retryLater(1000);
    box.retryLater(1000);
    vi.advanceTimersByTime(1000);
    expect(ch.sent).toEqual([out]);
    vi.useRealTimers();
  });

  it('sends presence at most once an interval and keeps it owed when it could not go', () => {
    vi.useFakeTimers();
    let can = false;
    let sent = 0;
    const p = new PresenceThrottle(100, () => (can ? (sent++, true) : false));
    p.schedule();
    vi.advanceTimersByTime(0);
    expect(p.dirty).toBe(true);
    can = true;
    p.schedule();
    p.schedule();
    vi.advanceTimersByTime(0);
    expect(sent).toBe(1);
    expect(p.dirty).toBe(false);
    p.schedule();
    vi.advanceTimersByTime(50);
    expect(sent).toBe(1);
    vi.advanceTimersByTime(50);
    expect(sent).toBe(2);
    p.dispose();
    vi.useRealTimers();
  });
});

describe('EditorSession without an editor', () => {
  function session() {
    const ch = new FakeChannel();
    const statuses: EditorStatus[] = [];
    const s = new EditorSession({ channel: ch, clientId: 'tab1', nextSeq: seqs(), selfId: 'p_me', canEdit: true, onStatus: (st) => statuses.push(st) });
    return { ch, s, last: () => statuses.at(-1)! };
  }

  it('says hello, loads the snapshot in parts and is then online', () => {
    const { ch, s, last } = session();
    ch.setOpen(true);
    expect(ch.sent).toEqual([{ type: 'hello', client_id: 'tab1', last_revision: null }]);
    expect(last()).toMatchObject({ ready: false, online: false });
    ch.deliver({ type: 'snapshot', revision: 4, language: 'python', read_only: false, part: 0, parts: 2, text: 'ab' });
    expect(last().ready).toBe(false);
    ch.deliver({ type: 'snapshot', revision: 4, language: 'python', read_only: false, part: 1, parts: 2, text: 'cd' });
    expect(last()).toMatchObject({ ready: true, online: true, revision: 4, language: 'python', pending: false });
    ch.deliver({ type: 'op', revision: 5, client_id: 'x', seq: 1, author: 'p_x', op: [4, '!'] });
    expect(last().revision).toBe(5);
    // a reconnect catches up from revision 5
    ch.setOpen(false);
    expect(last().online).toBe(false);
    ch.setOpen(true);
    expect(ch.sent.at(-1)).toEqual({ type: 'hello', client_id: 'tab1', last_revision: 5 });
    ch.deliver({ type: 'synced', revision: 5 });
    expect(last().online).toBe(true);
    s.dispose();
  });

  it('pauses, resumes, ends read-only and reloads on errors, as the plugin says', () => {
    const { ch, s, last } = session();
    ch.setOpen(true);
    ch.deliver({ type: 'snapshot', revision: 0, text: '' });
    ch.deliver({ type: 'paused', reason: 'storage_unavailable' });
    expect(last().paused).toBe(true);
    ch.deliver({ type: 'resumed' });
    expect(last().paused).toBe(false);
    ch.deliver({ type: 'error', error_code: 485, error: 'revision_too_old', message: 'rebase' });
    expect(last().notice).toBe('The document was reloaded from the server.');
    expect(ch.sent.at(-1)).toEqual({ type: 'hello', client_id: 'tab1', last_revision: null });
    ch.deliver({ type: 'read_only', reason: 'ended_by_recruiter' });
    expect(last()).toMatchObject({ readOnly: true, readOnlyReason: 'ended_by_recruiter' });
    ch.deliver({ type: 'language', language: 'go', by: 'p_x' });
    expect(last().language).toBe('go');
    ch.deliver({ type: 'presence', participant: { id: 'p_x', name: 'X', role: 'recruiter' }, revision: 0, cursor: 0, selection: [] });
    expect(last().carets).toEqual([{ id: 'p_x', name: 'X', role: 'recruiter', colour: expect.any(String) }]);
    s.dispose();
  });

  it('a stream gap catches up from its revision', () => {
    const { ch, s } = session();
    ch.setOpen(true);
    ch.deliver({ type: 'snapshot', revision: 2, text: 'x' });
    ch.deliver({ type: 'op', revision: 4, client_id: 'x', seq: 1, op: [1, 'y'] });
    expect(ch.sent.at(-1)).toEqual({ type: 'hello', client_id: 'tab1', last_revision: 2 });
    s.dispose();
  });
});
