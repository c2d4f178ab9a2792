// The three states of the OT client (ot.js's Synchronized / AwaitingConfirm / AwaitingWithBuffer)
// as immutable objects. Each state holds exactly what it needs (the op in flight, the buffer) and
// answers a local edit, an acknowledgement and a concurrent remote op with the next state; the
// document, the revision and the wire messages stay in OTClient (client.ts).
import { compose, transform, type Op } from './operation';

export type ClientStateName = 'synchronized' | 'awaitingConfirm' | 'awaitingWithBuffer';

/** Our op sent to the plugin and not acknowledged yet, with its seq. */
export interface InFlight {
  readonly seq: number;
  readonly op: Op;
}

/** Puts an op in flight (split when too large to send at once): the state that follows. */
export type Launch = (op: Op) => AwaitingState;

export interface OTClientState {
  readonly name: ClientStateName;
  readonly outstanding: InFlight | null;
  readonly buffer: Op | null;
  /** A local edit (never a no-op); `launch` sends it when nothing is in flight. */
  localEdit(op: Op, launch: Launch): OTClientState;
  /** Our op in flight was acknowledged: the buffer, if any, goes out next. */
  ack(launch: Launch): OTClientState;
  /** Someone else's committed op: it, transformed against what we hold, and our state after it. */
  transformRemote(op: Op): { apply: Op; next: OTClientState };
}

export type AwaitingState = AwaitingConfirm | AwaitingWithBuffer;

export class Synchronized implements OTClientState {
  readonly name = 'synchronized';
  readonly outstanding = null;
  readonly buffer = null;
  localEdit(op: Op, launch: Launch): OTClientState {
    return launch(op);
  }
  ack(): OTClientState {
    return this; // nothing in flight: nothing to acknowledge
  }
  transformRemote(op: Op): { apply: Op; next: OTClientState } {
    return { apply: op, next: this };
  }
}

export const SYNCHRONIZED = new Synchronized();

export class AwaitingConfirm implements OTClientState {
  readonly name = 'awaitingConfirm';
  readonly buffer = null;
  constructor(readonly outstanding: InFlight) {}
  localEdit(op: Op): OTClientState {
    return new AwaitingWithBuffer(this.outstanding, op);
  }
  ack(): OTClientState {
    return SYNCHRONIZED;
  }
  transformRemote(op: Op): { apply: Op; next: OTClientState } {
    // the committed op goes first: transform(received, pending)
    const [r, o] = transform(op, this.outstanding.op);
    return { apply: r, next: new AwaitingConfirm({ seq: this.outstanding.seq, op: o }) };
  }
}

export class AwaitingWithBuffer implements OTClientState {
  readonly name = 'awaitingWithBuffer';
  constructor(
    readonly outstanding: InFlight,
    readonly buffer: Op,
  ) {}
  localEdit(op: Op): OTClientState {
    return new AwaitingWithBuffer(this.outstanding, compose(this.buffer, op));
  }
  ack(launch: Launch): OTClientState {
    return launch(this.buffer);
  }
  transformRemote(op: Op): { apply: Op; next: OTClientState } {
    const [r1, o] = transform(op, this.outstanding.op);
    const [r2, b] = transform(r1, this.buffer);
    return { apply: r2, next: new AwaitingWithBuffer({ seq: this.outstanding.seq, op: o }, b) };
  }
}

/** The state after putting `first` in flight with `rest` (the op's other pieces, or null) waiting. */
export function awaiting(first: InFlight, rest: Op | null): AwaitingState {
  return rest ? new AwaitingWithBuffer(first, rest) : new AwaitingConfirm(first);
}
