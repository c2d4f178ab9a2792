import { describe, expect, it } from 'vitest';
import { SnapshotAssembler } from '../src/ot/snapshot';
import { UndoStack } from '../src/ot/undo';
import { apply, invert, type Op } from '../src/ot/operation';
import { localPosition, OpLog } from '../src/ot/presence';
import { sha256Hex } from '../src/ot/checksum';
import { createHash } from 'node:crypto';
import { withKnownTokens } from '../src/api';

describe('snapshot reassembly', () => {
  it('joins parts in order even when they arrive out of order', () => {
    const a = new SnapshotAssembler();
    expect(a.add({ revision: 5, part: 1, parts: 3, text: 'b😀' })).toBeNull();
    expect(a.add({ revision: 5, part: 0, parts: 3, text: 'a', language: 'python', read_only: false })).toBeNull();
    const s = a.add({ revision: 5, part: 2, parts: 3, text: 'c' });
    expect(s).toEqual({ revision: 5, language: 'python', readOnly: false, text: 'ab😀c' });
  });
  it('a single-part snapshot completes at once', () => {
    expect(new SnapshotAssembler().add({ revision: 0, part: 0, parts: 1, text: '', read_only: true })!.readOnly).toBe(true);
  });
  it('a newer snapshot abandons an incomplete older one', () => {
    const a = new SnapshotAssembler();
    a.add({ revision: 1, part: 0, parts: 2, text: 'old' });
    expect(a.add({ revision: 2, part: 0, parts: 1, text: 'new' })!.text).toBe('new');
  });
  it('refuses a bad part number', () => {
    expect(() => new SnapshotAssembler().add({ revision: 1, part: 2, parts: 2, text: '' })).toThrow();
  });
});

describe('undo of own edits only', () => {
  it("undo removes my typing but keeps someone else's concurrent edit", () => {
    const u = new UndoStack();
    let doc = 'hello';
    const mine: Op = [5, ' world'];
    u.pushLocal(invert(mine, doc), 0);
    doc = apply(doc, mine); // hello world
    const theirs: Op = ['>> ', 11];
    doc = apply(doc, theirs);
    u.transformRemote(theirs);
    doc = apply(doc, u.popUndo()!);
    expect(doc).toBe('>> hello');
  });
  it('groups quick typing into one step and keeps separate steps apart', () => {
    const u = new UndoStack(100, 500);
    let doc = '';
    for (const [ch, t] of [['a', 0], ['b', 100], ['c', 2000]] as const) {
      const op: Op = [doc.length, ch].filter((x) => x !== 0) as Op;
      u.pushLocal(invert(op, doc), t);
      doc = apply(doc, op);
    }
    doc = apply(doc, u.popUndo()!);
    expect(doc).toBe('ab');
    doc = apply(doc, u.popUndo()!);
    expect(doc).toBe('');
    expect(u.canUndo).toBe(false);
  });
});

describe('remote carets', () => {
  it('moves a presence across committed ops and our pending ones', () => {
    const log = new OpLog();
    log.add(1, ['xx', 5]); // rev 1
    log.add(2, [7, '!']); // rev 2
    // presence at revision 0 position 3; local doc at rev 2 with a pending insert at 0
    expect(localPosition(log, 3, 0, 2, [['P', 8]])).toBe(6);
    expect(localPosition(log, 3, 2, 2, [])).toBe(3);
    expect(localPosition(log, 3, 3, 2, [])).toBeNull(); // presence ahead of us
  });
});

describe('checksum', () => {
  it('is the hex SHA-256 of the UTF-8 text', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const text = 'a😀你\n';
    expect(await sha256Hex(text)).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });
});

describe('join links after a participant change', () => {
  const known = [
    { id: 'a', name: 'Ada', role: 'applicant' as const, token: 'tok-a' },
    { id: 'r', name: 'Rita', role: 'recruiter' as const, token: 'tok-r' },
  ];
  it('keeps known tokens, takes the one just issued, and follows the service order', () => {
    const after = withKnownTokens(known, [
      { id: 'a', name: 'Ada', role: 'applicant', revoked: false, token: 'tok-a2' },
      { id: 'r', name: 'Rita', role: 'recruiter', revoked: false },
      { id: 'n', name: 'Nia', role: 'recruiter', revoked: false, token: 'tok-n' },
      { id: 'o', name: 'Olga', role: 'observer', revoked: false },
    ]);
    expect(after.map((p) => [p.id, p.token])).toEqual([['a', 'tok-a2'], ['r', 'tok-r'], ['n', 'tok-n']]);
  });
  it('drops a revoked participant even with a known token', () => {
    const after = withKnownTokens(known, [
      { id: 'a', name: 'Ada', role: 'applicant', revoked: false },
      { id: 'r', name: 'Rita', role: 'recruiter', revoked: true },
    ]);
    expect(after.map((p) => p.id)).toEqual(['a']);
  });
});
