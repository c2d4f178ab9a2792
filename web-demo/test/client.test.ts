import { describe, expect, it } from 'vitest';
import { OTClient, StreamGapError, type OutgoingOp, type ServerOp } from '../src/ot/client';
import { LocalAuthority } from '../src/ot/localAuthority';
import { apply, OpBuilder, type Op } from '../src/ot/operation';

const seqGen = () => {
  let n = 0;
  return () => ++n;
};
const mk = (doc = 'abc', id = 'me', revision = 0, maxOpBytes?: number) =>
  new OTClient({ clientId: id, revision, doc, nextSeq: seqGen(), maxOpBytes });
const remote = (revision: number, op: Op, client_id = 'other', seq = 1): ServerOp => ({ revision, client_id, seq, op });

describe('OTClient state machine', () => {
  it('starts synchronized and sends the first local edit at once', () => {
    const c = mk();
    expect(c.state).toBe('synchronized');
    const out = c.localEdit([3, 'd']);
    expect(out).toEqual({ type: 'op', client_id: 'me', seq: 1, revision: 0, op: [3, 'd'] });
    expect(c.state).toBe('awaitingConfirm');
    expect(c.doc).toBe('abcd');
  });

  it('buffers further edits while one is in flight, composing them', () => {
    const c = mk();
    c.localEdit([3, 'd']);
    expect(c.localEdit([4, 'e'])).toBeNull();
    expect(c.localEdit([5, 'f'])).toBeNull();
    expect(c.state).toBe('awaitingWithBuffer');
    expect(c.bufferOp).toEqual([4, 'ef']);
  });

  it('its own op coming back is the ack; the buffer then goes out with the next seq', () => {
    const c = mk();
    c.localEdit([3, 'd']);
    c.localEdit([4, 'e']);
    const r = c.receive({ revision: 1, client_id: 'me', seq: 1, op: [3, 'd'] });
    expect(r.kind).toBe('ack');
    expect(r.kind === 'ack' && r.send).toEqual({ type: 'op', client_id: 'me', seq: 2, revision: 1, op: [4, 'e'] });
    expect(c.state).toBe('awaitingConfirm');
    expect(c.revision).toBe(1);
    const r2 = c.receive({ revision: 2, client_id: 'me', seq: 2, op: [4, 'e'] });
    expect(r2).toEqual({ kind: 'ack', send: null });
    expect(c.state).toBe('synchronized');
    expect(c.doc).toBe('abcde');
  });

  it('applies a remote op directly when synchronized', () => {
    const c = mk();
    const r = c.receive(remote(1, ['X', 3]));
    expect(r).toEqual({ kind: 'remote', apply: ['X', 3] });
    expect(c.doc).toBe('Xabc');
    expect(c.revision).toBe(1);
  });

  it('transforms a remote op against outstanding and buffer, received first', () => {
    const c = mk('ab');
    c.localEdit([1, 'M', 1]); // aMb, in flight
    c.localEdit([2, 'N', 1]); // aMNb, buffered
    // someone else inserted at the same position 1, committed first
    const r = c.receive(remote(1, [1, 'R', 1]));
    expect(r.kind).toBe('remote');
    // the received insert goes first at the tie
    expect(c.doc).toBe('aRMNb');
    expect(c.outstandingOp).toEqual([2, 'M', 1]);
    expect(c.bufferOp).toEqual([3, 'N', 1]);
    // and the server, transforming our op over its committed one, agrees
    const server = apply(apply('ab', [1, 'R', 1]), c.outstandingOp!);
    expect(apply(server, c.bufferOp!)).toBe(c.doc);
  });

  it('ignores duplicate and old entries (a duplicate ack changes nothing)', () => {
    const c = mk();
    c.localEdit([3, 'd']);
    c.receive({ revision: 1, client_id: 'me', seq: 1, op: [3, 'd'] });
    expect(c.receive({ revision: 1, client_id: 'me', seq: 1, op: [3, 'd'] })).toEqual({ kind: 'ignored' });
    expect(c.doc).toBe('abcd');
    expect(c.revision).toBe(1);
  });

  it('throws StreamGapError on a missing revision', () => {
    const c = mk();
    expect(() => c.receive(remote(2, [3, 'x']))).toThrow(StreamGapError);
    expect(c.revision).toBe(0);
  });

  it('an op of our client id with another seq is treated as remote', () => {
    const c = mk();
    c.localEdit([3, 'd']);
    const r = c.receive({ revision: 1, client_id: 'me', seq: 99, op: ['z', 3] });
    expect(r.kind).toBe('remote');
    expect(c.state).toBe('awaitingConfirm');
  });

  it('resend after a reconnect: same seq, transformed to the current revision', () => {
    const c = mk('abc');
    const first = c.localEdit([3, '!'])!;
    c.receive(remote(1, ['>', 3]));
    const again = c.resend()!;
    expect(again.seq).toBe(first.seq);
    expect(again.revision).toBe(1);
    expect(again.op).toEqual([4, '!']);
    expect(mk().resend()).toBeNull();
  });

  it('reset drops pending ops and never reuses their seq', () => {
    const c = mk();
    c.localEdit([3, 'd']);
    c.localEdit([4, 'e']);
    expect(c.reset(7, 'snapshot')).toBe(2);
    expect(c.state).toBe('synchronized');
    expect(c.doc).toBe('snapshot');
    expect(c.localEdit([8, '!'])!.seq).toBe(2);
  });

  it('splits a too large local edit and sends the pieces one after another', () => {
    const c = mk('', 'me', 0, 300);
    const paste = 'x'.repeat(1000);
    const out = c.localEdit([paste])!;
    expect(JSON.stringify(out.op).length).toBeLessThanOrEqual(300);
    expect(c.state).toBe('awaitingWithBuffer');
    let doc = apply('', out.op);
    let next: OutgoingOp | null = out;
    let rev = 0;
    let sends = 1;
    while (next) {
      const r = c.receive({ revision: ++rev, client_id: 'me', seq: next.seq, op: next.op });
      next = r.kind === 'ack' ? r.send : null;
      if (next) {
        expect(JSON.stringify(next.op).length).toBeLessThanOrEqual(300);
        doc = apply(doc, next.op);
        sends++;
      }
    }
    expect(doc).toBe(paste);
    expect(sends).toBeGreaterThan(3);
    expect(c.state).toBe('synchronized');
  });
});

