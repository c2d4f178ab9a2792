// The editor adapter: one Monaco editor and its model on one side, operations and offsets on the
// other. Remote operations and snapshots are applied outside Monaco's undo stack and without
// being reported back as local edits; the user's own edits (typing, and the own-edits undo and
// redo) are reported with the mode they were made in. The arithmetic is in editMapping.ts.
import type * as Monaco from 'monaco-editor';
import { isNoop, type Op } from '../ot/operation';
import type { SimpleChange } from '../ot/changes';
import { CaretLayer, type PositionMapper, type RemoteCaret } from './carets';
import { caretOffsets, opToPositionEdits, selectionsAfterRemote, type OffsetSelection } from './editMapping';

type M = typeof Monaco;
export type UndoMode = 'undo' | 'redo' | null;

export interface LocalChange {
  changes: readonly SimpleChange[];
  isFlush: boolean;
  /** made by the own-edits undo or redo, or null for the user's own typing */
  mode: UndoMode;
}

export interface EditorEvents {
  localChange(e: LocalChange): void;
  selectionChange(): void;
  undo(): void;
  redo(): void;
}

export class MonacoEditorAdapter {
  private readonly model: Monaco.editor.ITextModel;
  private readonly caretLayer = new CaretLayer();
  private readonly disposables: Monaco.IDisposable[] = [];
  private suppress = 0;
  private mode: UndoMode = null;

  constructor(
    readonly editor: Monaco.editor.IStandaloneCodeEditor,
    private readonly monaco: M,
    events: EditorEvents,
  ) {
    const model = editor.getModel();
    if (!model) throw new Error('the editor has no model');
    this.model = model;
    model.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.caretLayer.attach(editor);
    this.disposables.push(
      model.onDidChangeContent((e) => {
        if (this.suppress === 0) events.localChange({ changes: e.changes, isFlush: e.isFlush, mode: this.mode });
      }),
      editor.onDidChangeCursorSelection(() => events.selectionChange()),
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
        run: () => events.undo(),
      }),
      editor.addAction({
        id: 'interview.redo',
        label: 'Redo my last edit',
        keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, KeyMod.CtrlCmd | KeyCode.KeyY],
        contextMenuGroupId: '9_cutcopypaste',
        contextMenuOrder: 11,
        run: () => events.redo(),
      }),
    );
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.caretLayer.dispose();
  }

  getValue(): string {
    return this.model.getValue();
  }

  private range(start: Monaco.IPosition, end: Monaco.IPosition): Monaco.Range {
    return this.monaco.Range.fromPositions(start, end);
  }

  private quietly(f: () => void): void {
    this.suppress++;
    try {
      f();
    } finally {
      this.suppress--;
    }
  }

  /** Replaces the whole text (outside any undo stack), keeping the caret's offset. */
  setText(text: string): void {
    const model = this.model;
    if (model.getValue() === text) return;
    const offset = model.getOffsetAt(this.editor.getPosition() ?? { lineNumber: 1, column: 1 });
    this.quietly(() => model.applyEdits([{ range: model.getFullModelRange(), text }]));
    this.editor.setPosition(model.getPositionAt(Math.min(offset, text.length)));
  }

  /** A remote operation, applied without entering Monaco's undo stack (applyEdits); the editor
   * must then show exactly `expected` (the client's document), or it is repaired. */
  applyRemote(op: Op, expected: string): void {
    if (isNoop(op)) return;
    const before = this.selectionOffsets();
    const edits = opToPositionEdits(this.model, op).map((e) => ({ range: this.range(e.start, e.end), text: e.text, forceMoveMarkers: false }));
    this.quietly(() => this.model.applyEdits(edits));
    if (this.model.getValue() !== expected) {
      console.warn('interview: editor diverged from the document after a remote edit; repairing');
      this.setText(expected);
      return;
    }
    // Monaco moved the selections itself; where it disagrees (an insert at the caret), put them
    // where someone else's edit leaves them.
    const wanted = selectionsAfterRemote(before, op);
    const now = this.selectionOffsets();
    if (wanted.some((w, i) => w.anchor !== now[i]?.anchor || w.head !== now[i]?.head)) {
      this.editor.setSelections(
        wanted.map(({ anchor, head }) => {
          const a = this.model.getPositionAt(anchor);
          const h = this.model.getPositionAt(head);
          return new this.monaco.Selection(a.lineNumber, a.column, h.lineNumber, h.column);
        }),
      );
    }
  }

  private selectionOffsets(): OffsetSelection[] {
    return (this.editor.getSelections() ?? []).map((s) => ({
      anchor: this.model.getOffsetAt({ lineNumber: s.selectionStartLineNumber, column: s.selectionStartColumn }),
      head: this.model.getOffsetAt({ lineNumber: s.positionLineNumber, column: s.positionColumn }),
    }));
  }

  /** An own-edits undo or redo step: reported as a local change in `mode`; the caret follows. */
  applyOwn(op: Op, mode: 'undo' | 'redo'): void {
    const edits = opToPositionEdits(this.model, op);
    this.mode = mode;
    try {
      this.model.applyEdits(edits.map((e) => ({ range: this.range(e.start, e.end), text: e.text })));
    } finally {
      this.mode = null;
    }
    if (edits.length > 0) {
      // caret to the end of the first restored/removed piece
      const first = edits[0];
      this.editor.setPosition(this.model.getPositionAt(first.offset + first.text.length));
      this.editor.revealPositionInCenterIfOutsideViewport(this.editor.getPosition()!);
    }
  }

  setReadOnly(readOnly: boolean, message: string): void {
    this.editor.updateOptions({ readOnly, readOnlyMessage: { value: message } });
  }

  setLanguage(language: string): void {
    this.monaco.editor.setModelLanguage(this.model, language);
  }

  /** The caret and selections as the offsets a `presence` carries. */
  caretOffsets(): { cursor: number; selection: [number, number][] } {
    return caretOffsets(this.model, this.editor.getPosition(), this.editor.getSelections() ?? []);
  }

  renderCarets(carets: Iterable<RemoteCaret>, textLength: number, map: PositionMapper): void {
    this.caretLayer.render(this.monaco, this.model, carets, textLength, map);
  }
}
