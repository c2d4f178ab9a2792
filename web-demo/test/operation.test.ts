import { describe, expect, it } from 'vitest';
import {
  apply, baseLength, compose, invert, isNoop, makeReplace, normalize, OpBuilder, OTError, parseOp,
  targetLength, transform, transformPosition, validateAgainst, type Op,
} from '../src/ot/operation';

describe('builder and normal form', () => {
  it('merges neighbours and drops zero lengths', () => {
    expect(new OpBuilder().retain(2).retain(3).insert('a').insert('b').delete(1).delete(2).retain(0).build()).toEqual([5, 'ab', -3]);
  });
  it('puts an insert before an adjacent delete (ot.js order)', () => {
    expect(new OpBuilder().retain(1).delete(2).insert('x').build()).toEqual([1, 'x', -2]);
    expect(new OpBuilder().insert('a').delete(2).insert('b').build()).toEqual(['ab', -2]);
  });
  it('normalize matches the builder', () => {
    expect(normalize([1, 2, -1, 'a', 'b', -1])).toEqual([3, 'ab', -2]);
  });
  it('lengths count UTF-16 code units', () => {
    const op: Op = [2, '😀', -3, 1];
    expect(baseLength(op)).toBe(6);
    expect(targetLength(op)).toBe(5);
  });
  it('parseOp refuses what is not an operation', () => {
    expect(() => parseOp({})).toThrow(OTError);
    expect(() => parseOp([1, 0])).toThrow(OTError);
    expect(() => parseOp([1.5])).toThrow(OTError);
    expect(() => parseOp([null])).toThrow(OTError);
    expect(parseOp([3, 'x', -1])).toEqual([3, 'x', -1]);
  });
  it('isNoop', () => {
    expect(isNoop([])).toBe(true);
    expect(isNoop([5])).toBe(true);
    expect(isNoop([5, 'a'])).toBe(false);
  });
});

describe('apply', () => {
  it('applies the protocol example', () => {
    expect(apply('hello world', [6, -5, 'there'])).toBe('hello there');
  });
  it('refuses a wrong base length', () => {
    expect(() => apply('abc', [2, 'x'])).toThrow(OTError);
    expect(() => apply('abc', [4])).toThrow(OTError);
  });
  it('handles emoji (astral) as two code units', () => {
    const doc = 'a😀b';
    expect(doc.length).toBe(4);
    expect(apply(doc, [1, -2, '🎉', 1])).toBe('a🎉b');
  });
  it('handles CJK', () => {
    expect(apply('你好世界', [2, '，', 2])).toBe('你好，世界');
  });
  it('makeReplace', () => {
    expect(makeReplace(5, 1, 2, 'XY')).toEqual([1, 'XY', -2, 2]);
    expect(apply('abcde', makeReplace(5, 1, 2, 'XY'))).toBe('aXYde');
    expect(() => makeReplace(3, 2, 2, '')).toThrow(OTError);
  });
});

describe('compose', () => {
  it('is apply(a) then apply(b)', () => {
    const doc = 'hello world';
    const a: Op = [5, ',', 6];
    const b: Op = [12, '!'];
    expect(apply(doc, compose(a, b))).toBe(apply(apply(doc, a), b));
  });
  it('insert then delete of the same text cancels', () => {
    expect(compose([2, 'xyz', 1], [2, -3, 1])).toEqual([3]);
  });
  it('refuses mismatching lengths', () => {
    expect(() => compose([1, 'a'], [1])).toThrow(OTError);
  });
  it('works across astral characters', () => {
    const doc = '😀😀';
    const a: Op = [2, '你', 2];
    const b: Op = [-2, 3];
    expect(apply(doc, compose(a, b))).toBe('你😀');
  });
});

