// The client side of the data-channel protocol as a pure state machine (no DOM, no Monaco):
// ot.js's Client with one operation in flight and a buffer, mirrored for the server's
// tie-breaking: a received (committed) operation goes first, transform(received, pending).
//
//   Synchronized --local edit--> AwaitingConfirm --local edit--> AwaitingWithBuffer
//   our own op coming back in the stream (same client_id + seq) is the acknowledgement.
//
// The states are objects (clientStates.ts); this class holds the document, the revision and the
// seqs, and turns the states' answers into the messages to send.
import { apply, compose, type Op, isNoop } from './operation';
import { splitOp } from './split';
import { awaiting, SYNCHRONIZED, type AwaitingState, type ClientStateName, type OTClientState } from './clientStates';

export type ClientState = ClientStateName;

export interface OutgoingOp {
  type: 'op';
  client_id: string;
  seq: number;
  revision: number;
  op: Op;
}

export interface ServerOp {
  revision: number;
  client_id: string;
  seq: number;
  author?: string;
  op: Op;
}

export type ReceiveResult =
  /** already seen (revision at or below ours): nothing to do */
  | { kind: 'ignored' }
  /** a piece of our outstanding op (committed in pieces): already applied locally */
  | { kind: 'piece' }
  /** our outstanding op was acknowledged; `send` is the next one, if a buffer waited */
  | { kind: 'ack'; send: OutgoingOp | null }
  /** someone else's op: apply `apply` (transformed against our pending ops) to the editor */
  | { kind: 'remote'; apply: Op };

export class StreamGapError extends Error {
  constructor(
    readonly have: number,
    readonly got: number,
  ) {
    super(`stream gap: at revision ${have}, got ${got}`);
    this.name = 'StreamGapError';
  }
}

export interface OTClientOptions {
  clientId: string;
  revision: number;
  doc: string;
  /** allocates the next seq (1, 2, 3, ...); persisted by the caller so a reload never reuses one */
  nextSeq: () => number;
  /** bytes available for the op's JSON in one message (the message limit minus the envelope) */
  maxOpBytes?: number;
  /** this participant's id: an op is our own only when its author is us too */
  selfId?: string;
}

export class OTClient {
  readonly clientId: string;
  revision: number;
  doc: string;
  private current: OTClientState = SYNCHRONIZED;
  private readonly nextSeq: () => number;
  private readonly maxOpBytes: number;
  private readonly selfId: string | undefined;
  private readonly launchOp = (op: Op): AwaitingState => this.launch(op);

  constructor(o: OTClientOptions) {
    this.clientId = o.clientId;
    this.revision = o.revision;
    this.doc = o.doc;
    this.nextSeq = o.nextSeq;
    this.maxOpBytes = o.maxOpBytes ?? 59_000;
    this.selfId = o.selfId;
  }

  get state(): ClientState {
    return this.current.name;
  }
  get outstandingOp(): Op | null {
    return this.current.outstanding?.op ?? null;
  }
  get outstandingSeq(): number | null {
    return this.current.outstanding?.seq ?? null;
  }
  get bufferOp(): Op | null {
    return this.current.buffer;
  }
  /** Operations the server has not acknowledged yet, oldest first (outstanding, then buffer). */
  pendingOps(): Op[] {
    const out: Op[] = [];
    if (this.current.outstanding) out.push(this.current.outstanding.op);
    if (this.current.buffer) out.push(this.current.buffer);
    return out;
  }

  private message(seq: number, op: Op): OutgoingOp {
    return { type: 'op', client_id: this.clientId, seq, revision: this.revision, op };
  }

  /** Takes `op` (or its first piece when it is too large to send at once) as the one in flight. */
  private launch(op: Op): AwaitingState {
    const pieces = splitOp(op, this.maxOpBytes);
    let rest: Op | null = null;
    for (let i = 1; i < pieces.length; i++) rest = rest ? compose(rest, pieces[i]) : pieces[i];
    return awaiting({ seq: this.nextSeq(), op: pieces[0] }, rest);
  }

  /** The message for the op that a transition just put in flight, if it did. */
  private sent(before: OTClientState, after: OTClientState): OutgoingOp | null {
    const o = after.outstanding;
    return o && o !== before.outstanding ? this.message(o.seq, o.op) : null;
  }

  /** A local edit made on the current local document. Returns what to send, if anything. */
  localEdit(op: Op): OutgoingOp | null {
    this.doc = apply(this.doc, op);
    if (isNoop(op)) return null;
    const before = this.current;
    this.current = before.localEdit(op, this.launchOp);
    return this.sent(before, this.current);
  }

  /** An `op` message of the authority's stream. Throws StreamGapError when revisions were skipped. */
  receive(m: ServerOp): ReceiveResult {
    if (m.revision <= this.revision) return { kind: 'ignored' };
    if (m.revision !== this.revision + 1) throw new StreamGapError(this.revision, m.revision);
    const inFlight = this.current.outstanding;
    const own =
      inFlight !== null &&
      m.client_id === this.clientId &&
      (this.selfId === undefined || m.author === undefined || m.author === this.selfId);
    if (own && m.seq === 0) {
      // A piece of our edit: its transformed form was too long for one message, so the plugin
      // committed it in pieces. It is in our document already; the last piece acknowledges it.
      this.revision = m.revision;
      return { kind: 'piece' };
    }
    if (own && m.seq === inFlight.seq) {
      this.revision = m.revision;
      const before = this.current;
      this.current = before.ack(this.launchOp);
      return { kind: 'ack', send: this.sent(before, this.current) };
    }
    const { apply: incoming, next } = this.current.transformRemote(m.op);
    this.current = next;
    this.doc = apply(this.doc, incoming);
    this.revision = m.revision;
    return { kind: 'remote', apply: incoming };
  }

  /** The op in flight, to send again after a reconnect: same seq, at the current revision. */
  resend(): OutgoingOp | null {
    const o = this.current.outstanding;
    return o ? this.message(o.seq, o.op) : null;
  }

  /** Replaces the document by a snapshot. Pending edits are dropped; returns how many ops. */
  reset(revision: number, doc: string): number {
    const dropped = (this.current.outstanding ? 1 : 0) + (this.current.buffer ? 1 : 0);
    this.current = SYNCHRONIZED;
    this.revision = revision;
    this.doc = doc;
    return dropped;
  }
}
