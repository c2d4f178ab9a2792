// The editor adapter's mapping without a browser (src/editor/editMapping.ts), against a model
// that keeps positions as {line, column} like Monaco's (1-based).
import { describe, expect, it } from 'vitest';
import { caretOffsets, isTyping, localEditToOp, MAX_SELECTIONS, opToPositionEdits, selectionsAfterRemote, type OffsetModel } from '../src/editor/editMapping';
import { apply } from '../src/ot/operation';

interface Pos {
  lineNumber: number;
  column: number;
}

/** Offsets <-> positions over `text`, as Monaco's ITextModel does (LF line ends). */
function model(text: string): OffsetModel<Pos> {
  return {
    getPositionAt(offset) {
      const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
      const lines = before.split('\n');
      return { lineNumber: lines.length, column: lines[lines.length - 1].length + 1 };
    },
    getOffsetAt(p) {
      const lines = text.split('\n');
      let o = 0;
      for (let i = 0; i < p.lineNumber - 1; i++) o += lines[i].length + 1;
      return o + p.column - 1;
    },
  };
}

describe('localEditToOp', () => {
  it('turns the changes of one event into one op over the text before it', () => {
    const before = 'abc\ndef';
    // two cursors typing 'X' at offsets 1 and 5 (Monaco lists them last first)
    const changes = [
      { rangeOffset: 5, rangeLength: 0, text: 'X' },
      { rangeOffset: 1, rangeLength: 0, text: 'X' },
    ];
    const after = 'aXbc\ndXef';
    const op = localEditToOp(before, after, changes);
    expect(op).toEqual([1, 'X', 4, 'X', 2]);
    expect(apply(before, op)).toBe(after);
  });

  it('falls back to a diff when the changes do not give the text the editor shows', () => {
    const op = localEditToOp('hello', 'help!', [{ rangeOffset: 0, rangeLength: 1, text: 'j' }]);
    expect(apply('hello', op)).toBe('help!');
  });

  it('falls back to a diff when the changes cannot be read (overlapping, outside)', () => {
    const overlapping = [
      { rangeOffset: 0, rangeLength: 3, text: '' },
      { rangeOffset: 1, rangeLength: 1, text: 'z' },
    ];
    expect(apply('abcd', localEditToOp('abcd', 'zd', overlapping))).toBe('zd');
    expect(apply('ab', localEditToOp('ab', 'abc', [{ rangeOffset: 5, rangeLength: 1, text: 'c' }]))).toBe('abc');
  });
});

describe('isTyping', () => {
  it('groups single-character changes only', () => {
    expect(isTyping(false, [{ rangeOffset: 0, rangeLength: 0, text: 'a' }])).toBe(true);
    expect(isTyping(false, [{ rangeOffset: 0, rangeLength: 1, text: '' }])).toBe(true);
    expect(isTyping(false, [{ rangeOffset: 0, rangeLength: 0, text: 'ab' }])).toBe(false);
    expect(isTyping(true, [{ rangeOffset: 0, rangeLength: 0, text: 'a' }])).toBe(false);
    expect(isTyping(false, [{ rangeOffset: 0, rangeLength: 0, text: 'a' }, { rangeOffset: 2, rangeLength: 0, text: 'a' }])).toBe(false);
  });
});

describe('opToPositionEdits', () => {
  it('places each change of an op between positions of the text it applies to', () => {
    const text = 'one\ntwo\nthree';
    const edits = opToPositionEdits(model(text), [4, -3, 'TWO', 1, 'x', 5]);
    expect(edits).toEqual([
      { start: { lineNumber: 2, column: 1 }, end: { lineNumber: 2, column: 4 }, text: 'TWO', offset: 4 },
      { start: { lineNumber: 3, column: 1 }, end: { lineNumber: 3, column: 1 }, text: 'x', offset: 8 },
    ]);
  });

  it('a no-op gives no edits; a surrogate pair is two code units', () => {
    expect(opToPositionEdits(model('abc'), [3])).toEqual([]);
    const edits = opToPositionEdits(model('😀b'), [2, -1, 'c']);
    expect(edits).toEqual([{ start: { lineNumber: 1, column: 3 }, end: { lineNumber: 1, column: 4 }, text: 'c', offset: 2 }]);
  });
});

describe('caretOffsets', () => {
  const sel = (a: Pos, b: Pos) => ({ getStartPosition: () => a, getEndPosition: () => b });
  it('gives the caret and the selections as offsets', () => {
    const m = model('ab\ncd');
    expect(caretOffsets(m, { lineNumber: 2, column: 2 }, [sel({ lineNumber: 1, column: 1 }, { lineNumber: 2, column: 3 })])).toEqual({ cursor: 4, selection: [[0, 5]] });
  });

  it('without a caret the cursor is 0; at most MAX_SELECTIONS selections', () => {
    const m = model('x'.repeat(100));
    const many = Array.from({ length: 40 }, (_, i) => sel({ lineNumber: 1, column: i + 1 }, { lineNumber: 1, column: i + 2 }));
    const r = caretOffsets(m, null, many);
    expect(r.cursor).toBe(0);
    expect(r.selection).toHaveLength(MAX_SELECTIONS);
    expect(r.selection[31]).toEqual([31, 32]);
  });
});

describe('selectionsAfterRemote', () => {
  it('leaves the caret before a remote insert made exactly at it', () => {
    // "abc|def": someone else pastes 6,000 characters at the caret
    const paste = 'x'.repeat(6000);
    expect(selectionsAfterRemote([{ anchor: 3, head: 3 }], [3, paste, 3])).toEqual([{ anchor: 3, head: 3 }]);
  });
  it('moves the caret across remote inserts before it and deletes around it', () => {
    expect(selectionsAfterRemote([{ anchor: 3, head: 3 }], ['12', 6])).toEqual([{ anchor: 5, head: 5 }]);
    expect(selectionsAfterRemote([{ anchor: 3, head: 3 }], [1, -4, 1])).toEqual([{ anchor: 1, head: 1 }]);
    expect(selectionsAfterRemote([{ anchor: 3, head: 3 }], [4, 'z', 2])).toEqual([{ anchor: 3, head: 3 }]);
  });
  it('maps both ends of every selection, whichever way round', () => {
    // "ab[cd]ef" selected backwards (anchor after head); an insert at each end
    expect(selectionsAfterRemote([{ anchor: 4, head: 2 }, { anchor: 0, head: 1 }], [2, 'X', 2, 'Y', 2])).toEqual([
      { anchor: 5, head: 2 },
      { anchor: 0, head: 1 },
    ]);
  });
});
