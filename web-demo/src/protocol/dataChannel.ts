// The data channel's messages (docs/PROTOCOL.md, "The data channel"): what this client sends,
// what the plugin sends, and the DocChannel through which the editor speaks them.
import type { Op } from '../ot/operation';
import type { Participant } from '../api';

export const DATA_CHANNEL_LABEL = 'interview';
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
  | { type: 'op'; revision: number; client_id: string; seq: number; author?: string; op: Op }
  | { type: 'synced'; revision: number }
  | { type: 'presence'; participant: Participant; colour?: string; revision: number; cursor: number; selection: [number, number][] }
  | { type: 'language'; language: string; by?: string }
  | { type: 'check_ok'; revision: number }
  | { type: 'check_stale'; revision: number }
  | { type: 'paused'; reason?: string }
  | { type: 'resumed'; reason?: string }
  | { type: 'read_only'; reason?: string }
  | { type: 'error'; error_code: number; error: string; message?: string; seq?: number; reason?: string }
  | { type: 'pong'; t: number };

export type ServerMessageType = ServerMessage['type'];

/** A message of a known type whose fields the parser refused. */
export interface InvalidMessage {
  type: ServerMessageType;
  problem: string;
}

/** The document stream: a refused one of these means the client lost track (it resyncs). */
export const DOCUMENT_STREAM_TYPES: ReadonlySet<ServerMessageType> = new Set(['snapshot', 'op', 'synced']);

/** What the editor needs from the room's transport (the Janus data channel, or the lab's fake). */
export interface DocChannel {
  /** false when the channel is not open (the message is not sent) */
  send(msg: ClientMessage): boolean;
  isOpen(): boolean;
  /** called with every valid message; returns an unsubscribe function */
  onMessage(cb: (msg: ServerMessage) => void): () => void;
  /** called with every message of a known type that failed validation */
  onInvalid(cb: (msg: InvalidMessage) => void): () => void;
  /** called each time the channel (re)opens: the client speaks first (hello) */
  onOpen(cb: () => void): () => void;
  /** called when the channel closes (connection lost, left, interview over) */
  onClose(cb: () => void): () => void;
}
