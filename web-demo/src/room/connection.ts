// The room's connection to Janus: session, plugin handle, join, PeerConnection (data channel +
// media through useRoomMedia's tracks: microphone, camera and the fixed receive slots), automatic
// reconnect, room and media events, mute signalling (`configure`). It is also the editor's
// DocChannel (the `interview` data channel).
import { loadJanus } from '../janus/loader';
import type { JanusJsep, JanusPluginHandle, JanusSession, JanusStatic, JanusTrackSpec } from '../janus/types';
import { DATA_CHANNEL_LABEL, Emitter, PLUGIN, type ClientMessage, type DocChannel, type ServerMessage } from '../protocol';
import type { Participant } from '../api';
import { parseMediaEvent, parseSlowLink, type MediaView, type SlowLinkNotice } from './tiles';

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

export interface JoinedInfo {
  interview_id: string;
  title: string;
  start: string;
  end: string;
  opens_at: string;
  closes_at?: string;
  server_time?: string;
  you: Participant;
  /** the room's limit, observers included; sizes the receive slots (absent: 4) */
  max_participants?: number;
}

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
}

/** What the media side (useRoomMedia) gives the connection and gets from it. */
export interface MediaBinding {
  /** the audio/video tracks to offer (besides the data channel): own media, then receive slots */
  offerTracks(maxParticipants: number | undefined): JanusTrackSpec[];
  onRemoteTrack(track: MediaStreamTrack, mid: string, on: boolean): void;
  /** the plugin answered `connect`: which of our media it takes */
  onConnected(published: { audio: boolean; video: boolean }): void;
  /** the plugin's `media` event: the other publishers and which slot carries whom */
  onMedia(view: MediaView): void;
  onSlowLink(notice: SlowLinkNotice): void;
  /** the PeerConnection went away: drop remote tracks */
  onHangup(): void;
}

/** Why the plugin took this participant out of the room (`kicked`), as the person reads it. */
export const REMOVED_TEXT: Record<string, string> = {
  token_revoked: 'Your access to this interview was revoked.',
  invalid_token: 'This link is no longer valid: a new one was issued. Ask the recruiter for it.',
  token_other_interview: 'This link belongs to another interview.',
  kicked_by_admin: 'An operator removed you from this interview.',
};

const FATAL = new Set([
  'unknown_interview',
  'invalid_token',
  'token_other_interview',
  'interview_ended',
  'interview_cancelled',
  'token_revoked',
  'malformed_request',
  'missing_field',
  'invalid_field',
]);

export class RoomConnection implements DocChannel {
  private Janus: JanusStatic | null = null;
  private janus: JanusSession | null = null;
  private handle: JanusPluginHandle | null = null;
  private dcOpen = false;
  private stopped = false;
  private generation = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private iceTimer: ReturnType<typeof setTimeout> | null = null;
  private withMedia: boolean;
  private readonly messages = new Emitter<ServerMessage>();
  private readonly opens = new Emitter<void>();
  private readonly closes = new Emitter<void>();
  private readonly changes = new Emitter<RoomState>();
  private pendingEnd: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** the plugin answered this connection's `connect` (configure is possible from then on) */
  private answered = false;
  /** which of our media the plugin took, from `connected` */
  private published = { audio: false, video: false };
  st: RoomState = { state: 'starting', participants: [], paused: false, attempt: 0 };

  constructor(
    private readonly janusUrl: string,
    private readonly interviewId: string,
    private readonly token: string,
    private readonly media: MediaBinding,
    private readonly opts: {
      media: boolean;
      iceServers?: RTCIceServer[];
      serverNow?: () => number;
      /** what to send after (re)connecting: mutes survive a reconnect */
      sending?: () => { audio: boolean; video: boolean };
    } = { media: true },
  ) {
    this.withMedia = opts.media;
  }

  // ---- DocChannel
  send(msg: ClientMessage): boolean {
    if (!this.dcOpen || !this.handle) return false;
    this.handle.data({ text: JSON.stringify(msg), label: DATA_CHANNEL_LABEL, error: (e) => console.warn('interview: data send failed', e) });
    return true;
  }
  isOpen(): boolean {
    return this.dcOpen;
  }
  onMessage(cb: (m: ServerMessage) => void) {
    return this.messages.on(cb);
  }
  onOpen(cb: () => void) {
    return this.opens.on(cb);
  }
  onClose(cb: () => void) {
    return this.closes.on(cb);
  }

