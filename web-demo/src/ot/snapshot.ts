// Reassembles a `snapshot` sent in `parts` messages (part 0 .. parts-1, one revision).
export interface SnapshotPart {
  revision: number;
  language?: string;
  read_only?: boolean;
  part?: number;
  parts?: number;
  text: string;
}

export interface Snapshot {
  revision: number;
  language: string | undefined;
  readOnly: boolean;
  text: string;
}

export class SnapshotAssembler {
  private revision = -1;
  private texts: (string | undefined)[] = [];
  private got = 0;
  private first: SnapshotPart | null = null;

  /** Adds one part; returns the whole snapshot once every part of its revision is in. */
  add(p: SnapshotPart): Snapshot | null {
    const parts = p.parts ?? 1;
    const part = p.part ?? 0;
    if (!Number.isInteger(parts) || parts < 1 || !Number.isInteger(part) || part < 0 || part >= parts) {
      throw new Error(`bad snapshot part ${part} of ${parts}`);
    }
    if (p.revision !== this.revision || this.texts.length !== parts) {
      // a new snapshot starts (an older incomplete one is abandoned)
      this.revision = p.revision;
      this.texts = new Array(parts);
      this.got = 0;
      this.first = null;
    }
    if (this.texts[part] === undefined) {
      this.texts[part] = p.text;
      this.got++;
    }
    if (part === 0) this.first = p;
    if (this.got < parts) return null;
    const head = this.first ?? p;
    const snap: Snapshot = {
      revision: p.revision,
      language: head.language,
      readOnly: Boolean(head.read_only),
      text: this.texts.join(''),
    };
    this.revision = -1;
    this.texts = [];
    this.got = 0;
    this.first = null;
    return snap;
  }

  get pending(): boolean {
    return this.got > 0;
  }
}
