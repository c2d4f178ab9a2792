// Operations as full traversals of a document, in ot.js's JSON form:
//   n > 0     retain n UTF-16 code units
//   "text"    insert text
//   n < 0     delete -n code units
// Same semantics and normal form as the server (plugin/core/ot/operation.hpp): no zero-length
// component, no two adjacent components of the same kind, an insert directly next to a delete
// comes first. transform(a, b) puts a's insert first when both insert at the same position; the
// server always calls transform(committed, incoming), so a client calls
// transform(received, pending).

export type Component = number | string;
export type Op = Component[];

export class OTError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OTError';
  }
}

export const isRetain = (c: Component): c is number => typeof c === 'number' && c > 0;
export const isInsert = (c: Component): c is string => typeof c === 'string';
export const isDelete = (c: Component): c is number => typeof c === 'number' && c < 0;

/** Builds an operation in normal form. */
export class OpBuilder {
  readonly ops: Op = [];
  base = 0;
  target = 0;

  retain(n: number): this {
    if (n === 0) return this;
    if (!(n > 0) || !Number.isInteger(n)) throw new OTError(`retain of ${n}`);
    this.base += n;
    this.target += n;
    const last = this.ops.length - 1;
    if (last >= 0 && isRetain(this.ops[last])) this.ops[last] = (this.ops[last] as number) + n;
    else this.ops.push(n);
    return this;
  }

  insert(s: string): this {
    if (s === '') return this;
    this.target += s.length;
    const ops = this.ops;
    const n = ops.length;
    if (n >= 1 && isInsert(ops[n - 1])) {
      ops[n - 1] = (ops[n - 1] as string) + s;
    } else if (n >= 1 && isDelete(ops[n - 1])) {
      if (n >= 2 && isInsert(ops[n - 2])) ops[n - 2] = (ops[n - 2] as string) + s;
      else {
        ops[n] = ops[n - 1];
        ops[n - 1] = s;
      }
    } else {
      ops.push(s);
    }
    return this;
  }

  delete(n: number): this {
    if (n === 0) return this;
    if (n < 0) n = -n;
    if (!Number.isInteger(n)) throw new OTError(`delete of ${n}`);
    this.base += n;
    const last = this.ops.length - 1;
    if (last >= 0 && isDelete(this.ops[last])) this.ops[last] = (this.ops[last] as number) - n;
    else this.ops.push(-n);
    return this;
  }

  build(): Op {
    return this.ops;
  }
}

export function baseLength(op: Op): number {
  let n = 0;
  for (const c of op) if (typeof c === 'number') n += Math.abs(c);
  return n;
}

export function targetLength(op: Op): number {
  let n = 0;
  for (const c of op) {
    if (isRetain(c)) n += c;
    else if (isInsert(c)) n += c.length;
  }
  return n;
}

export function isNoop(op: Op): boolean {
  return op.length === 0 || (op.length === 1 && isRetain(op[0]));
}

/** Re-normalises any sequence of components (merges neighbours, drops zero lengths). */
export function normalize(op: Op): Op {
  const b = new OpBuilder();
  for (const c of op) {
    if (isInsert(c)) b.insert(c);
    else if (isRetain(c)) b.retain(c);
    else if (isDelete(c)) b.delete(-c);
  }
  return b.build();
}

/** The operation that replaces `remove` units at `pos` of a `docLength`-unit document by `text`. */
export function makeReplace(docLength: number, pos: number, remove: number, text: string): Op {
  if (pos < 0 || remove < 0 || pos + remove > docLength) throw new OTError('replace out of range');
  return new OpBuilder().retain(pos).insert(text).delete(remove).retain(docLength - pos - remove).build();
}

export function apply(doc: string, op: Op): string {
  if (baseLength(op) !== doc.length) {
    throw new OTError(`apply: expected length ${doc.length}, got ${baseLength(op)}`);
  }
  const out: string[] = [];
  let pos = 0;
  for (const c of op) {
    if (isRetain(c)) {
      out.push(doc.slice(pos, pos + c));
      pos += c;
    } else if (isInsert(c)) {
      out.push(c);
    } else {
      pos -= c as number;
    }
  }
  return out.join('');
}

/** Walks an operation's components, allowing partial consumption of the current one. */
class Walker {
  private i = 0;
  private off = 0;
  constructor(private readonly op: Op) {}
  done(): boolean {
    return this.i >= this.op.length;
  }
  kind(): 'retain' | 'insert' | 'delete' {
    const c = this.op[this.i];
    return isInsert(c) ? 'insert' : isRetain(c) ? 'retain' : 'delete';
  }
  remaining(): number {
    const c = this.op[this.i];
    return (isInsert(c) ? c.length : Math.abs(c as number)) - this.off;
  }
  text(n: number): string {
    return (this.op[this.i] as string).slice(this.off, this.off + n);
  }
  advance(n: number): void {
    this.off += n;
    const c = this.op[this.i];
    const len = isInsert(c) ? c.length : Math.abs(c as number);
    if (this.off >= len) {
      this.i++;
      this.off = 0;
    }
  }
}