  // ---- state
  subscribe(cb: (s: RoomState) => void): () => void {
    cb(this.st);
    return this.changes.on(cb);
  }
  private set(patch: Partial<RoomState>): void {
    this.st = { ...this.st, ...patch };
    this.changes.emit(this.st);
  }

  // ---- lifecycle
  async start(): Promise<void> {
    this.stopped = false;
    try {
      this.Janus = await loadJanus();
    } catch (e) {
      this.set({ state: 'failed', detail: String((e as Error).message ?? e), errorCode: 'janus_js' });
      return;
    }
    if (!this.Janus.isWebrtcSupported()) {
      this.set({ state: 'failed', detail: 'This browser does not support WebRTC.', errorCode: 'no_webrtc' });
      return;
    }
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.teardown(true);
    if (!['over', 'replaced', 'removed'].includes(this.st.state)) this.set({ state: 'left' });
  }

  /** Joins again after `replaced` (this tab takes the room back). */
  rejoin(): void {
    this.stopped = false;
    this.set({ attempt: 0 });
    this.connect();
  }

  endInterview(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.handle) {
        reject(new Error('not connected'));
        return;
      }
      this.pendingEnd = { resolve, reject };
      this.handle.send({ message: { request: 'end_interview' }, error: (e) => reject(new Error(String(e))) });
    });
  }

  /**
   * Tells the plugin what we send (mute / unmute), so that it stops forwarding muted media and
   * the others' tiles say so. Only the kinds the plugin took are named. False when there is
   * nothing to tell (not connected yet: `connected` sends the current state then).
   */
  configure(sending: { audio: boolean; video: boolean }): boolean {
    if (!this.handle || !this.answered) return false;
    const message: { request: 'configure'; audio?: boolean; video?: boolean } = { request: 'configure' };
    if (this.published.audio) message.audio = sending.audio;
    if (this.published.video) message.video = sending.video;
    if (message.audio === undefined && message.video === undefined) return false;
    this.handle.send({ message, error: (e) => console.warn('interview: configure failed', e) });
    return true;
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.reconnectTimer = null;
    this.iceTimer = null;
  }

  private teardown(sendLeave: boolean): void {
    const wasOpen = this.dcOpen;
    this.dcOpen = false;
    this.answered = false;
    if (wasOpen) this.closes.emit();
    this.media.onHangup();
    const h = this.handle;
    const j = this.janus;
    this.handle = null;
    this.janus = null;
    this.generation++;
    try {
      if (h && sendLeave) h.send({ message: { request: 'leave' } });
      h?.hangup(false);
    } catch {
      /* ignore */
    }
    try {
      j?.destroy({ cleanupHandles: true, notifyDestroyed: false });
    } catch {
      /* ignore */
    }
  }

  private scheduleReconnect(detail: string, delayMs?: number): void {
    if (this.stopped || ['over', 'replaced', 'removed', 'left', 'failed'].includes(this.st.state)) return;
    this.teardown(false);
    this.clearTimers();
    const attempt = this.st.attempt + 1;
    const delay = delayMs ?? Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
    this.set({ state: this.st.state === 'waiting' ? 'waiting' : 'reconnecting', detail, attempt });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private connect(): void {
    if (this.stopped || !this.Janus) return;
    this.clearTimers();
    const gen = ++this.generation;
    if (this.st.state !== 'reconnecting' && this.st.state !== 'waiting') this.set({ state: 'connecting' });
    const Janus = this.Janus;
    const janus: JanusSession = new Janus({
      server: this.janusUrl,
      iceServers: this.opts.iceServers ?? [],
      success: () => {
        if (gen !== this.generation) return;
        this.attach(janus, gen);
      },
      error: (e) => {
        if (gen !== this.generation) return;
        this.scheduleReconnect(`Lost the connection to the media server (${String(e)})`);
      },
    });
    this.janus = janus;
  }

  private attach(janus: JanusSession, gen: number): void {
    janus.attach({
      plugin: PLUGIN,
      opaqueId: `interview-${this.interviewId}`,
      success: (h) => {
        if (gen !== this.generation) return;
        this.handle = h;
        if (this.st.state === 'connecting') this.set({ state: 'joining' });
        h.send({ message: { request: 'join', interview_id: this.interviewId, token: this.token } });
      },
      error: (e) => {
        if (gen !== this.generation) return;
        this.scheduleReconnect(`The interview plugin is not available (${String(e)})`);
      },
      onmessage: (msg, jsep) => {
        if (gen !== this.generation) return;
        this.onPluginMessage(msg, jsep);
      },
      onremotetrack: (track, mid, on) => {
        if (gen === this.generation) this.media.onRemoteTrack(track, mid, on);
      },
      ondataopen: (label) => {
        if (gen !== this.generation || label !== DATA_CHANNEL_LABEL) return;
        this.dcOpen = true;
        this.set({ state: 'connected', detail: undefined, attempt: 0 });
        this.opens.emit();
      },
      ondata: (data, label) => {
        if (gen !== this.generation || (label && label !== DATA_CHANNEL_LABEL)) return;
        let m: ServerMessage;
        try {
          m = JSON.parse(data) as ServerMessage;
        } catch {
          console.warn('interview: data-channel message is not JSON');
          return;
        }
        if (m.type === 'paused') this.set({ paused: true });
        else if (m.type === 'resumed') this.set({ paused: false });
        else if (m.type === 'read_only') this.set({ overReason: this.st.overReason ?? m.reason ?? 'ended' });
        this.messages.emit(m);
      },
      iceState: (s) => {
        if (gen !== this.generation) return;
        if (s === 'failed') this.scheduleReconnect('The network connection failed');
        else if (s === 'disconnected') {
          // often recovers by itself within a few seconds
          if (!this.iceTimer) this.iceTimer = setTimeout(() => this.scheduleReconnect('The network connection was interrupted'), 5000);
        } else if (s === 'connected' || s === 'completed') {
          if (this.iceTimer) clearTimeout(this.iceTimer);
          this.iceTimer = null;
        }
      },
      webrtcState: (up, reason) => {
        if (gen !== this.generation) return;
        if (!up) this.scheduleReconnect(`The connection closed${reason ? ` (${reason})` : ''}`);
      },
      oncleanup: () => {
        if (gen !== this.generation) return;
        if (this.dcOpen) {
          this.dcOpen = false;
          this.closes.emit();
        }
        this.media.onHangup();
        if (this.st.state === 'connected') this.scheduleReconnect('The connection closed');
      },
    });
  }

  private negotiate(): void {
    const h = this.handle;
    if (!h || !this.Janus) return;
    this.set({ state: 'negotiating' });
    this.Janus.dataChanDefaultLabel = DATA_CHANNEL_LABEL;
    const gen = this.generation;
    const tracks: JanusTrackSpec[] = [{ type: 'data' }, ...(this.withMedia ? this.media.offerTracks(this.st.joined?.max_participants) : [])];
    h.createOffer({
      tracks,
      success: (jsep: JanusJsep) => {
        if (gen !== this.generation) return;
        h.send({ message: { request: 'connect' }, jsep });
      },
      error: (e) => {
        if (gen !== this.generation) return;
        if (this.withMedia) {
          this.withMedia = false;
          this.set({ mediaUnavailable: `Camera and microphone could not be used (${String(e)}); continuing with the editor only.` });
          this.scheduleReconnect('Retrying without audio and video', 200);
        } else {
          this.set({ state: 'failed', detail: `Could not set up the connection: ${String(e)}`, errorCode: 'webrtc' });
        }
      },
    });
  }

  private onPluginMessage(msg: Record<string, unknown>, jsep?: JanusJsep): void {
    const kind = msg.interview;
    if (jsep && this.handle) {
      this.handle.handleRemoteJsep({ jsep, error: (e) => this.scheduleReconnect(`Bad answer from the server (${String(e)})`) });
    }
    if (kind === 'joined') {
      const you = msg.you as Participant;
      const participants = ((msg.participants as Participant[]) ?? []).filter((p) => p.id !== you.id);
      this.set({
        joined: {
          interview_id: String(msg.interview_id),
          title: String(msg.title ?? ''),
          start: String(msg.start),
          end: String(msg.end),
          opens_at: String(msg.opens_at),
          closes_at: msg.closes_at ? String(msg.closes_at) : undefined,
          server_time: msg.server_time ? String(msg.server_time) : undefined,
          you,
          max_participants: typeof msg.max_participants === 'number' ? msg.max_participants : undefined,
        },
        participants,
        errorCode: undefined,
      });
      this.negotiate();
      return;
    }
    if (kind === 'connected') {
      this.answered = true;
      const pub = (msg.published ?? {}) as Record<string, unknown>;
      // a plugin without media answered no `published`: it took nothing
      this.published = { audio: pub.audio === true, video: pub.video === true };
      this.media.onConnected(this.published);
      // a new PeerConnection starts unmuted on the plugin's side: repeat the toggles' state
      const sending = this.opts.sending?.();
      if (sending && ((this.published.audio && !sending.audio) || (this.published.video && !sending.video))) this.configure(sending);
      return;
    }
    if (kind === 'event') {
      this.onEvent(msg);
      return;
    }
    if (kind === 'error') {
      this.onPluginError(String(msg.error ?? 'error'), String(msg.message ?? msg.error ?? ''), msg);
    }
  }

  private onEvent(msg: Record<string, unknown>): void {
    const ev = msg.event;
    const p = msg.participant as Participant | undefined;
    switch (ev) {
      case 'participant_joined':
        if (p && p.id !== this.st.joined?.you.id) this.set({ participants: [...this.st.participants.filter((x) => x.id !== p.id), p] });
        return;
      case 'participant_left':
        if (p) this.set({ participants: this.st.participants.filter((x) => x.id !== p.id) });
        return;
      case 'replaced':
        this.stopped = true;
        this.teardown(false);
        this.set({ state: 'replaced', detail: 'You joined this interview from another tab or device.' });
        return;
      case 'kicked': {
        // Out for good with this link: no reconnecting (it would be refused anyway).
        const reason = String(msg.reason ?? '');
        this.stopped = true;
        this.teardown(false);
        this.set({ state: 'removed', detail: REMOVED_TEXT[reason] ?? 'You were removed from this interview.' });
        return;
      }
      case 'interview_ended':
        // A recruiter (or an operator) ended it: the document is read-only, the room stays open.
        this.set({ overReason: String(msg.reason ?? 'ended') });
        return;
      case 'interview_over': {
        const reason = String(msg.reason ?? 'ended');
        this.set({ state: 'over', overReason: reason });
        this.stopped = true;
        this.pendingEnd?.resolve();
        this.pendingEnd = null;
        // the plugin closes the PeerConnection; keep the editor content as it is
        return;
      }
      case 'media':
        this.media.onMedia(parseMediaEvent(msg));
        return;
      case 'slow_link':
        this.media.onSlowLink(parseSlowLink(msg));
        return;
      case 'ended':
        this.pendingEnd?.resolve();
        this.pendingEnd = null;
        return;
      default:
        return;
    }
  }

  private onPluginError(code: string, message: string, msg: Record<string, unknown>): void {
    // Errors name the request they answer (docs/PROTOCOL.md, Errors).
    if (msg.request === 'configure') {
      // a refused mute changes nothing else; the local track is muted anyway
      console.warn('interview: configure refused', code, message);
      return;
    }
    if (this.pendingEnd && msg.request === 'end_interview') {
      this.pendingEnd.reject(new Error(message));
      this.pendingEnd = null;
      return;
    }
    if (code === 'too_early') {
      const opensAt = Date.parse(String(msg.opens_at ?? ''));
      const now = this.opts.serverNow ? this.opts.serverNow() : Date.now();
      const wait = Number.isFinite(opensAt) ? Math.max(1000, opensAt - now + 500) : 30_000;
      this.set({ state: 'waiting', detail: message, errorCode: code });
      this.scheduleReconnect(message, Math.min(wait, 60_000));
      return;
    }
    if (code === 'service_unavailable') {
      this.scheduleReconnect('The interview service is not reachable right now; retrying…', 3000);
      return;
    }
    if (code === 'room_full') {
      this.set({ state: 'waiting', detail: 'The room is full; you will join as soon as someone leaves.', errorCode: code });
      this.scheduleReconnect('The room is full', 10_000);
      return;
    }
    if (code === 'already_joined') return;
    if (code === 'not_joined') {
      this.scheduleReconnect('Joining again…', 500);
      return;
    }
    const refusedConnect = this.st.state === 'negotiating' && !this.answered;
    if (refusedConnect && this.withMedia && !FATAL.has(code)) {
      // the plugin could not take our media (e.g. audio/video not available yet): editor only
      this.withMedia = false;
      this.set({ mediaUnavailable: 'Video is not available in this room yet; the shared editor works.' });
      this.scheduleReconnect('Connecting without audio and video', 200);
      return;
    }
    if (refusedConnect) {
      // even a data-channel-only connection was refused: nothing more to try
      this.stopped = true;
      this.teardown(false);
      this.set({ state: 'failed', detail: `The server could not set up the connection: ${message}`, errorCode: code });
      return;
    }
    if (code === 'interview_ended') {
      this.stopped = true;
      this.teardown(false);
      this.set({ state: 'over', overReason: 'ended', detail: message, errorCode: code });
      return;
    }
    if (FATAL.has(code) || this.st.state === 'joining' || this.st.state === 'connecting') {
      this.stopped = true;
      this.teardown(false);
      this.set({ state: 'failed', detail: message, errorCode: code });
      return;
    }
    console.warn('interview: plugin error', code, message);
  }
}
