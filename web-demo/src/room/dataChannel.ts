// The editor's DocChannel over the room's Janus data channel (label `interview`): sends a
// ClientMessage as JSON while the channel is open, parses what arrives into typed messages
// (protocol's parseServerMessage) and tells when the channel opens and closes. RoomConnection
// feeds it janus.js's callbacks for the current PeerConnection.
import { Emitter } from '../emitter';
import type { JanusPluginHandle } from '../janus/types';
import {
  DATA_CHANNEL_LABEL,
  parseServerMessage,
  type ClientMessage,
  type DocChannel,
  type InvalidMessage,
  type ServerMessage,
} from '../protocol';

export class DataChannelAdapter implements DocChannel {
  /** the handle whose data channel is open; null while closed */
  private handle: JanusPluginHandle | null = null;
  private readonly messages = new Emitter<ServerMessage>();
  private readonly invalids = new Emitter<InvalidMessage>();
  private readonly opens = new Emitter<void>();
  private readonly closes = new Emitter<void>();

  send(msg: ClientMessage): boolean {
    if (!this.handle) return false;
    this.handle.data({ text: JSON.stringify(msg), label: DATA_CHANNEL_LABEL, error: (e) => console.warn('interview: data send failed', e) });
    return true;
  }
  isOpen(): boolean {
    return this.handle !== null;
  }
  onMessage(cb: (m: ServerMessage) => void) {
    return this.messages.on(cb);
  }
  onInvalid(cb: (m: InvalidMessage) => void) {
    return this.invalids.on(cb);
  }
  onOpen(cb: () => void) {
    return this.opens.on(cb);
  }
  onClose(cb: () => void) {
    return this.closes.on(cb);
  }

  /** The data channel of `handle` opened. */
  opened(handle: JanusPluginHandle): void {
    this.handle = handle;
    this.opens.emit();
  }

  /** The data channel (or its PeerConnection) went away; tells the listeners if it was open. */
  closed(): void {
    if (!this.handle) return;
    this.handle = null;
    this.closes.emit();
  }

  /** One text message from the data channel. */
  received(text: string): void {
    const a = parseServerMessage(text);
    switch (a.kind) {
      case 'message':
        this.messages.emit(a.message);
        return;
      case 'invalid':
        this.invalids.emit(a.invalid);
        return;
      case 'unreadable':
        console.warn(`interview: data-channel message is ${a.problem}`);
        return;
      case 'unknown':
        return; // a newer plugin's message: nothing this client knows to do with it
    }
  }
}
