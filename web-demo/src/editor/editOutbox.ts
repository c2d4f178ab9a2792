// Where this client's ops leave for the plugin: only while the channel is open and storage is
// not paused (an op held back goes again after the next `synced` or `resumed`), resent with the
// same seq after a reconnect, and once more after a rate limit's pause.
import type { OutgoingOp } from '../ot/client';
import type { DocumentLink } from './documentLink';

export class EditOutbox {
  /** storage is unavailable (`paused`, `storage_unavailable`): ops wait for `resumed` */
  paused = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly link: DocumentLink,
    /** the op in flight, again (OTClient.resend), or null */
    private readonly inFlight: () => OutgoingOp | null,
  ) {}

  send(out: OutgoingOp): void {
    // sent only while online; otherwise it goes again after the next `synced`
    if (!this.link.online) return;
    if (this.paused) return; // resent on `resumed`
    this.link.send(out);
  }

  /** Sends the op in flight again, if there is one. */
  resend(): void {
    const again = this.inFlight();
    if (again) this.send(again);
  }

  /** Resends the op in flight after `ms` (once, however often asked meanwhile). */
  retryLater(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.resend();
    }, ms);
  }

  dispose(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
