// The other participants' carets and selections in one Monaco editor: a colour per participant
// (theirs if the server passed a valid one, else one derived from their id), a CSS class per
// participant in a <style> element of its own, and Monaco decorations at the positions the
// caller maps into this client's view of the document (ot/presence.ts does the mapping).
import type * as Monaco from 'monaco-editor';
import type { Participant } from '../api';

export interface RemoteCaret {
  participant: Participant;
  colour: string;
  revision: number;
  cursor: number;
  selection: [number, number][];
  at: number;
}

const PALETTE = ['#e5484d', '#0091ff', '#30a46c', '#f76b15', '#8e4ec6', '#d6409f', '#12a594', '#ffb224'];
const COLOUR_RE = /^#[0-9a-fA-F]{3,8}$/;

/** The colour to draw a participant in: `offered` when it is a CSS hex colour. */
export function caretColour(participantId: string, offered: string | undefined): string {
  if (offered && COLOUR_RE.test(offered)) return offered;
  let h = 0;
  for (let i = 0; i < participantId.length; i++) h = (h * 31 + participantId.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}

/** Maps an offset of the document at `revision` into this client's current text (null: gone). */
export type PositionMapper = (offset: number, revision: number) => number | null;

let layerCounter = 0;

export class CaretLayer {
  private readonly styleEl: HTMLStyleElement;
  private readonly prefix = `s${++layerCounter}`; // class names unique per editor on the page
  private readonly classes = new Map<string, number>();
  private readonly rules = new Map<number, string>();
  private decorations: Monaco.editor.IEditorDecorationsCollection | null = null;

  constructor() {
    this.styleEl = document.createElement('style');
    document.head.appendChild(this.styleEl);
  }

  attach(editor: Monaco.editor.IStandaloneCodeEditor): void {
    this.decorations = editor.createDecorationsCollection();
  }

  dispose(): void {
    this.decorations?.clear();
    this.styleEl.remove();
  }

  render(
    monaco: typeof Monaco,
    model: Monaco.editor.ITextModel,
    carets: Iterable<RemoteCaret>,
    textLength: number,
    map: PositionMapper,
  ): void {
    if (!this.decorations) return;
    const decos: Monaco.editor.IModelDeltaDecoration[] = [];
    const at = (offset: number) => model.getPositionAt(Math.min(offset, textLength));
    for (const c of carets) {
      const k = this.classFor(c.participant.id, c.participant.name, c.colour);
      const cursor = map(c.cursor, c.revision);
      if (cursor === null) continue;
      for (const [a, b] of c.selection) {
        const s = map(Math.min(a, b), c.revision);
        const e = map(Math.max(a, b), c.revision);
        if (s === null || e === null || s === e) continue;
        decos.push({
          range: monaco.Range.fromPositions(at(s), at(e)),
          options: { className: `rs rs-${k}`, stickiness: 1, hoverMessage: { value: c.participant.name } },
        });
      }
      const p = at(cursor);
      decos.push({
        range: monaco.Range.fromPositions(p, p),
        options: {
          beforeContentClassName: `rc rc-${k}`,
          showIfCollapsed: true,
          stickiness: 1,
          hoverMessage: { value: `${c.participant.name} (${c.participant.role})` },
        },
      });
    }
    this.decorations.set(decos);
  }

  private classFor(id: string, name: string, colour: string): string {
    let n = this.classes.get(id);
    if (n === undefined) {
      n = this.classes.size;
      this.classes.set(id, n);
    }
    // the name is a CSS string: JSON quoting plus escaped angle brackets keeps it inert
    const label = JSON.stringify(name).replace(/</g, '\\3c ').replace(/>/g, '\\3e ');
    const k = `${this.prefix}-${n}`;
    const rules = `.rc-${k}{border-left-color:${colour}}.rc-${k}::after{content:${label};background:${colour}}.rs-${k}{background:${colour}40}`;
    if (this.rules.get(n) !== rules) {
      this.rules.set(n, rules);
      this.styleEl.textContent = [...this.rules.values()].join('\n');
    }
    return k;
  }
}
