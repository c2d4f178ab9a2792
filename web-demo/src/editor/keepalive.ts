// The session's periodic messages: a `check` (SHA-256 of the text) when the document has been
// quiet for a while, so that a divergence is found and repaired, and a `ping` every 10 s for the
// round-trip time shown next to the sync state.
import type { OTClient } from '../ot/client';
import { sha256Hex } from '../ot/checksum';
import type { ClientMessage } from '../protocol';

export interface KeepaliveHost {
  checkIntervalMs: number;
  /** the client to check when a check is due now (live, synchronized, idle, not paused), else null */
  checkable(): OTClient | null;
  /** the session's client at this moment */
  client(): OTClient | null;
  online(): boolean;
  send(m: ClientMessage): boolean;
}

export class Keepalive {
  private checking = false;
  private readonly timers: ReturnType<typeof setInterval>[];

  constructor(private readonly h: KeepaliveHost) {
    this.timers = [setInterval(() => void this.maybeCheck(), h.checkIntervalMs), setInterval(() => this.ping(), 10_000)];
  }

  dispose(): void {
    this.timers.forEach((t) => clearInterval(t));
  }

  private async maybeCheck(): Promise<void> {
    if (this.checking) return;
    const client = this.h.checkable();
    if (!client) return;
    this.checking = true;
    const revision = client.revision;
    const text = client.doc;
    try {
      const checksum = await sha256Hex(text);
      // only if nothing moved meanwhile
      if (this.h.client() === client && client.revision === revision && client.doc === text && client.state === 'synchronized') {
        this.h.send({ type: 'check', revision, checksum });
      }
    } finally {
      this.checking = false;
    }
  }

  private ping(): void {
    if (this.h.online()) this.h.send({ type: 'ping', t: performance.now() });
  }
}
