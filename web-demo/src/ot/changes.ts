// Monaco's content-change events as operations. One event can hold several changes (multi-cursor
// typing, "replace all", a paste into several selections); their ranges all refer to the model
// BEFORE the event, so the event becomes ONE full-traversal operation over the previous text.
import { OpBuilder, type Op, OTError } from './operation';

/** The part of monaco.editor.IModelContentChange that matters here. */
export interface SimpleChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * Converts the changes of one event into one operation over a document of `docLength` code units
 * (the length before the event). Throws OTError when the changes overlap or fall outside.
 */
export function changesToOp(docLength: number, changes: readonly SimpleChange[]): Op {
  const sorted = changes
    .map((c, i) => ({ c, i }))
    // Monaco lists them last-first; equal offsets keep the order that yields Monaco's result
    // (the later entry was applied first, so it ends up further right).
    .sort((a, b) => a.c.rangeOffset - b.c.rangeOffset || b.i - a.i)
    .map((x) => x.c);
  const b = new OpBuilder();
  let pos = 0;
  for (const c of sorted) {
    if (c.rangeOffset < pos) throw new OTError('overlapping changes');
    if (c.rangeOffset + c.rangeLength > docLength) throw new OTError('change outside the document');
    b.retain(c.rangeOffset - pos);
    b.insert(c.text);
    b.delete(c.rangeLength);
    pos = c.rangeOffset + c.rangeLength;
  }
  b.retain(docLength - pos);
  return b.build();
}

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/**
 * The smallest single-range operation turning `from` into `to` (common prefix and suffix),
 * never cutting a surrogate pair. Used as a safety net when an event cannot be converted.
 */
export function diffToOp(from: string, to: string): Op {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  // never end the common prefix between the halves of a pair
  if (start > 0 && isHigh(from.charCodeAt(start - 1))) start--;
  let end = 0;
  const maxEnd = Math.min(from.length, to.length) - start;
  while (end < maxEnd && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++;
  // nor start the common suffix with the second half of a pair
  if (end > 0 && isLow(from.charCodeAt(from.length - end))) end--;
  return new OpBuilder()
    .retain(start)
    .insert(to.slice(start, to.length - end))
    .delete(from.length - end - start)
    .retain(end)
    .build();
}

/** Where each change of an operation lands, as Monaco edits over the document it applies to. */
export interface OffsetEdit {
  offset: number; // in the document before the operation
  length: number;
  text: string;
}

/** An operation as non-overlapping replace edits (offsets in the document before it). */
export function opToEdits(op: Op): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  let pos = 0;
  let cur: OffsetEdit | null = null;
  for (const c of op) {
    if (typeof c === 'number' && c > 0) {
      if (cur) edits.push(cur);
      cur = null;
      pos += c;
    } else if (typeof c === 'string') {
      cur ??= { offset: pos, length: 0, text: '' };
      cur.text += c;
    } else {
      cur ??= { offset: pos, length: 0, text: '' };
      cur.length += -c;
      pos += -c;
    }
  }
  if (cur) edits.push(cur);
  return edits;
}
