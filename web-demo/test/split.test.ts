import { describe, expect, it } from 'vitest';
import { jsonStringBytes, opJsonBytes, splitOp, utf8Bytes } from '../src/ot/split';
import { apply, compose, isWellFormed, validateAgainst, type Op } from '../src/ot/operation';
import { OTClient } from '../src/ot/client';

const composeAll = (ops: Op[]) => ops.reduce((a, b) => compose(a, b));
const applyAll = (doc: string, ops: Op[]) => ops.reduce((d, op) => apply(d, op), doc);

describe('JSON size accounting', () => {
  it('matches JSON.stringify + UTF-8 exactly', () => {
    for (const s of ['', 'abc', 'quote"back\\slash', 'tab\tnl\n', '\u0001ctl', 'é你😀', '\u007f']) {
      expect(jsonStringBytes(s)).toBe(utf8Bytes(JSON.stringify(s)));
    }
    const op: Op = [12, 'x"y😀', -3, 1000];
    expect(opJsonBytes(op)).toBe(utf8Bytes(JSON.stringify(op)));
  });
});

describe('paste splitting', () => {
  const limit = 60_000;
  it('leaves a small op alone', () => {
    expect(splitOp([3, 'abc', 2], limit)).toEqual([[3, 'abc', 2]]);
  });
  it('splits a 200 KB ASCII paste into pieces under the limit that compose to the paste', () => {
    const doc = 'before|after';
    const paste = 'line of code\n'.repeat(16_000);
    const op: Op = [7, paste, 5];
    const pieces = splitOp(op, limit);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(utf8Bytes(JSON.stringify(p))).toBeLessThanOrEqual(limit);
    expect(applyAll(doc, pieces)).toBe(apply(doc, op));
    expect(composeAll(pieces)).toEqual(op);
  });
  it('never cuts a surrogate pair (emoji paste)', () => {
    const paste = '😀'.repeat(40_000) + 'a' + '🎉'.repeat(30_001);
    const op: Op = [paste];
    const pieces = splitOp(op, limit);
    let doc = '';
    for (const p of pieces) {
      expect(utf8Bytes(JSON.stringify(p))).toBeLessThanOrEqual(limit);
      for (const c of p) if (typeof c === 'string') expect(isWellFormed(c)).toBe(true);
      expect(validateAgainst(p, doc)).toBeNull();
      doc = apply(doc, p);
    }
    expect(doc).toBe(paste);
  });
  it('CJK and escapes are measured in UTF-8 bytes, not characters', () => {
    const paste = '你好"世界"\\'.repeat(20_000);
    const pieces = splitOp([paste], limit);
    for (const p of pieces) expect(utf8Bytes(JSON.stringify(p))).toBeLessThanOrEqual(limit);
    expect(applyAll('', pieces)).toBe(paste);
  });
  it('splits an op made of many small components (huge multi-cursor edit)', () => {
    const doc = 'ab'.repeat(30_000);
    const b: Op = [];
    for (let i = 0; i < 30_000; i++) b.push(1, 'xyz', -1);
    const pieces = splitOp(b, 5_000);
    for (const p of pieces) expect(utf8Bytes(JSON.stringify(p))).toBeLessThanOrEqual(5_000);
    expect(applyAll(doc, pieces)).toBe(apply(doc, b));
  });
  it('the client sends every piece as a whole message under 60,000 bytes', () => {
    let seq = 0;
    const c = new OTClient({ clientId: 'c'.repeat(64), revision: 123456, doc: '', nextSeq: () => ++seq });
    const paste = 'ä😀'.repeat(50_000);
    let out = c.localEdit([paste]);
    let rev = 123456;
    let doc = '';
    while (out) {
      expect(utf8Bytes(JSON.stringify(out))).toBeLessThanOrEqual(limit);
      doc = apply(doc, out.op);
      const r = c.receive({ revision: ++rev, client_id: c.clientId, seq: out.seq, op: out.op });
      out = r.kind === 'ack' ? r.send : null;
    }
    expect(doc).toBe(paste);
  });
});

describe('splitOp and the component cap', () => {
  it('keeps every piece under maxComponents and composes back to the op', () => {
    const doc = 'a'.repeat(30000);
    const op: Op = [];
    for (let i = 0; i < 10000; i++) op.push(1, 'q');
    op.push(20000);
    const pieces = splitOp(op, 59_000, 1000);
    expect(pieces.length).toBeGreaterThan(19);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(1000);
    expect(applyAll(doc, pieces)).toBe(apply(doc, op));
  });
});
