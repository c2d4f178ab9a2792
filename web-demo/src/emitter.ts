// A tiny listener set (the channels' and the room's events).
export class Emitter<T> {
  private readonly subs = new Set<(v: T) => void>();
  on(cb: (v: T) => void): () => void {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  }
  emit(v: T): void {
    for (const cb of [...this.subs]) cb(v);
  }
}