describe('simulation against the local authority', () => {
  it('three clients with random concurrent edits, delays and a reconnect converge', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const auth = new LocalAuthority('start');
    const clients = ['a', 'b', 'c'].map((id) => mk('start', id));
    const toServer: OutgoingOp[][] = [[], [], []];
    const toClient: ServerOp[][] = [[], [], []];
    const words = ['x', '😀', '你好', '\n', 'é'];
    for (let step = 0; step < 1500; step++) {
      const i = rnd(3);
      const c = clients[i];
      const what = rnd(10);
      if (what < 4) {
        const doc = c.doc;
        const cps = Array.from(doc);
        const at = rnd(cps.length + 1);
        const pos = cps.slice(0, at).join('').length;
        const b = new OpBuilder().retain(pos);
        if (rnd(3) === 0 && at < cps.length) b.delete(cps[at].length);
        else b.insert(words[rnd(words.length)]);
        b.retain(doc.length - b.base);
        const out = c.localEdit(b.build());
        if (out) toServer[i].push(out);
      } else if (what < 7 && toServer[i].length) {
        const m = toServer[i].shift()!;
        const { entry, duplicate } = auth.submit(m);
        if (duplicate) toClient[i].push(entry);
        else toClient.forEach((q) => q.push(entry));
      } else if (what < 9 && toClient[i].length) {
        const r = c.receive(toClient[i].shift()!);
        if (r.kind === 'ack' && r.send) toServer[i].push(r.send);
      } else if (what === 9) {
        // reconnect: messages in flight may be lost both ways, catch up, then resend
        const lostUp = rnd(2) === 0;
        if (lostUp) toServer[i] = [];
        toClient[i] = [];
        for (const e of auth.since(c.revision)) {
          const r = c.receive(e);
          if (r.kind === 'ack' && r.send) toServer[i].push(r.send);
        }
        const again = c.resend();
        if (again && !toServer[i].some((m) => m.seq === again.seq)) toServer[i].unshift(again);
      }
    }
    // drain everything
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 3; i++) {
        while (toServer[i].length) {
          const { entry, duplicate } = auth.submit(toServer[i].shift()!);
          if (duplicate) toClient[i].push(entry);
          else toClient.forEach((q) => q.push(entry));
        }
        while (toClient[i].length) {
          const r = clients[i].receive(toClient[i].shift()!);
          if (r.kind === 'ack' && r.send) toServer[i].push(r.send);
        }
      }
    }
    for (const c of clients) {
      expect(c.state).toBe('synchronized');
      expect(c.doc).toBe(auth.doc);
    }
    expect(auth.revision).toBeGreaterThan(50);
  });
});

describe('OTClient and edits committed in pieces', () => {
  it('treats seq-0 pieces of its own edit as already applied and acks on the last piece', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abcd', nextSeq: seqGen(), selfId: 'p_me' });
    c.localEdit([-4]);
    // The plugin committed it as two revisions: a piece (seq 0) and the last piece (seq 1).
    expect(c.receive({ revision: 1, client_id: 'me', seq: 0, author: 'p_me', op: [-2, 2] }).kind).toBe('piece');
    expect(c.state).toBe('awaitingConfirm');
    expect(c.receive({ revision: 2, client_id: 'me', seq: 1, author: 'p_me', op: [-2] }).kind).toBe('ack');
    expect(c.revision).toBe(2);
    expect(c.doc).toBe('');
  });

  it('applies pieces of someone else, and never takes another author\'s op as its ack', () => {
    const c = new OTClient({ clientId: 'me', revision: 0, doc: 'abcd', nextSeq: seqGen(), selfId: 'p_me' });
    c.localEdit([4, 'x']);
    // Same client id, another author: a remote op, transformed and applied.
    const r = c.receive({ revision: 1, client_id: 'me', seq: 1, author: 'p_other', op: ['z', 4] });
    expect(r.kind).toBe('remote');
    expect(c.state).toBe('awaitingConfirm');
    expect(c.doc).toBe('zabcdx');
  });
});
