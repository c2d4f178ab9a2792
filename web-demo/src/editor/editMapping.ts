// The editor adapter's arithmetic, without Monaco (unit-tested in test/editMapping.test.ts):
// a content-change event -> one operation over the text before it, an operation -> position
// edits on the model, and the caret and selections -> the offsets a `presence` carries.
import { apply, transformPosition, type Op } from '../ot/operation';
import { changesToOp, diffToOp, opToEdits, type SimpleChange } from '../ot/changes';

/** The part of a text model that maps offsets and positions (Monaco's ITextModel has it). */
export interface OffsetModel<P> {
  getPositionAt(offset: number): P;
  getOffsetAt(position: P): number;
}

/** A selection as its two ends (Monaco's Selection has them). */
export interface SelectionEnds<P> {
  getStartPosition(): P;
  getEndPosition(): P;
}

/** Presence carries at most this many selections. */
export const MAX_SELECTIONS = 32;

/**
 * The operation that turns `before` into `after`, from the event's changes; when they do not
 * give exactly `after` (or cannot be read), a diff of the two texts.
 */
export function localEditToOp(before: string, after: string, changes: readonly SimpleChange[]): Op {
  try {
    const op = changesToOp(before.length, changes);
    return apply(before, op) === after ? op : diffToOp(before, after);
  } catch {
    return diffToOp(before, after);
  }
}

/** Typing (one change of at most one character, not a whole-model flush) groups into one undo step. */
export function isTyping(isFlush: boolean, changes: readonly SimpleChange[]): boolean {
  return !isFlush && changes.length === 1 && changes[0].text.length <= 1;
}

/** An operation as edits between positions of the model it applies to. */
export function opToPositionEdits<P>(model: OffsetModel<P>, op: Op): { start: P; end: P; text: string; offset: number }[] {
  return opToEdits(op).map((e) => ({
    start: model.getPositionAt(e.offset),
    end: model.getPositionAt(e.offset + e.length),
    text: e.text,
    offset: e.offset,
  }));
}

/** The caret offset and the first MAX_SELECTIONS selections as [start, end] offsets. */
export function caretOffsets<P>(
  model: OffsetModel<P>,
  position: P | null,
  selections: readonly SelectionEnds<P>[],
): { cursor: number; selection: [number, number][] } {
  return {
    cursor: position ? model.getOffsetAt(position) : 0,
    selection: selections
      .slice(0, MAX_SELECTIONS)
      .map((s) => [model.getOffsetAt(s.getStartPosition()), model.getOffsetAt(s.getEndPosition())] as [number, number]),
  };
}

/** A selection as offsets: where it started (anchor) and where the caret is (head). */
export interface OffsetSelection {
  anchor: number;
  head: number;
}

/**
 * Where the user's selections go when someone else's operation is applied: each end moved as a
 * position other people's edits do not push (an insert exactly at the caret lands after it, the
 * caret stays; CodeMirror maps positions the same way). Monaco would push the caret to the end
 * of a remote insert made at it: a paste by the other side then carried your caret along.
 */
export function selectionsAfterRemote(selections: readonly OffsetSelection[], op: Op): OffsetSelection[] {
  return selections.map((s) => ({ anchor: transformPosition(s.anchor, op, false), head: transformPosition(s.head, op, false) }));
}
