// Binds one Monaco editor to the document protocol of docs/PROTOCOL.md over a DocChannel: hands
// the server's messages to the pieces that act on them, the user's edits to the document, and
// the status to the component. The pieces: the editor adapter (editorAdapter.ts), the link and
// its hello (documentLink.ts), the local copy of the document with the OT client, undo and
// carets (sharedDocument.ts), throttled presence (presenceThrottle.ts), checks and pings
// (keepalive.ts), sending our ops (editOutbox.ts), the reactions to errors (docErrors.ts).
// React-free.
import type * as Monaco from 'monaco-editor';
import { validateAgainst, type Op } from '../ot/operation';
import type { DocChannel, ServerMessage } from '../protocol';
import { MonacoEditorAdapter, type LocalChange } from './editorAdapter';
import { isTyping, localEditToOp } from './editMapping';
import { DocumentLink } from './documentLink';
import { PresenceThrottle } from './presenceThrottle';
import { Keepalive } from './keepalive';
import { EditOutbox } from './editOutbox';
import { reactToDocError } from './docErrors';
import { SharedDocument } from './sharedDocument';
import { exposeForInspection, type SessionView } from './inspection';
import { sessionStatus, type EditorStatus } from './sessionStatus';

export type { EditorStatus } from './sessionStatus';

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
  private adapter: MonacoEditorAdapter | null = null;
  private readonly doc: SharedDocument;
  private readonly link: DocumentLink;
  private readonly presence: PresenceThrottle;
  private readonly keepalive: Keepalive;
  private readonly outbox: EditOutbox;
  private readOnly = false;
  private readOnlyReason: string | undefined;
  private language = 'plaintext';
  private rttMs: number | undefined;
  private notice: string | undefined;
  private lastLocalEditAt = 0;
  private unexpose: () => void = () => undefined;

  private get client() {
    return this.doc.client;
  }

  constructor(private readonly o: SessionOptions) {
    this.doc = new SharedDocument(o);
    this.link = new DocumentLink(o.channel, o.clientId, () => (this.client ? this.client.revision : null), {
      message: (m) => this.handle(m),
      changed: () => this.emit(),
    });
    this.outbox = new EditOutbox(this.link, () => this.client?.resend() ?? null);
    this.presence = new PresenceThrottle(o.presenceIntervalMs ?? 100, () => this.sendPresence()); // at most 10 per second
    this.keepalive = new Keepalive({
      checkIntervalMs: o.checkIntervalMs ?? 5000,
      checkable: () => {
        const c = this.client;
        if (!c || !this.link.live || this.outbox.paused || c.state !== 'synchronized' || Date.now() - this.lastLocalEditAt < 2000) return null;
        return c;
      },
      client: () => this.client,
      online: () => this.link.online,
      send: (m) => this.link.send(m),
    });
  }

  attach(editor: Monaco.editor.IStandaloneCodeEditor, monaco: typeof Monaco): void {
    this.adapter = new MonacoEditorAdapter(editor, monaco, {
      localChange: (e) => this.onLocalChange(e),
      selectionChange: () => this.presence.schedule(),
      undo: () => this.undoRedo('undo'),
      redo: () => this.undoRedo('redo'),
    });
    this.unexpose = exposeForInspection(editor, this.view());
    this.applyReadOnly();
    this.link.openIfOpen();
    this.emit();
  }

  dispose(): void {
    this.link.dispose();
    this.keepalive.dispose();
    this.presence.dispose();
    this.outbox.dispose();
    this.adapter?.dispose();
    this.unexpose();
  }

  private view(): SessionView {
    const s = this;
    return {
      get client() { return s.client; },
      get online() { return s.link.online; },
      get catchingUp() { return s.link.phase === 'catchingUp'; },
      get paused() { return s.outbox.paused; },
      get readOnly() { return s.readOnly; },
      get notice() { return s.notice; },
      get carets() { return s.doc.carets; },
      get documentText() { return s.client?.doc ?? ''; },
    };
  }

  private emit(): void {
    this.o.onStatus(
      sessionStatus({
        client: this.client,
        live: this.link.live,
        paused: this.outbox.paused,
        readOnly: this.readOnly || !this.o.canEdit,
        readOnlyReason: this.readOnlyReason,
        language: this.language,
        rttMs: this.rttMs,
        notice: this.notice,
        carets: this.doc.carets.values(),
      }),
    );
  }

  // ---------------------------------------------------------------- messages

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case 'snapshot': {
        const snap = this.doc.addSnapshotPart(m);
        if (snap) this.loadSnapshot(snap.revision, snap.text, snap.language, snap.readOnly);
        return;
      }
      case 'op':
        this.onOp(m);
        return;
      case 'synced':
        this.link.caughtUp();
        this.outbox.resend();
        this.presence.schedule();
        return;
      case 'presence':
        if (this.doc.setCaret(m, this.o.selfId)) this.renderCarets();
        return;
      case 'language':
        this.setLanguageLocal(m.language);
        return;
      case 'paused':
        this.outbox.paused = true;
        return;
      case 'resumed':
        this.outbox.paused = false;
        this.outbox.resend();
        return;
      case 'read_only':
        this.readOnly = true;
        this.readOnlyReason = m.reason;
        this.applyReadOnly();
        return;
      case 'pong':
        this.rttMs = Math.max(0, performance.now() - m.t);
        return;
      case 'error': {
        const r = reactToDocError(m);
        if (r.pause) this.outbox.paused = true;
        if (r.retryAfterMs !== undefined) this.outbox.retryLater(r.retryAfterMs);
        if (r.readOnly) {
          this.readOnly = true;
          this.applyReadOnly();
        }
        if ('notice' in r) this.notice = r.notice;
        if (r.resync) this.link.resync(true);
        return;
      }
      default:
        return; // check_ok, check_stale
    }
  }

  private onOp(m: Extract<ServerMessage, { type: 'op' }>): void {
    const r = this.doc.receive(m);
    if (!r || r.kind === 'ignored' || r.kind === 'piece') return;
    if (r.kind === 'gap') {
      this.link.resync(false);
      return;
    }
    const client = this.client!;
    if (r.kind === 'ack') {
      if (r.send) this.outbox.send(r.send);
      if (client.state === 'synchronized' && this.presence.dirty) this.presence.schedule();
    } else {
      this.adapter?.applyRemote(r.apply, client.doc);
    }
    this.renderCarets();
  }

  private loadSnapshot(revision: number, text: string, language: string | undefined, readOnly: boolean): void {
    this.link.caughtUp();
    if (this.doc.load(revision, text) > 0) this.notice = 'The document was reloaded from the server; your last unsent edits could not be kept.';
    this.adapter?.setText(text);
    if (language) this.setLanguageLocal(language);
    if (readOnly) {
      this.readOnly = true;
      this.readOnlyReason ??= 'ended';
    }
    this.applyReadOnly();
    this.renderCarets();
  }

  // ---------------------------------------------------------------- the user's edits

  private onLocalChange(e: LocalChange): void {
    const client = this.client;
    const adapter = this.adapter!;
    // no document yet: nothing may be typed (the editor is read-only until the snapshot)
    if (!client) return;
    const before = client.doc;
    const op: Op = localEditToOp(before, adapter.getValue(), e.changes);
    const problem = validateAgainst(op, before);
    if (problem || this.readOnly || !this.o.canEdit) {
      if (problem) console.warn('interview: local edit refused:', problem);
      adapter.setText(before);
      return;
    }
    const out = this.doc.localEdit(op, e.mode, isTyping(e.isFlush, e.changes));
    if (out) this.outbox.send(out);
    this.lastLocalEditAt = Date.now();
    this.renderCarets();
    this.presence.schedule();
    this.emit();
  }

  private undoRedo(which: 'undo' | 'redo'): void {
    if (!this.client || this.readOnly || !this.o.canEdit || !this.adapter) return;
    const op = this.doc.popStep(which);
    if (op) this.adapter.applyOwn(op, which);
  }

  private applyReadOnly(): void {
    const message = this.readOnly
      ? 'The interview has ended: the code is read-only.'
      : !this.o.canEdit
        ? 'Observers can watch but not edit.'
        : 'Loading the document…';
    this.adapter?.setReadOnly(this.readOnly || !this.o.canEdit || !this.client, message);
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
    this.link.send({ type: 'language', language });
    this.emit();
  }

  private setLanguageLocal(language: string): void {
    this.language = language;
    this.adapter?.setLanguage(language);
  }

  // ---------------------------------------------------------------- presence

  private sendPresence(): boolean {
    const client = this.client;
    const adapter = this.adapter;
    if (!client || !adapter || !this.link.live || !this.o.canEdit) return false;
    // Positions are meant for the server's document at our revision: send them only while
    // nothing of ours is pending (afterwards, the ack triggers a new one).
    if (client.state !== 'synchronized') return false;
    return this.link.send({ type: 'presence', revision: client.revision, ...adapter.caretOffsets() });
  }

  private renderCarets(): void {
    const map = this.doc.mapper();
    if (map && this.adapter) this.adapter.renderCarets(this.doc.carets.values(), this.client!.doc.length, map);
  }
}
