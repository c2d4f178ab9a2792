// This client's copy of the shared document, without Monaco or the channel (unit-tested in
// test/editorSession.test.ts): the OT client (created by the first snapshot, reset by later
// ones), the log of recent committed ops, the own-edits undo stack kept in step with remote
// ops, and the other participants' carets with their mapping onto the local text.
import { OTClient, StreamGapError, type OutgoingOp, type ReceiveResult } from '../ot/client';
import { invert, type Op } from '../ot/operation';
import { UndoStack } from '../ot/undo';
import { localPosition, OpLog } from '../ot/presence';
import { SnapshotAssembler, type Snapshot } from '../ot/snapshot';
import { MAX_MESSAGE_BYTES, type ServerMessage } from '../protocol';
import { caretColour, type RemoteCaret } from './carets';
import type { UndoMode } from './editorAdapter';

export class SharedDocument {
  client: OTClient | null = null;
  readonly carets = new Map<string, RemoteCaret>();
  private readonly assembler = new SnapshotAssembler();
  private readonly undo = new UndoStack();
  private readonly log = new OpLog();

  constructor(private readonly o: { clientId: string; nextSeq: () => number; selfId?: string }) {}

  /** One part of a snapshot; the whole snapshot once its last part is in (throws on a bad part). */
  addSnapshotPart(m: Extract<ServerMessage, { type: 'snapshot' }>): Snapshot | null {
    return this.assembler.add(m);
  }

  /** Loads a whole snapshot; returns how many pending ops of ours it dropped. */
  load(revision: number, text: string): number {
    let dropped = 0;
    if (!this.client) {
      this.client = new OTClient({
        clientId: this.o.clientId,
        revision,
        doc: text,
        nextSeq: this.o.nextSeq,
        maxOpBytes: MAX_MESSAGE_BYTES - 400,
        selfId: this.o.selfId,
      });
    } else {
      dropped = this.client.reset(revision, text);
    }
    this.undo.clear();
    this.log.clear();
    return dropped;
  }

  /**
   * A committed op of the stream ('gap' when revisions were skipped: catch up again). A remote
   * op's transformed form is already in the undo stack's coordinates; the editor applies it.
   */
  receive(m: Extract<ServerMessage, { type: 'op' }>): ReceiveResult | { kind: 'gap' } | null {
    const client = this.client;
    if (!client) return null;
    let r: ReceiveResult;
    try {
      r = client.receive(m);
    } catch (e) {
      if (e instanceof StreamGapError) return { kind: 'gap' };
      throw e;
    }
    if (r.kind === 'ignored') return r;
    this.log.add(m.revision, m.op);
    if (r.kind === 'remote') this.undo.transformRemote(r.apply);
    return r;
  }

  /** An edit of ours on `before` (the client's text): its inverse to the undo stack; what to send. */
  localEdit(op: Op, mode: UndoMode, typing: boolean): OutgoingOp | null {
    const client = this.client!;
    const inverse = invert(op, client.doc);
    if (mode === 'undo') this.undo.pushRedo(inverse);
    else if (mode === 'redo') this.undo.pushUndoKeepRedo(inverse);
    else this.undo.pushLocal(inverse, Date.now(), typing);
    return client.localEdit(op);
  }

  /** The next own-edits undo or redo step, if any. */
  popStep(which: 'undo' | 'redo'): Op | null {
    return which === 'undo' ? this.undo.popUndo() : this.undo.popRedo();
  }

  /** Someone else's caret (our own, from another tab of ours, is not drawn). */
  setCaret(m: Extract<ServerMessage, { type: 'presence' }>, selfId: string | undefined): boolean {
    if (m.participant.id === selfId) return false;
    this.carets.set(m.participant.id, {
      participant: m.participant,
      colour: caretColour(m.participant.id, m.colour),
      revision: m.revision,
      cursor: m.cursor,
      selection: m.selection,
      at: Date.now(),
    });
    return true;
  }

  /** Maps an offset of the server's document at `revision` onto the local text (null: gone). */
  mapper(): ((offset: number, revision: number) => number | null) | null {
    const client = this.client;
    if (!client) return null;
    const pending = client.pendingOps();
    return (offset, revision) => localPosition(this.log, offset, revision, client.revision, pending);
  }
}
