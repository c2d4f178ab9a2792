// What the room shows about its connection: the states RoomConnection moves through, what the
// plugin said on `joined`, and the store that hands every change to the page.
import { Emitter } from '../emitter';
import type { Participant } from '../api';
import type { JoinedAnswer } from '../protocol';

export type ConnState =
  | 'starting'
  | 'connecting'
  | 'joining'
  | 'negotiating'
  | 'connected'
  | 'reconnecting'
  | 'waiting'
  | 'replaced'
  | 'removed'
  | 'over'
  | 'left'
  | 'failed';

/** States after which nothing reconnects by itself. */
export const FINAL_STATES: readonly ConnState[] = ['over', 'replaced', 'removed', 'left', 'failed'];

/** What `joined` said, but the participants (the room keeps those itself, as they change). */
export type JoinedInfo = Omit<JoinedAnswer, 'interview' | 'participants'>;

export interface RoomState {
  state: ConnState;
  /** why we wait, retry or failed */
  detail?: string;
  errorCode?: string;
  joined?: JoinedInfo;
  participants: Participant[];
  overReason?: string;
  paused: boolean;
  attempt: number;
  /** media could not be negotiated: the room runs with the editor only */
  mediaUnavailable?: string;
  /** the last participant whose seat moved to another browser or tab (`rejoined`) */
  seatMoved?: Participant;
}

/** The current RoomState and its subscribers (each change is a new object). */
export class RoomStateStore {
  st: RoomState = { state: 'starting', participants: [], paused: false, attempt: 0 };
  private readonly changes = new Emitter<RoomState>();

  subscribe(cb: (s: RoomState) => void): () => void {
    cb(this.st);
    return this.changes.on(cb);
  }
  set(patch: Partial<RoomState>): void {
    this.st = { ...this.st, ...patch };
    this.changes.emit(this.st);
  }
}
