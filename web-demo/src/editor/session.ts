// Binds one Monaco editor to the document protocol of docs/PROTOCOL.md over a DocChannel:
// snapshot reassembly, the OT client, own-edits-only undo, remote carets (drawn by carets.ts),
// periodic checks, throttled presence, language sharing. React-free so that the component stays
// small.
import type * as Monaco from 'monaco-editor';
import { OTClient, StreamGapError, type OutgoingOp } from '../ot/client';
import { apply, invert, parseOp, validateAgainst, type Op, isNoop } from '../ot/operation';
import { changesToOp, diffToOp, opToEdits } from '../ot/changes';
import { SnapshotAssembler } from '../ot/snapshot';
import { UndoStack } from '../ot/undo';
import { localPosition, OpLog } from '../ot/presence';
import { sha256Hex } from '../ot/checksum';
import { DOCUMENT_STREAM_TYPES, MAX_MESSAGE_BYTES, type ClientMessage, type DocChannel, type InvalidMessage, type ServerMessage } from '../protocol';
import { CaretLayer, caretColour, type RemoteCaret } from './carets';

type M = typeof Monaco;

export interface EditorStatus {
  /** true once the first snapshot arrived */
  ready: boolean;
  /** the channel is open and caught up */
  online: boolean;
  pending: boolean;
  paused: boolean;
  readOnly: boolean;
  readOnlyReason?: string;
  language: string;
  revision: number;
  rttMs?: number;
  notice?: string;
  carets: { id: string; name: string; role: string; colour: string }[];
}

export interface SessionOptions {
  channel: DocChannel;
  clientId: string;
  nextSeq: () => number;
  selfId?: string;
  canEdit: boolean;
  onStatus: (s: EditorStatus) => void;
  checkIntervalMs?: number;
  presenceIntervalMs?: number;
}

