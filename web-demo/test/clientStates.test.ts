// The OT client's states as objects (src/ot/clientStates.ts): every transition on its own, and
// OTClient moving through them with the messages each transition sends.
import { describe, expect, it } from 'vitest';
import { AwaitingConfirm, AwaitingWithBuffer, SYNCHRONIZED, Synchronized, awaiting, type Launch } from '../src/ot/clientStates';
import { OTClient } from '../src/ot/client';
import { apply, type Op } from '../src/ot/operation';

const launchAs = (seq: number): Launch => (op) => awaiting({ seq, op }, null);

describe('OT client states', () => {
  it('Synchronized: a local edit is launched; an ack changes nothing; a remote op applies as is', () => {
    const s = new Synchronized();
    const next = s.localEdit([3, 'd'], launchAs(7));
    expect(next).toBeInstanceOf(AwaitingConfirm);
    expect(next.outstanding).toEqual({ seq: 7, op: [3, 'd'] });
    expect(s.ack()).toBe(s);
    expect(s.transformRemote(['x', 3])).toEqual({ apply: ['x', 3], next: s });
    expect(s.outstanding).toBeNull();
    expect(s.buffer).toBeNull();
  });

  it('AwaitingConfirm: a local edit starts the buffer; the ack returns to Synchronized', () => {
    const s = new AwaitingConfirm({ seq: 1, op: [3, 'd'] });
    const buffered = s.localEdit([4, 'e']);
    expect(buffered).toBeInstanceOf(AwaitingWithBuffer);
    expect(buffered.outstanding).toBe(s.outstanding);
    expect(buffered.buffer).toEqual([4, 'e']);
    expect(s.ack()).toBe(SYNCHRONIZED);
  });

  it('AwaitingConfirm: a remote op is transformed against the op in flight, received first', () => {
    const s = new AwaitingConfirm({ seq: 1, op: [3, 'd'] });
    const { apply: a, next } = s.transformRemote([3, 'X']);
    // the same spot: the committed insert goes first
    expect(a).toEqual([3, 'X', 1]);
    expect(next.outstanding).toEqual({ seq: 1, op: [4, 'd'] });
    expect(next.name).toBe('awaitingConfirm');
    expect(apply(apply('abc', [3, 'd']), a)).toBe(apply(apply('abc', [3, 'X']), next.outstanding!.op));
  });

  it('AwaitingWithBuffer: local edits compose into the buffer; the ack launches the buffer', () => {
    const s = new AwaitingWithBuffer({ seq: 1, op: [3, 'd'] }, [4, 'e']);
    const more = s.localEdit([5, 'f']);
    expect(more.buffer).toEqual([4, 'ef']);
    expect(more.outstanding).toBe(s.outstanding);
    const launched: Op[] = [];
    const next = s.ack((op) => {
      launched.push(op);
      return awaiting({ seq: 2, op }, null);
    });
    expect(launched).toEqual([[4, 'e']]);
    expect(next.outstanding).toEqual({ seq: 2, op: [4, 'e'] });
    expect(next.name).toBe('awaitingConfirm');
  });

  it('AwaitingWithBuffer: a remote op crosses the op in flight, then the buffer', () => {
    const s = new AwaitingWithBuffer({ seq: 1, op: ['a', 3] }, ['b', 4]);
    const { apply: a, next } = s.transformRemote([3, 'Z']);
    expect(a).toEqual([5, 'Z']);
    expect(next.outstanding).toEqual({ seq: 1, op: ['a', 4] });
    expect(next.buffer).toEqual(['b', 5]);
    expect(next.name).toBe('awaitingWithBuffer');
  });

  it('awaiting(): the pieces of a split op wait in the buffer', () => {
    expect(awaiting({ seq: 1, op: [1] }, null).name).toBe('awaitingConfirm');
    const w = awaiting({ seq: 1, op: ['a', 1] }, [2, 'b']);
    expect(w.name).toBe('awaitingWithBuffer');
    expect(w.buffer).toEqual([2, 'b']);
  });

  it('states are never changed in place', () => {
    const s = new AwaitingWithBuffer({ seq: 1, op: ['a', 3] }, ['b', 4]);
    s.localEdit([5, 'c']);
    s.transformRemote([3, 'Z']);
    expect(s.outstanding).toEqual({ seq: 1, op: ['a', 3] });
    expect(s.buffer).toEqual(['b', 4]);
  });
});

describe('OTClient through its states', () => {
  const seqs = () => {
    let n = 0;
    return () => ++n;
  };

  it('Synchronized -> AwaitingConfirm -> AwaitingWithBuffer -> AwaitingConfirm -> Synchronized', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs() });
    expect(c.state).toBe('synchronized');
    expect(c.localEdit([3, 'd'])).toEqual({ type: 'op', client_id: 'me', seq: 1, revision: 0, op: [3, 'd'] });
    expect(c.state).toBe('awaitingConfirm');
    expect(c.localEdit([4, 'e'])).toBeNull();
    expect(c.state).toBe('awaitingWithBuffer');
    const ack = c.receive({ revision: 1, client_id: 'me', seq: 1, op: [3, 'd'] });
    // the buffer goes out at the acknowledged revision with the next seq
    expect(ack).toEqual({ kind: 'ack', send: { type: 'op', client_id: 'me', seq: 2, revision: 1, op: [4, 'e'] } });
    expect(c.state).toBe('awaitingConfirm');
    expect(c.receive({ revision: 2, client_id: 'me', seq: 2, op: [4, 'e'] })).toEqual({ kind: 'ack', send: null });
    expect(c.state).toBe('synchronized');
    expect(c.doc).toBe('abcde');
  });

  it('a no-op local edit changes neither the state nor sends anything', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs() });
    expect(c.localEdit([3])).toBeNull();
    expect(c.state).toBe('synchronized');
  });

  it('a piece of our edit (seq 0) moves the revision only; in Synchronized it is a remote op', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs() });
    c.localEdit([3, 'd']);
    expect(c.receive({ revision: 1, client_id: 'me', seq: 0, op: [3, 'd'] })).toEqual({ kind: 'piece' });
    expect(c.state).toBe('awaitingConfirm');
    expect(c.outstandingSeq).toBe(1);
    expect(c.revision).toBe(1);
    const idle = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs() });
    expect(idle.receive({ revision: 1, client_id: 'me', seq: 0, op: [3, 'd'] })).toEqual({ kind: 'remote', apply: [3, 'd'] });
  });

  it('another participant with our client id is not our acknowledgement', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs(), selfId: 'p_me' });
    c.localEdit([3, 'd']);
    const r = c.receive({ revision: 1, client_id: 'me', seq: 1, author: 'p_other', op: ['x', 3] });
    expect(r.kind).toBe('remote');
    expect(c.state).toBe('awaitingConfirm');
  });

  it('reset drops what was pending and returns to Synchronized', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abc', nextSeq: seqs() });
    c.localEdit([3, 'd']);
    c.localEdit([4, 'e']);
    expect(c.reset(5, 'new')).toBe(2);
    expect(c.state).toBe('synchronized');
    expect(c.resend()).toBeNull();
  });
});