/** One operation with the effect of a then b. */
export function compose(a: Op, b: Op): Op {
  if (targetLength(a) !== baseLength(b)) {
    throw new OTError(`compose: expected length ${targetLength(a)}, got ${baseLength(b)}`);
  }
  const out = new OpBuilder();
  const wa = new Walker(a);
  const wb = new Walker(b);
  while (!wa.done() || !wb.done()) {
    if (!wa.done() && wa.kind() === 'delete') {
      out.delete(wa.remaining());
      wa.advance(wa.remaining());
      continue;
    }
    if (!wb.done() && wb.kind() === 'insert') {
      const n = wb.remaining();
      out.insert(wb.text(n));
      wb.advance(n);
      continue;
    }
    if (wa.done() || wb.done()) throw new OTError('compose: operations do not line up');
    const n = Math.min(wa.remaining(), wb.remaining());
    const ka = wa.kind();
    const kb = wb.kind();
    if (ka === 'retain' && kb === 'retain') out.retain(n);
    else if (ka === 'insert' && kb === 'retain') out.insert(wa.text(n));
    else if (ka === 'retain' && kb === 'delete') out.delete(n);
    // insert then delete: nothing
    wa.advance(n);
    wb.advance(n);
  }
  return out.build();
}

/**
 * transform(a, b) -> [a', b'] for a and b made on the same document, such that
 * apply(apply(d, a), b') === apply(apply(d, b), a'). Same-position inserts: a's goes first.
 */
export function transform(a: Op, b: Op): [Op, Op] {
  if (baseLength(a) !== baseLength(b)) {
    throw new OTError(`transform: expected length ${baseLength(a)}, got ${baseLength(b)}`);
  }
  const a2 = new OpBuilder();
  const b2 = new OpBuilder();
  const wa = new Walker(a);
  const wb = new Walker(b);
  while (!wa.done() || !wb.done()) {
    if (!wa.done() && wa.kind() === 'insert') {
      const n = wa.remaining();
      a2.insert(wa.text(n));
      b2.retain(n);
      wa.advance(n);
      continue;
    }
    if (!wb.done() && wb.kind() === 'insert') {
      const n = wb.remaining();
      a2.retain(n);
      b2.insert(wb.text(n));
      wb.advance(n);
      continue;
    }
    if (wa.done() || wb.done()) throw new OTError('transform: operations do not line up');
    const n = Math.min(wa.remaining(), wb.remaining());
    const ka = wa.kind();
    const kb = wb.kind();
    if (ka === 'retain' && kb === 'retain') {
      a2.retain(n);
      b2.retain(n);
    } else if (ka === 'delete' && kb === 'retain') {
      a2.delete(n);
    } else if (ka === 'retain' && kb === 'delete') {
      b2.delete(n);
    } // delete/delete: both removed the same text
    wa.advance(n);
    wb.advance(n);
  }
  return [a2.build(), b2.build()];
}

/** The operation that undoes `op`, given the document `op` applied to. */
export function invert(op: Op, doc: string): Op {
  if (baseLength(op) !== doc.length) {
    throw new OTError(`invert: expected length ${doc.length}, got ${baseLength(op)}`);
  }
  const out = new OpBuilder();
  let pos = 0;
  for (const c of op) {
    if (isRetain(c)) {
      out.retain(c);
      pos += c;
    } else if (isInsert(c)) {
      out.delete(c.length);
    } else {
      const n = -(c as number);
      out.insert(doc.slice(pos, pos + n));
      pos += n;
    }
  }
  return out.build();
}

/**
 * Moves a caret position across `op`, as the server does: an insert exactly at the caret pushes
 * it only when `own` is true; a caret inside a deleted range goes to where the range was.
 */
export function transformPosition(pos: number, op: Op, own: boolean): number {
  let left = Math.min(pos, baseLength(op));
  let out = left;
  for (const c of op) {
    if (isRetain(c)) {
      if (left < c) break;
      left -= c;
    } else if (isInsert(c)) {
      if (left === 0 && !own) break;
      out += c.length;
    } else {
      const d = Math.min(left, -(c as number));
      out -= d;
      left -= d;
    }
  }
  return Math.min(out, targetLength(op));
}

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/** True when `s` has no lone surrogate. */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (isHigh(u)) {
      if (i + 1 >= s.length || !isLow(s.charCodeAt(i + 1))) return false;
      i++;
    } else if (isLow(u)) {
      return false;
    }
  }
  return true;
}

/** True when position `pos` of `doc` falls between the two halves of a surrogate pair. */
export function splitsPair(doc: string, pos: number): boolean {
  return pos > 0 && pos < doc.length && isHigh(doc.charCodeAt(pos - 1)) && isLow(doc.charCodeAt(pos));
}

/**
 * Checks what the server checks before applying `op` to `doc`: base length, no CR, no lone
 * surrogate inserted, no surrogate pair split by a component boundary. Returns an error text or
 * null when the operation is acceptable.
 */
export function validateAgainst(op: Op, doc: string): string | null {
  if (baseLength(op) !== doc.length) return `base length ${baseLength(op)} != document length ${doc.length}`;
  let pos = 0;
  for (const c of op) {
    if (isInsert(c)) {
      if (c.includes('\r')) return 'inserts a CR';
      if (!isWellFormed(c)) return 'inserts a lone surrogate';
      if (splitsPair(doc, pos)) return `splits a surrogate pair at ${pos}`;
    } else {
      if (splitsPair(doc, pos)) return `splits a surrogate pair at ${pos}`;
      pos += Math.abs(c as number);
    }
  }
  return null;
}

/** Parses an operation received as JSON; throws OTError when it is not one. */
export function parseOp(value: unknown): Op {
  if (!Array.isArray(value)) throw new OTError('an operation is a JSON array');
  for (const c of value) {
    if (typeof c === 'string') continue;
    if (typeof c === 'number' && Number.isInteger(c) && c !== 0) continue;
    throw new OTError(`bad component ${JSON.stringify(c)}`);
  }
  return normalize(value as Op);
}
