// Splitting an operation so that each piece, sent as one data-channel message, stays below the
// plugin's max_message_bytes (60,000 bytes of UTF-8 JSON by default). The pieces apply one after
// the other: compose(p1, p2, ..., pn) equals the original operation. Inserted text is cut only on
// code-point boundaries, never between the two halves of a surrogate pair.
import { OpBuilder, type Op, isInsert, isRetain, baseLength, isNoop } from './operation';

export const DEFAULT_MAX_MESSAGE_BYTES = 60_000;

/** UTF-8 bytes of one code point once JSON.stringify has escaped it. */
export function jsonCodePointBytes(cp: number): number {
  if (cp === 0x22 || cp === 0x5c) return 2; // \" \\
  if (cp < 0x20) return cp === 0x08 || cp === 0x09 || cp === 0x0a || cp === 0x0c || cp === 0x0d ? 2 : 6;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp >= 0xd800 && cp <= 0xdfff) return 6; // a lone surrogate is escaped as \udxxx
  if (cp < 0x10000) return 3;
  return 4;
}

/** UTF-8 bytes of JSON.stringify(s), quotes included. */
export function jsonStringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    n += jsonCodePointBytes(cp);
  }
  return n;
}

/** UTF-8 bytes of JSON.stringify(op). */
export function opJsonBytes(op: Op): number {
  let n = 2 + Math.max(0, op.length - 1);
  for (const c of op) n += typeof c === 'string' ? jsonStringBytes(c) : String(c).length;
  return n;
}

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * Splits `op` into operations whose JSON (as JSON.stringify writes it) is at most `maxOpBytes`
 * UTF-8 bytes each, with at most `maxComponents` components (the plugin refuses more than
 * 16,384: docs/PROTOCOL.md). Returns [op] when it fits already.
 */
export function splitOp(op: Op, maxOpBytes: number, maxComponents = 8000): Op[] {
  if (opJsonBytes(op) <= maxOpBytes && op.length <= maxComponents) return [op];
  if (maxOpBytes < 64) throw new RangeError('maxOpBytes too small');
  const total = baseLength(op);
  const chunks: Op[] = [];
  const NUM = 17; // room for one number and its comma
  let consumed = 0; // base units of `op` already handled
  let tpos = 0; // where the next component applies in the intermediate document
  let cur = new OpBuilder().retain(tpos);
  let bytes = 2 + NUM;
  let content = false;
  let parts = 1; // components in `cur`, the opening retain counted
  const close = () => {
    cur.retain(total - consumed);
    const built = cur.build();
    if (!isNoop(built)) chunks.push(built);
    cur = new OpBuilder().retain(tpos);
    bytes = 2 + NUM;
    content = false;
    parts = 1;
  };
  for (const c of op) {
    if (parts + 2 > maxComponents && content) close();
    parts += 1;
    if (isInsert(c)) {
      let i = 0;
      while (i < c.length) {
        // room for the insert's quotes and comma and the closing retain
        let room = maxOpBytes - bytes - 3 - NUM;
        if (room < 8 && content) {
          close();
          room = maxOpBytes - bytes - 3 - NUM;
        }
        let j = i;
        while (j < c.length) {
          const cp = c.codePointAt(j)!;
          const w = jsonCodePointBytes(cp);
          if (w > room) break;
          room -= w;
          j += cp > 0xffff ? 2 : 1;
        }
        if (j === i) {
          close();
          continue;
        }
        const piece = c.slice(i, j);
        cur.insert(piece);
        bytes += jsonStringBytes(piece) + 1;
        content = true;
        tpos += piece.length;
        i = j;
        if (i < c.length) close();
      }
    } else {
      const len = String(c).length + 1;
      if (bytes + len + NUM > maxOpBytes && content) close();
      if (isRetain(c)) {
        cur.retain(c);
        tpos += c;
        consumed += c;
      } else {
        cur.delete(-(c as number));
        consumed += -(c as number);
        content = true;
      }
      bytes += len;
    }
  }
  close();
  return chunks.length > 0 ? chunks : [op];
}
