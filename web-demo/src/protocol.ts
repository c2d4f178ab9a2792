// Messages of docs/PROTOCOL.md, as this client sends and reads them.
import type { Op } from './ot/operation';
import type { Participant } from './api';

export const DATA_CHANNEL_LABEL = 'interview';
export const PLUGIN = 'janus.plugin.interview';
export const MAX_MESSAGE_BYTES = 60_000;

export type ClientMessage =
  | { type: 'hello'; client_id: string; last_revision: number | null }
  | { type: 'op'; client_id: string; seq: number; revision: number; op: Op }
  | { type: 'presence'; revision: number; cursor: number; selection: [number, number][] }
  | { type: 'language'; language: string }
  | { type: 'check'; revision: number; checksum: string }
  | { type: 'ping'; t: number };

export type ServerMessage =
  | { type: 'snapshot'; revision: number; language?: string; read_only?: boolean; part?: number; parts?: number; text: string }
  | { type: 'op'; revision: number; client_id: string; seq: number; author?: string; op: unknown }
  | { type: 'synced'; revision: number }
  | { type: 'presence'; participant: Participant; colour?: string; revision: number; cursor: number; selection?: [number, number][] }
  | { type: 'language'; language: string; by?: string }
  | { type: 'check_ok'; revision: number }
  | { type: 'paused'; reason?: string }
  | { type: 'resumed'; reason?: string }
  | { type: 'read_only'; reason?: string }
  | { type: 'error'; error_code: number; error: string; message?: string; seq?: number; reason?: string }
  | { type: 'pong'; t: number };

/** What the editor needs from the room's transport (the Janus data channel, or the lab's fake). */
export interface DocChannel {
  /** false when the channel is not open (the message is not sent) */
  send(msg: ClientMessage): boolean;
  isOpen(): boolean;
  /** called with every message; returns an unsubscribe function */
  onMessage(cb: (msg: ServerMessage) => void): () => void;
  /** called each time the channel (re)opens: the client speaks first (hello) */
  onOpen(cb: () => void): () => void;
  /** called when the channel closes (connection lost, left, interview over) */
  onClose(cb: () => void): () => void;
}

/** A tiny listener set used by the channels. */
export class Emitter<T> {
  private readonly subs = new Set<(v: T) => void>();
  on(cb: (v: T) => void): () => void {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  }
  emit(v: T): void {
    for (const cb of [...this.subs]) cb(v);
  }
}

export const LANGUAGES: { id: string; label: string }[] = [
  { id: 'plaintext', label: 'Plain text' },
  { id: 'python', label: 'Python' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'typescript', label: 'TypeScript' },
  { id: 'java', label: 'Java' },
  { id: 'cpp', label: 'C++' },
  { id: 'c', label: 'C' },
  { id: 'csharp', label: 'C#' },
  { id: 'go', label: 'Go' },
  { id: 'rust', label: 'Rust' },
  { id: 'kotlin', label: 'Kotlin' },
  { id: 'swift', label: 'Swift' },
  { id: 'ruby', label: 'Ruby' },
  { id: 'php', label: 'PHP' },
  { id: 'sql', label: 'SQL' },
  { id: 'shell', label: 'Shell' },
];

export const ROLE_LABEL: Record<string, string> = { applicant: 'Applicant', recruiter: 'Recruiter', observer: 'Observer' };
