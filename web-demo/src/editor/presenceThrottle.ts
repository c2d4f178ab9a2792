// Throttles this client's `presence` (where its caret is): at most one per interval, the latest
// position, and kept as owed (`dirty`) when it could not go out, so that it follows once it can
// (e.g. when our pending edit is acknowledged).
export class PresenceThrottle {
  /** a presence is owed: the caret moved since the last one that went out */
  dirty = false;
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    /** sends the current presence; false when it could not (nothing sent) */
    private readonly trySend: () => boolean,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.trySend()) {
        this.dirty = false;
        this.last = Date.now();
      }
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
