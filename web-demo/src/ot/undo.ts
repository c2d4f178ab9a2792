// Undo/redo of one's OWN edits in a shared document (ot.js's UndoManager idea). Each entry is the
// inverse of a local edit; remote operations transform every entry so that undoing later still
// removes exactly what this user typed, wherever it moved.
import { compose, transform, type Op } from './operation';

export class UndoStack {
  private undos: Op[] = [];
  private redos: Op[] = [];
  private lastAt = -Infinity;

  constructor(
    private readonly max = 200,
    private readonly groupMs = 600,
  ) {}

  get canUndo(): boolean {
    return this.undos.length > 0;
  }
  get canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** Records the inverse of a local edit. Edits close in time are grouped into one step. */
  pushLocal(inverse: Op, now: number, group = true): void {
    this.redos = [];
    const top = this.undos.length - 1;
    if (group && top >= 0 && now - this.lastAt < this.groupMs) {
      // the new inverse applies first, then the older one
      this.undos[top] = compose(inverse, this.undos[top]);
    } else {
      this.undos.push(inverse);
      if (this.undos.length > this.max) this.undos.shift();
    }
    this.lastAt = now;
  }

  /** Takes the operation that undoes the last step; the caller applies it and calls pushRedo. */
  popUndo(): Op | null {
    this.lastAt = -Infinity;
    return this.undos.pop() ?? null;
  }
  popRedo(): Op | null {
    this.lastAt = -Infinity;
    return this.redos.pop() ?? null;
  }
  pushRedo(inverse: Op): void {
    this.redos.push(inverse);
  }
  pushUndoKeepRedo(inverse: Op): void {
    this.undos.push(inverse);
  }

  /** A remote operation was applied to the document: moves every entry across it. */
  transformRemote(op: Op): void {
    this.undos = transformStack(this.undos, op);
    this.redos = transformStack(this.redos, op);
    this.lastAt = -Infinity;
  }

  clear(): void {
    this.undos = [];
    this.redos = [];
  }
}

function transformStack(stack: Op[], op: Op): Op[] {
  const out = new Array<Op>(stack.length);
  let o = op;
  for (let i = stack.length - 1; i >= 0; i--) {
    const [s2, o2] = transform(stack[i], o);
    out[i] = s2;
    o = o2;
  }
  return out;
}
