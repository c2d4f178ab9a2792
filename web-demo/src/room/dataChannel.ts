// The editor's DocChannel over the room's Janus data channel (label `interview`): sends a
// ClientMessage as JSON while the channel is open, parses what arrives into typed messages
// (protocol's parseServerMessage) and tells when the channel opens and closes. RoomConnection
// feeds it janus.js's callbacks for the current PeerConnection.
import { ChannelEvents } from '../channelEvents';
import type { JanusPluginHandle } from '../janus/types';
import {
  DATA_CHANNEL_LABEL,
  parseServerMessage,
  type ClientMessage,
  type DocChannel,
} from '../protocol';

export class DataChannelAdapter extends ChannelEvents implements DocChannel {
  /** the handle whose data channel is open; null while closed */
  private handle: JanusPluginHandle | null = null;

  send(msg: ClientMessage): boolean {
    if (!this.handle) return false;
    this.handle.data({ text: JSON.stringify(msg), label: DATA_CHANNEL_LABEL, error: (e) => console.warn('interview: data send failed', e) });
    return true;
  }
  isOpen(): boolean {
    return this.handle !== null;
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