describe('transform (server semantics)', () => {
  const check = (doc: string, a: Op, b: Op) => {
    const [a2, b2] = transform(a, b);
    const left = apply(apply(doc, a), b2);
    const right = apply(apply(doc, b), a2);
    expect(left).toBe(right);
    return left;
  };
  it('converges on inserts at different places', () => {
    expect(check('abc', [1, 'X', 2], [2, 'Y', 1])).toBe('aXbYc');
  });
  it("same-position inserts: the first argument's text comes first", () => {
    expect(check('ab', [1, 'A', 1], [1, 'B', 1])).toBe('aABb');
    expect(check('ab', [1, 'B', 1], [1, 'A', 1])).toBe('aBAb');
  });
  it('overlapping deletes delete once', () => {
    expect(check('abcdef', [1, -3, 2], [2, -3, 1])).toBe('af');
  });
  it('insert inside a deleted range survives', () => {
    expect(check('abcdef', [1, -4, 1], [3, 'X', 3])).toBe('aXf');
  });
  it('emoji and CJK around concurrent edits', () => {
    expect(check('😀你好🎉', [2, '世', 4], [4, 'x', -2])).toBe('😀世你好x');
  });
  it('refuses different base lengths', () => {
    expect(() => transform([1], [2])).toThrow(OTError);
  });
  it('randomised: transform converges and compose agrees with apply', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', '😀', '你', '\n', 'é'];
    const randomText = () => Array.from({ length: rnd(4) + 1 }, () => alphabet[rnd(alphabet.length)]).join('');
    // random op on doc, staying on code-point boundaries
    const randomOp = (doc: string): Op => {
      const cps = Array.from(doc);
      const b = new OpBuilder();
      let i = 0;
      while (i < cps.length) {
        const k = rnd(3);
        const n = Math.min(cps.length - i, rnd(3) + 1);
        const units = cps.slice(i, i + n).join('').length;
        if (k === 0) b.retain(units);
        else if (k === 1) b.delete(units);
        else { b.insert(randomText()); b.retain(units); }
        i += n;
      }
      if (rnd(2)) b.insert(randomText());
      return b.build();
    };
    for (let t = 0; t < 300; t++) {
      const doc = randomText() + randomText() + randomText();
      const a = randomOp(doc);
      const b = randomOp(doc);
      check(doc, a, b);
      const c = randomOp(apply(doc, a));
      expect(apply(doc, compose(a, c))).toBe(apply(apply(doc, a), c));
      expect(validateAgainst(a, doc)).toBeNull();
      expect(apply(apply(doc, a), invert(a, doc))).toBe(doc);
    }
  });
});

describe('invert', () => {
  it('brings deleted text back', () => {
    const doc = 'ab😀cd';
    const op: Op = [2, -2, 'X', 2];
    expect(apply(apply(doc, op), invert(op, doc))).toBe(doc);
  });
});

describe('transformPosition (same rule as the server)', () => {
  it("someone else's insert at the caret leaves it before the text", () => {
    expect(transformPosition(2, [2, 'xx', 3], false)).toBe(2);
    expect(transformPosition(2, [2, 'xx', 3], true)).toBe(4);
  });
  it('a caret inside a deleted range goes to its start', () => {
    expect(transformPosition(4, [2, -4, 1], false)).toBe(2);
  });
  it('a caret after a delete moves left, after an insert right', () => {
    expect(transformPosition(6, [1, -2, 4], false)).toBe(4);
    expect(transformPosition(3, ['😀', 5], false)).toBe(5);
  });
  it('is clamped to the target length', () => {
    expect(transformPosition(99, [2, -3], false)).toBe(2);
  });
});

describe('validateAgainst (what the server refuses)', () => {
  it('refuses a CR', () => {
    expect(validateAgainst([1, 'a\r\n', 1], 'ab')).toMatch(/CR/);
  });
  it('refuses a lone surrogate', () => {
    expect(validateAgainst(['\ud83d', 2], 'ab')).toMatch(/surrogate/);
  });
  it('refuses splitting a pair', () => {
    expect(validateAgainst([1, -1, 1], '😀a'.slice(0, 3))).toMatch(/pair/);
    expect(validateAgainst([1, 'x', 2], '😀a')).toMatch(/pair/);
  });
  it('accepts a clean operation', () => {
    expect(validateAgainst([2, 'x', 1], '😀a')).toBeNull();
  });
});
