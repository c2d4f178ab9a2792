// Remote carets: a presence is given in the coordinates of the server's document at its
// revision. To draw it on the local document, move it across the committed operations since
// that revision, then across this client's pending operations.
import { transformPosition, type Op } from './operation';

export class OpLog {
  private readonly ops = new Map<number, Op>();
  constructor(private readonly keep = 500) {}
  add(revision: number, op: Op): void {
    this.ops.set(revision, op);
    this.ops.delete(revision - this.keep);
  }
  clear(): void {
    this.ops.clear();
  }
  /** Moves a position of revision `from` to revision `to`; null when the log lacks an op. */
  move(pos: number, from: number, to: number): number | null {
    let p = pos;
    for (let r = from + 1; r <= to; r++) {
      const op = this.ops.get(r);
      if (!op) return null;
      p = transformPosition(p, op, false);
    }
    return p;
  }
}

/** Moves `pos` (server document at `from`) to the local document at `to` with `pending` on top. */
export function localPosition(log: OpLog, pos: number, from: number, to: number, pending: Op[]): number | null {
  if (from > to) return null;
  let p = log.move(pos, from, to);
  if (p === null) return null;
  for (const op of pending) p = transformPosition(p, op, false);
  return p;
}
