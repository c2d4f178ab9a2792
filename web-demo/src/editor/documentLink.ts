// The editor's side of the data channel: where the link stands (offline, catching up after a
// `hello`, live) as one explicit state, the `hello` sent on every (re)open and on a resync, and
// the DocChannel's messages passed on; a message that cannot be handled, or a refused one of the
// document stream, means the client lost track: it asks for the document again. The transport
// itself is a DocChannel (the room's data channel adapter, or the lab's in-page fake).
import { DOCUMENT_STREAM_TYPES, type ClientMessage, type DocChannel, type InvalidMessage, type ServerMessage } from '../protocol';

/**
 * offline: the channel is closed (edits wait); catchingUp: a `hello` went out and its answer
 * (`snapshot`, or the missed ops and `synced`) has not all arrived; live: caught up.
 */
export type LinkPhase = 'offline' | 'catchingUp' | 'live';

export interface LinkEvents {
  /** a valid message; throwing makes the link resync from scratch */
  message(m: ServerMessage): void;
  /** after each message, refusal that resynced, (re)open and close: the status may have moved */
  changed(): void;
}

export class DocumentLink {
  private current: LinkPhase = 'offline';
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly channel: DocChannel,
    private readonly clientId: string,
    /** the revision this client holds, or null before its first snapshot */
    private readonly revision: () => number | null,
    private readonly events: LinkEvents,
  ) {
    this.unsubs = [
      channel.onMessage((m) => this.deliver(m)),
      channel.onInvalid((m) => this.refused(m)),
      channel.onOpen(() => this.open()),
      channel.onClose(() => this.close()),
    ];
  }

  dispose(): void {
    this.unsubs.forEach((u) => u());
  }

  get phase(): LinkPhase {
    return this.current;
  }
  /** the channel is open (caught up or not) */
  get online(): boolean {
    return this.current !== 'offline';
  }
  get live(): boolean {
    return this.current === 'live';
  }

  /** Speaks first when the channel is open already (the editor came after the channel). */
  openIfOpen(): void {
    if (this.channel.isOpen()) this.open();
  }

  send(m: ClientMessage): boolean {
    return this.channel.send(m);
  }

  /** Asks for the document again: from our revision (`full`: from scratch, a snapshot). */
  resync(full: boolean): void {
    if (this.current !== 'offline') this.current = 'catchingUp';
    this.send({ type: 'hello', client_id: this.clientId, last_revision: full ? null : this.revision() });
  }

  /** The answer to our `hello` is complete (a snapshot, or `synced`). */
  caughtUp(): void {
    if (this.current === 'catchingUp') this.current = 'live';
  }

  private open(): void {
    this.current = 'catchingUp';
    this.send({ type: 'hello', client_id: this.clientId, last_revision: this.revision() });
    this.events.changed();
  }

  private close(): void {
    this.current = 'offline';
    this.events.changed();
  }

  private deliver(m: ServerMessage): void {
    try {
      this.events.message(m);
    } catch (e) {
      console.error('interview: message handling failed, resyncing', e, m);
      this.resync(true);
    }
    this.events.changed();
  }

  private refused(m: InvalidMessage): void {
    if (!DOCUMENT_STREAM_TYPES.has(m.type)) {
      console.warn('interview: message refused', m);
      return;
    }
    console.error('interview: message handling failed, resyncing', m);
    this.resync(true);
    this.events.changed();
  }
}