export class EditorSession {
  private editor: Monaco.editor.IStandaloneCodeEditor | null = null;
  private monaco: M | null = null;
  private model: Monaco.editor.ITextModel | null = null;
  private client: OTClient | null = null;
  private readonly assembler = new SnapshotAssembler();
  private readonly undo = new UndoStack();
  private readonly log = new OpLog();
  private readonly carets = new Map<string, RemoteCaret>();
  private readonly caretLayer = new CaretLayer();
  private suppress = 0;
  private undoMode: 'undo' | 'redo' | null = null;
  private online = false;
  private catchingUp = false;
  private paused = false;
  private readOnly = false;
  private readOnlyReason: string | undefined;
  private language = 'plaintext';
  private rttMs: number | undefined;
  private notice: string | undefined;
  private lastLocalEditAt = 0;
  private presenceDirty = false;
  private lastPresenceAt = 0;
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly unsubs: (() => void)[] = [];
  private disposables: Monaco.IDisposable[] = [];
  private checking = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: SessionOptions) {
    this.unsubs.push(o.channel.onMessage((m) => this.onMessage(m)));
    this.unsubs.push(o.channel.onInvalid((m) => this.onInvalid(m)));
    this.unsubs.push(o.channel.onOpen(() => this.onOpen()));
    this.unsubs.push(o.channel.onClose(() => this.setOffline()));
    this.timers.push(setInterval(() => void this.maybeCheck(), o.checkIntervalMs ?? 5000));
    this.timers.push(setInterval(() => this.ping(), 10_000));
  }

  attach(editor: Monaco.editor.IStandaloneCodeEditor, monaco: M): void {
    this.editor = editor;
    this.monaco = monaco;
    const model = editor.getModel();
    if (!model) throw new Error('the editor has no model');
    this.model = model;
    model.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.caretLayer.attach(editor);
    // the lab page (/lab) exposes its editors to browser tests
    const probe = (window as unknown as { __interviewEditors?: unknown[] }).__interviewEditors;
    if (probe) probe.push({ editor, session: this });
    this.disposables.push(
      model.onDidChangeContent((e) => this.onLocalChange(e)),
      editor.onDidChangeCursorSelection(() => this.schedulePresence()),
    );
    // Undo and redo undo only this user's own edits (see ot/undo.ts): Monaco's own stack would
    // also revert what others typed.
    // Actions, not addCommand: addCommand's keybindings go to the last editor created when a
    // page has several (the lab has two).
    const { KeyMod, KeyCode } = monaco;
    this.disposables.push(
      editor.addAction({
        id: 'interview.undo',
        label: 'Undo my last edit',
        keybindings: [KeyMod.CtrlCmd | KeyCode.KeyZ],
        contextMenuGroupId: '9_cutcopypaste',
        contextMenuOrder: 10,
        run: () => this.undoRedo('undo'),
      }),
      editor.addAction({
        id: 'interview.redo',
        label: 'Redo my last edit',
        keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, KeyMod.CtrlCmd | KeyCode.KeyY],
        contextMenuGroupId: '9_cutcopypaste',
        contextMenuOrder: 11,
        run: () => this.undoRedo('redo'),
      }),
    );
    this.applyReadOnly();
    if (this.o.channel.isOpen()) this.onOpen();
    this.emit();
  }

  dispose(): void {
    this.unsubs.forEach((u) => u());
    this.timers.forEach((t) => clearInterval(t));
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.disposables.forEach((d) => d.dispose());
    this.caretLayer.dispose();
    // the tests' probe lists live editors only (leaving and joining again makes a new one)
    const probe = (window as unknown as { __interviewEditors?: { session: unknown }[] }).__interviewEditors;
    if (probe?.some((e) => e.session === this)) probe.splice(probe.findIndex((e) => e.session === this), 1);
  }

  // ---------------------------------------------------------------- status

  private emit(): void {
    const now = Date.now();
    this.o.onStatus({
      ready: this.client !== null,
      online: this.online && !this.catchingUp,
      pending: this.client ? this.client.state !== 'synchronized' : false,
      paused: this.paused,
      readOnly: this.readOnly || !this.o.canEdit,
      readOnlyReason: this.readOnlyReason,
      language: this.language,
      revision: this.client?.revision ?? 0,
      rttMs: this.rttMs,
      notice: this.notice,
      carets: [...this.carets.values()]
        .filter((c) => now - c.at < 120_000)
        .map((c) => ({ id: c.participant.id, name: c.participant.name, role: c.participant.role, colour: c.colour })),
    });
  }

  private send(m: ClientMessage): boolean {
    return this.o.channel.send(m);
  }

  // ---------------------------------------------------------------- channel

  private onOpen(): void {
    this.online = true;
    this.catchingUp = true;
    this.send({ type: 'hello', client_id: this.o.clientId, last_revision: this.client ? this.client.revision : null });
    this.emit();
  }

  private setOffline(): void {
    this.online = false;
    this.emit();
  }

  private resync(full: boolean): void {
    this.catchingUp = true;
    this.send({ type: 'hello', client_id: this.o.clientId, last_revision: full || !this.client ? null : this.client.revision });
  }

  private onMessage(m: ServerMessage): void {
    try {
      this.handle(m);
    } catch (e) {
      console.error('interview: message handling failed, resyncing', e, m);
      this.resync(true);
    }
    this.emit();
  }

  /** A refused message of the document stream means we lost track of it: load it again. */
  private onInvalid(m: InvalidMessage): void {
    if (!DOCUMENT_STREAM_TYPES.has(m.type)) {
      console.warn('interview: message refused', m);
      return;
    }
    console.error('interview: message handling failed, resyncing', m);
    this.resync(true);
    this.emit();
  }

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case 'snapshot': {
        const snap = this.assembler.add(m);
        if (!snap) return;
        this.loadSnapshot(snap.revision, snap.text, snap.language, snap.readOnly);
        return;
      }
      case 'op': {
        if (!this.client) return;
        const op = parseOp(m.op);
        let r;
        try {
          r = this.client.receive({ revision: m.revision, client_id: m.client_id, seq: m.seq, author: m.author, op });
        } catch (e) {
          if (e instanceof StreamGapError) {
            this.resync(false);
            return;
          }
          throw e;
        }
        if (r.kind === 'ignored') return;
        this.log.add(m.revision, op);
        if (r.kind === 'piece') return;
        if (r.kind === 'ack') {
          if (r.send) this.sendOp(r.send);
          if (this.client.state === 'synchronized' && this.presenceDirty) this.schedulePresence();
        } else {
          this.applyRemote(r.apply);
          this.undo.transformRemote(r.apply);
        }
        this.renderCarets();
        return;
      }
      case 'synced': {
        this.catchingUp = false;
        this.resendOutstanding();
        this.schedulePresence();
        return;
      }
      case 'presence': {
        if (!m.participant || m.participant.id === this.o.selfId) return;
        this.carets.set(m.participant.id, {
          participant: m.participant,
          colour: caretColour(m.participant.id, m.colour),
          revision: m.revision,
          cursor: m.cursor,
          selection: Array.isArray(m.selection) ? m.selection : [],
          at: Date.now(),
        });
        this.renderCarets();
        return;
      }
      case 'language':
        this.setLanguageLocal(m.language);
        return;
      case 'check_ok':
        return;
      case 'paused':
        this.paused = true;
        return;
      case 'resumed':
        this.paused = false;
        this.resendOutstanding();
        return;
      case 'read_only':
        this.readOnly = true;
        this.readOnlyReason = m.reason;
        this.applyReadOnly();
        return;
      case 'pong':
        if (typeof m.t === 'number') this.rttMs = Math.max(0, performance.now() - m.t);
        return;
      case 'error':
        this.onError(m);
        return;
      default:
        return;
    }
  }

  private onError(m: Extract<ServerMessage, { type: 'error' }>): void {
    switch (m.error) {
      case 'storage_unavailable':
        this.paused = true; // kept; resent on `resumed`
        return;
      case 'rate_limited':
        this.retryLater(1000);
        return;
      case 'read_only':
      case 'interview_ended':
        this.readOnly = true;
        this.applyReadOnly();
        return;
      case 'forbidden_for_role':
        this.readOnly = true;
        this.applyReadOnly();
        this.notice = 'Your role cannot edit the code.';
        return;
      case 'revision_too_old':
      case 'invalid_operation':
        this.notice = 'The document was reloaded from the server.';
        this.resync(true);
        return;
      case 'not_joined':
        return; // the room reconnects and joins again
      default:
        this.notice = m.message ?? m.error;
    }
  }

  private retryLater(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.resendOutstanding();
    }, ms);
  }

  private resendOutstanding(): void {
    const again = this.client?.resend();
    if (again) this.sendOp(again);
  }

  private sendOp(out: OutgoingOp): void {
    // sent only while online; otherwise it goes again after the next `synced`
    if (!this.online) return;
    if (this.paused) return; // resent on `resumed`
    this.send(out);
  }

  private loadSnapshot(revision: number, text: string, language: string | undefined, readOnly: boolean): void {
    this.catchingUp = false;
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
      const dropped = this.client.reset(revision, text);
      if (dropped > 0) this.notice = 'The document was reloaded from the server; your last unsent edits could not be kept.';
    }
    this.undo.clear();
    this.log.clear();
    this.setModelText(text);
    if (language) this.setLanguageLocal(language);
    if (readOnly) {
      this.readOnly = true;
      this.readOnlyReason ??= 'ended';
    }
    this.applyReadOnly();
    this.renderCarets();
  }

  // ---------------------------------------------------------------- Monaco side

  private setModelText(text: string): void {
    const model = this.model;
    const editor = this.editor;
    if (!model || !editor) return;
    if (model.getValue() === text) return;
    const offset = model.getOffsetAt(editor.getPosition() ?? { lineNumber: 1, column: 1 });
    this.suppress++;
    try {
      // a full replacement outside any undo stack
      model.applyEdits([{ range: model.getFullModelRange(), text }]);
    } finally {
      this.suppress--;
    }
    editor.setPosition(model.getPositionAt(Math.min(offset, text.length)));
  }

  /** A remote operation, applied without entering Monaco's undo stack (applyEdits). */
  private applyRemote(op: Op): void {
    const model = this.model;
    if (!model || isNoop(op)) return;
    const edits = opToEdits(op).map((e) => ({
      range: this.monaco!.Range.fromPositions(model.getPositionAt(e.offset), model.getPositionAt(e.offset + e.length)),
      text: e.text,
      forceMoveMarkers: false,
    }));
    this.suppress++;
    try {
      model.applyEdits(edits);
    } finally {
      this.suppress--;
    }
    // the editor must now show exactly the client's document
    const after = model.getValue();
    if (after !== this.client!.doc) {
      console.warn('interview: editor diverged from the document after a remote edit; repairing');
      this.setModelText(this.client!.doc);
    }
  }

  private onLocalChange(e: Monaco.editor.IModelContentChangedEvent): void {
    if (this.suppress > 0) return;
    const client = this.client;
    const model = this.model!;
    if (!client) {
      // no document yet: nothing may be typed (the editor is read-only until the snapshot)
      return;
    }
    const before = client.doc;
    const now = model.getValue();
    let op: Op;
    try {
      op = changesToOp(before.length, e.changes);
      if (apply(before, op) !== now) op = diffToOp(before, now);
    } catch {
      op = diffToOp(before, now);
    }
    const problem = validateAgainst(op, before);
    if (problem || this.readOnly || !this.o.canEdit) {
      if (problem) console.warn('interview: local edit refused:', problem);
      this.setModelText(before);
      return;
    }
    const inverse = invert(op, before);
    const mode = this.undoMode;
    if (mode === 'undo') this.undo.pushRedo(inverse);
    else if (mode === 'redo') this.undo.pushUndoKeepRedo(inverse);
    else this.undo.pushLocal(inverse, Date.now(), !e.isFlush && e.changes.length === 1 && e.changes[0].text.length <= 1);
    const out = client.localEdit(op);
    if (out) this.sendOp(out);
    this.lastLocalEditAt = Date.now();
    this.renderCarets();
    this.schedulePresence();
    this.emit();
  }

  private undoRedo(which: 'undo' | 'redo'): void {
    if (!this.client || this.readOnly || !this.o.canEdit || !this.model || !this.editor) return;
    const op = which === 'undo' ? this.undo.popUndo() : this.undo.popRedo();
    if (!op) return;
    const model = this.model;
    const edits = opToEdits(op);
    this.undoMode = which;
    try {
      model.applyEdits(
        edits.map((e) => ({
          range: this.monaco!.Range.fromPositions(model.getPositionAt(e.offset), model.getPositionAt(e.offset + e.length)),
          text: e.text,
        })),
      );
    } finally {
      this.undoMode = null;
    }
    if (edits.length > 0) {
      // caret to the end of the first restored/removed piece
      const first = edits[0];
      this.editor.setPosition(model.getPositionAt(first.offset + first.text.length));
      this.editor.revealPositionInCenterIfOutsideViewport(this.editor.getPosition()!);
    }
  }

  private applyReadOnly(): void {
    const ro = this.readOnly || !this.o.canEdit || !this.client;
    this.editor?.updateOptions({
      readOnly: ro,
      readOnlyMessage: {
        value: this.readOnly
          ? 'The interview has ended: the code is read-only.'
          : !this.o.canEdit
            ? 'Observers can watch but not edit.'
            : 'Loading the document…',
      },
    });
  }

  /** The room learned that the interview is over (e.g. `interview_over`): no more edits. */
  setReadOnly(reason: string): void {
    if (this.readOnly) return;
    this.readOnly = true;
    this.readOnlyReason = reason;
    this.applyReadOnly();
    this.emit();
  }

  /** Changes the language for everyone. */
  setLanguage(language: string): void {
    this.setLanguageLocal(language);
    this.send({ type: 'language', language });
    this.emit();
  }

  private setLanguageLocal(language: string): void {
    this.language = language;
    if (this.model && this.monaco) this.monaco.editor.setModelLanguage(this.model, language);
  }

  // ---------------------------------------------------------------- presence

  private schedulePresence(): void {
    this.presenceDirty = true;
    if (this.presenceTimer) return;
    const interval = this.o.presenceIntervalMs ?? 100; // at most 10 per second
    const wait = Math.max(0, this.lastPresenceAt + interval - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.sendPresence();
    }, wait);
  }

  private sendPresence(): void {
    const client = this.client;
    const editor = this.editor;
    const model = this.model;
    if (!client || !editor || !model || !this.online || this.catchingUp || !this.o.canEdit) return;
    // Positions are meant for the server's document at our revision: send them only while
    // nothing of ours is pending (afterwards, the ack triggers a new one).
    if (client.state !== 'synchronized') return;
    const sels = editor.getSelections() ?? [];
    const pos = editor.getPosition();
    const cursor = pos ? model.getOffsetAt(pos) : 0;
    const selection = sels
      .slice(0, 32)
      .map((s) => [model.getOffsetAt(s.getStartPosition()), model.getOffsetAt(s.getEndPosition())] as [number, number]);
    if (this.send({ type: 'presence', revision: client.revision, cursor, selection })) {
      this.presenceDirty = false;
      this.lastPresenceAt = Date.now();
    }
  }

  private renderCarets(): void {
    const client = this.client;
    const model = this.model;
    const monaco = this.monaco;
    if (!client || !model || !monaco) return;
    const pending = client.pendingOps();
    this.caretLayer.render(monaco, model, this.carets.values(), client.doc.length, (offset, revision) =>
      localPosition(this.log, offset, revision, client.revision, pending),
    );
  }

  // ---------------------------------------------------------------- check, ping

  private async maybeCheck(): Promise<void> {
    const client = this.client;
    if (!client || !this.online || this.catchingUp || this.checking || this.paused) return;
    if (client.state !== 'synchronized' || Date.now() - this.lastLocalEditAt < 2000) return;
    this.checking = true;
    const revision = client.revision;
    const text = client.doc;
    try {
      const checksum = await sha256Hex(text);
      // only if nothing moved meanwhile
      if (this.client === client && client.revision === revision && client.doc === text && client.state === 'synchronized') {
        this.send({ type: 'check', revision, checksum });
      }
    } finally {
      this.checking = false;
    }
  }

  private ping(): void {
    if (this.online) this.send({ type: 'ping', t: performance.now() });
  }

  /** For tests and the lab: the text this client holds. */
  get documentText(): string {
    return this.client?.doc ?? '';
  }
}
