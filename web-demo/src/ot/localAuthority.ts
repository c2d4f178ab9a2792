// An in-memory stand-in for the plugin's per-interview authority, with the same rules as
// plugin/core/ot/authority: transform(committed, incoming) over everything committed since the
// op's revision, duplicate seqs acknowledged again and never applied twice. Used by the unit
// tests' simulations and by the editor lab page (/lab), never by the real room.
import { apply, transform, type Op } from './operation';
import type { ServerOp } from './client';

export interface OpRequest {
  client_id: string;
  seq: number;
  revision: number;
  op: Op;
}

export class LocalAuthority {
  doc: string;
  revision = 0;
  readonly log: ServerOp[] = [];
  private readonly lastSeq = new Map<string, number>();
  private readonly committedBySeq = new Map<string, ServerOp>();

  constructor(doc = '') {
    this.doc = doc;
  }

  /** Commits an op; returns what to broadcast, or for a duplicate the original entry (author only). */
  submit(m: OpRequest, author = m.client_id): { entry: ServerOp; duplicate: boolean } {
    const key = `${m.client_id}#${m.seq}`;
    const last = this.lastSeq.get(m.client_id) ?? 0;
    if (m.seq <= last) {
      const original = this.committedBySeq.get(key);
      if (!original) throw new Error(`seq ${m.seq} of ${m.client_id} is too old`);
      return { entry: original, duplicate: true };
    }
    if (m.revision > this.revision) throw new Error('revision from the future');
    let op = m.op;
    for (let r = m.revision; r < this.revision; r++) {
      op = transform(this.log[r].op, op)[1];
    }
    this.doc = apply(this.doc, op);
    this.revision++;
    const entry: ServerOp = { revision: this.revision, client_id: m.client_id, seq: m.seq, author, op };
    this.log.push(entry);
    this.lastSeq.set(m.client_id, m.seq);
    this.committedBySeq.set(key, entry);
    return { entry, duplicate: false };
  }

  /** The committed entries after `revision`. */
  since(revision: number): ServerOp[] {
    return this.log.slice(revision);
  }
}
