// The listener side that every DocChannel shares (the room's data channel, the lab's simulated
// one, the unit tests' fake): one emitter per event and the subscriptions DocChannel declares.
import { Emitter } from './emitter';
import type { InvalidMessage, ServerMessage } from './protocol';

export abstract class ChannelEvents {
  protected readonly messages = new Emitter<ServerMessage>();
  protected readonly invalids = new Emitter<InvalidMessage>();
  protected readonly opens = new Emitter<void>();
  protected readonly closes = new Emitter<void>();

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
}
