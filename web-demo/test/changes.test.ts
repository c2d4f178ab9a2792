import { describe, expect, it } from 'vitest';
import { changesToOp, diffToOp, opToEdits, type SimpleChange } from '../src/ot/changes';
import { apply, OTError, validateAgainst } from '../src/ot/operation';

// Applies Monaco-style changes (ranges on the model before the event) the way Monaco reports
// them: the list is in descending offset order and applying it in order gives the new model.
const applyMonaco = (doc: string, changes: SimpleChange[]) => {
  let out = doc;
  for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  }
  return out;
};
const ch = (rangeOffset: number, rangeLength: number, text: string): SimpleChange => ({ rangeOffset, rangeLength, text });

describe('Monaco change event -> one operation', () => {
  it('single insert in the middle', () => {
    expect(changesToOp(5, [ch(2, 0, 'X')])).toEqual([2, 'X', 3]);
  });
  it('typing at the end of the document', () => {
    expect(changesToOp(3, [ch(3, 0, 'd')])).toEqual([3, 'd']);
  });
  it('delete at the end of the document (backspace)', () => {
    expect(changesToOp(4, [ch(3, 1, '')])).toEqual([3, -1]);
  });
  it('replacement of a selection', () => {
    const op = changesToOp(11, [ch(6, 5, 'there')]);
    expect(op).toEqual([6, 'there', -5]);
    expect(apply('hello world', op)).toBe('hello there');
  });
  it('multi-cursor typing: three cursors in one event, listed last first', () => {
    const doc = 'a\nb\nc';
    const changes = [ch(4, 0, '#'), ch(2, 0, '#'), ch(0, 0, '#')];
    const op = changesToOp(doc.length, changes);
    expect(op).toEqual(['#', 2, '#', 2, '#', 1]);
    expect(apply(doc, op)).toBe(applyMonaco(doc, changes));
  });
  it('multi-cursor delete with emoji (each cursor deletes a whole pair)', () => {
    const doc = '😀x😀y';
    const changes = [ch(3, 2, ''), ch(0, 2, '')];
    const op = changesToOp(doc.length, changes);
    expect(apply(doc, op)).toBe('xy');
    expect(validateAgainst(op, doc)).toBeNull();
  });
  it('multi-cursor replacements of different lengths', () => {
    const doc = 'foo bar foo';
    const changes = [ch(8, 3, 'quux'), ch(0, 3, 'q')];
    expect(apply(doc, changesToOp(doc.length, changes))).toBe('q bar quux');
  });
  it('emoji and CJK inserted text count as UTF-16 units', () => {
    const op = changesToOp(2, [ch(1, 0, '你好😀')]);
    expect(op).toEqual([1, '你好😀', 1]);
    expect(apply('ab', op)).toBe('a你好😀b');
  });
  it('deleting everything and pasting', () => {
    expect(changesToOp(3, [ch(0, 3, 'new')])).toEqual(['new', -3]);
  });
  it('refuses overlapping or out of range changes', () => {
    expect(() => changesToOp(10, [ch(1, 3, ''), ch(2, 2, 'x')])).toThrow(OTError);
    expect(() => changesToOp(3, [ch(2, 2, '')])).toThrow(OTError);
  });
  it('an empty event is a no-op traversal', () => {
    expect(changesToOp(4, [])).toEqual([4]);
  });
});

describe('diffToOp (safety net)', () => {
  it('finds the changed middle', () => {
    const op = diffToOp('hello world', 'hello brave world');
    expect(op).toEqual([6, 'brave ', 5]);
  });
  it('never cuts a surrogate pair', () => {
    const from = 'a😀b';
    const to = 'a😁b'; // same high surrogate, different low one
    const op = diffToOp(from, to);
    expect(apply(from, op)).toBe(to);
    expect(validateAgainst(op, from)).toBeNull();
  });
  it('handles deletes at the end and identical texts', () => {
    expect(apply('abc', diffToOp('abc', 'a'))).toBe('a');
    expect(diffToOp('same', 'same')).toEqual([4]);
  });
  it('random pairs of texts round-trip', () => {
    const alphabet = ['a', '😀', '😁', '你', '\n'];
    let seed = 3;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const text = () => Array.from({ length: rnd(8) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let i = 0; i < 300; i++) {
      const a = text();
      const b = text();
      const op = diffToOp(a, b);
      expect(apply(a, op)).toBe(b);
      expect(validateAgainst(op, a)).toBeNull();
    }
  });
});

describe('opToEdits (applying remote ops to Monaco)', () => {
  it('gives edits on the document before the op', () => {
    expect(opToEdits([2, 'X', -1, 3, -2, 'YZ'])).toEqual([
      { offset: 2, length: 1, text: 'X' },
      { offset: 6, length: 2, text: 'YZ' },
    ]);
  });
  it('applying the edits from the end gives apply()', () => {
    const doc = 'abcdefgh';
    const op = [1, -2, 'Q', 2, '😀', 3];
    let out = doc;
    for (const e of opToEdits(op).reverse()) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
    expect(out).toBe(apply(doc, op));
  });
});
