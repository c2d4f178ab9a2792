// The two requests the room makes on the user's behalf once in: `configure` (mute / unmute what
// the plugin took from us) and `end_interview` (a promise settled by the plugin's `ended` or
// `interview_over`, or rejected by its error). Per attempt: reset when the attempt ends.
import type { PluginRequest } from '../protocol';
import type { JanusAttempt } from './janusAttempt';

export class RoomControls {
  private pendingEnd: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** the plugin answered this attempt's `connect` (configure is possible from then on) */
  answered = false;
  /** which of our media the plugin took, from `connected` */
  published = { audio: false, video: false };

  get endPending(): boolean {
    return this.pendingEnd !== null;
  }

  /** The plugin answered `connect`, taking `published`. */
  connected(published: { audio: boolean; video: boolean }): void {
    this.answered = true;
    this.published = published;
  }

  /** The attempt ended: a new one must be answered first. */
  reset(): void {
    this.answered = false;
  }

  endInterview(attempt: JanusAttempt | null): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!attempt?.handle) {
        reject(new Error('not connected'));
        return;
      }
      this.pendingEnd = { resolve, reject };
      attempt.send({ request: 'end_interview' }, undefined, (e) => reject(new Error(String(e))));
    });
  }

  settleEnd(): void {
    this.pendingEnd?.resolve();
    this.pendingEnd = null;
  }

  rejectEnd(message: string): void {
    this.pendingEnd?.reject(new Error(message));
    this.pendingEnd = null;
  }

  /**
   * Tells the plugin what we send (mute / unmute), so that it stops forwarding muted media and
   * the others' tiles say so. Only the kinds the plugin took are named. False when there is
   * nothing to tell (not connected yet: `connected` sends the current state then).
   */
  configure(attempt: JanusAttempt | null, sending: { audio: boolean; video: boolean }): boolean {
    if (!attempt?.handle || !this.answered) return false;
    const message: Extract<PluginRequest, { request: 'configure' }> = { request: 'configure' };
    if (this.published.audio) message.audio = sending.audio;
    if (this.published.video) message.video = sending.video;
    if (message.audio === undefined && message.video === undefined) return false;
    attempt.send(message, undefined, (e) => console.warn('interview: configure failed', e));
    return true;
  }
}
