// The room's connection to Janus: one JanusAttempt at a time (session, plugin handle, join,
// PeerConnection with the data channel and useRoomMedia's tracks), automatic reconnect with
// backoff, the plugin's answers and room events turned into RoomState, mute signalling
// (`configure`) and `end_interview` (roomControls.ts). The editor's DocChannel is `channel` (dataChannel.ts); what
// to do on a refused request is decided in pluginErrors.ts.
import { loadJanus } from '../janus/loader';
import type { JanusJsep, JanusStatic, JanusTrackSpec } from '../janus/types';
import { DATA_CHANNEL_LABEL, parsePluginMessage, type EventAnswer, type PluginErrorAnswer } from '../protocol';
import { DataChannelAdapter } from './dataChannel';
import { JanusAttempt } from './janusAttempt';
import type { MediaBinding } from './mediaBinding';
import { decidePluginError } from './pluginErrors';
import { RoomControls } from './roomControls';
import { FINAL_STATES, RoomStateStore, type RoomState } from './roomState';

export type { MediaBinding } from './mediaBinding';
export type { ConnState, JoinedInfo, RoomState } from './roomState';

/** Why the plugin took this participant out of the room (`kicked`), as the person reads it. */
export const REMOVED_TEXT: Record<string, string> = {
  token_revoked: 'Your access to this interview was revoked.',
  invalid_token: 'This link is no longer valid: a new one was issued. Ask the recruiter for it.',
  token_other_interview: 'This link belongs to another interview.',
  kicked_by_admin: 'An operator removed you from this interview.',
};

export interface ConnectionOptions {
  media: boolean;
  iceServers?: RTCIceServer[];
  serverNow?: () => number;
  /** what to send after (re)connecting: mutes survive a reconnect */
  sending?: () => { audio: boolean; video: boolean };
}

export class RoomConnection {
  /** the editor's channel: the `interview` data channel of the current attempt */
  readonly channel = new DataChannelAdapter();
  private Janus: JanusStatic | null = null;
  private attempt: JanusAttempt | null = null;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private iceTimer: ReturnType<typeof setTimeout> | null = null;
  private withMedia: boolean;
  private readonly store = new RoomStateStore();
  private readonly controls = new RoomControls();

  constructor(
    private readonly janusUrl: string,
    private readonly interviewId: string,
    private readonly token: string,
    private readonly media: MediaBinding,
    private readonly opts: ConnectionOptions = { media: true },
  ) {
    this.withMedia = opts.media;
    // first listener, so that the room state has changed before the editor reads the message
    this.channel.onMessage((m) => {
      if (m.type === 'paused') this.set({ paused: true });
      else if (m.type === 'resumed') this.set({ paused: false });
      else if (m.type === 'read_only') this.set({ overReason: this.st.overReason ?? m.reason ?? 'ended' });
    });
  }

  // ---- state
  get st(): RoomState {
    return this.store.st;
  }
  subscribe(cb: (s: RoomState) => void): () => void {
    return this.store.subscribe(cb);
  }
  private set(patch: Partial<RoomState>): void {
    this.store.set(patch);
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
    return this.controls.endInterview(this.attempt);
  }

  /** Mute / unmute (roomControls.ts); false when there is nothing to tell the plugin yet. */
  configure(sending: { audio: boolean; video: boolean }): boolean {
    return this.controls.configure(this.attempt, sending);
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.reconnectTimer = null;
    this.iceTimer = null;
  }

  private teardown(sendLeave: boolean): void {
    this.controls.reset();
    this.channel.closed();
    this.media.onHangup();
    const a = this.attempt;
    this.attempt = null;
    a?.close(sendLeave);
  }

  private scheduleReconnect(detail: string, delayMs?: number): void {
    if (this.stopped || FINAL_STATES.includes(this.st.state)) return;
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
    this.attempt?.abandon();
    if (this.st.state !== 'reconnecting' && this.st.state !== 'waiting') this.set({ state: 'connecting' });
    const a: JanusAttempt = new JanusAttempt(this.Janus, { server: this.janusUrl, iceServers: this.opts.iceServers ?? [], interviewId: this.interviewId }, {
      attached: () => {
        if (this.st.state === 'connecting') this.set({ state: 'joining' });
        a.send({ request: 'join', interview_id: this.interviewId, token: this.token });
      },
      failed: (detail) => this.scheduleReconnect(detail),
      message: (msg, jsep) => this.onPluginMessage(a, msg, jsep),
      remoteTrack: (track, mid, on) => this.media.onRemoteTrack(track, mid, on),
      dataOpen: () => {
        this.set({ state: 'connected', detail: undefined, attempt: 0 });
        if (a.handle) this.channel.opened(a.handle);
      },
      data: (text) => this.channel.received(text),
      ice: (s) => {
        if (s === 'failed') this.scheduleReconnect('The network connection failed');
        else if (s === 'disconnected') {
          // often recovers by itself within a few seconds
          if (!this.iceTimer) this.iceTimer = setTimeout(() => this.scheduleReconnect('The network connection was interrupted'), 5000);
        } else if (s === 'connected' || s === 'completed') {
          if (this.iceTimer) clearTimeout(this.iceTimer);
          this.iceTimer = null;
        }
      },
      webrtc: (up, reason) => {
        if (!up) this.scheduleReconnect(`The connection closed${reason ? ` (${reason})` : ''}`);
      },
      cleanup: () => {
        this.channel.closed();
        this.media.onHangup();
        if (this.st.state === 'connected') this.scheduleReconnect('The connection closed');
      },
    });
    this.attempt = a;
  }

  private negotiate(a: JanusAttempt): void {
    if (!a.handle || !this.Janus) return;
    this.set({ state: 'negotiating' });
    this.Janus.dataChanDefaultLabel = DATA_CHANNEL_LABEL;
    const tracks: JanusTrackSpec[] = [{ type: 'data' }, ...(this.withMedia ? this.media.offerTracks(this.st.joined?.max_participants) : [])];
    a.offer(
      tracks,
      (jsep) => a.send({ request: 'connect' }, jsep),
      (e) => {
        if (this.withMedia) {
          this.withMedia = false;
          this.set({ mediaUnavailable: `Camera and microphone could not be used (${String(e)}); continuing with the editor only.` });
          this.scheduleReconnect('Retrying without audio and video', 200);
        } else {
          this.set({ state: 'failed', detail: `Could not set up the connection: ${String(e)}`, errorCode: 'webrtc' });
        }
      },
    );
  }

  private onPluginMessage(a: JanusAttempt, raw: Record<string, unknown>, jsep?: JanusJsep): void {
    if (jsep && a.handle) {
      a.handle.handleRemoteJsep({ jsep, error: (e) => this.scheduleReconnect(`Bad answer from the server (${String(e)})`) });
    }
    const msg = parsePluginMessage(raw);
    if (!msg) return;
    switch (msg.interview) {
      case 'joined': {
        const { interview: _kind, participants, ...joined } = msg;
        this.set({ joined, participants: participants.filter((p) => p.id !== msg.you.id), errorCode: undefined });
        this.negotiate(a);
        return;
      }
      case 'connected': {
        this.controls.connected(msg.published);
        const published = this.controls.published;
        this.media.onConnected(published);
        // a new PeerConnection starts unmuted on the plugin's side: repeat the toggles' state
        const sending = this.opts.sending?.();
        if (sending && ((published.audio && !sending.audio) || (published.video && !sending.video))) this.configure(sending);
        return;
      }
      case 'event':
        this.onEvent(msg);
        return;
      case 'error':
        this.onPluginError(msg);
        return;
    }
  }

  private onEvent(ev: EventAnswer): void {
    switch (ev.event) {
      case 'participant_joined': {
        const p = ev.participant;
        if (p && p.id !== this.st.joined?.you.id) {
          // `rejoined`: the same participant from another browser or tab took the seat over (a
          // forwarded link, say); the room says so rather than letting it pass unseen.
          this.set({ participants: [...this.st.participants.filter((x) => x.id !== p.id), p], ...(ev.reason === 'rejoined' ? { seatMoved: p } : {}) });
        }
        return;
      }
      case 'participant_left': {
        const p = ev.participant;
        if (p) this.set({ participants: this.st.participants.filter((x) => x.id !== p.id) });
        return;
      }
      case 'replaced':
        this.stopped = true;
        this.teardown(false);
        this.set({ state: 'replaced', detail: 'You joined this interview from another tab or device.' });
        return;
      case 'kicked':
        // Out for good with this link: no reconnecting (it would be refused anyway).
        this.stopped = true;
        this.teardown(false);
        this.set({ state: 'removed', detail: REMOVED_TEXT[ev.reason] ?? 'You were removed from this interview.' });
        return;
      case 'interview_ended':
        // A recruiter (or an operator) ended it: the document is read-only, the room stays open.
        this.set({ overReason: ev.reason });
        return;
      case 'interview_over':
        this.set({ state: 'over', overReason: ev.reason });
        this.stopped = true;
        this.controls.settleEnd();
        // the plugin closes the PeerConnection; keep the editor content as it is
        return;
      case 'media':
        this.media.onMedia(ev.view);
        return;
      case 'slow_link':
        this.media.onSlowLink(ev.notice);
        return;
      case 'ended':
        this.controls.settleEnd();
        return;
      default:
        return;
    }
  }

  private onPluginError(e: PluginErrorAnswer): void {
    const now = this.opts.serverNow ? this.opts.serverNow() : Date.now();
    const d = decidePluginError(e, { state: this.st.state, answered: this.controls.answered, withMedia: this.withMedia, endPending: this.controls.endPending, now });
    switch (d.kind) {
      case 'ignore':
        if (d.warn) console.warn(...d.warn);
        return;
      case 'rejectEnd':
        this.controls.rejectEnd(d.message);
        return;
      case 'reconnect':
        if (d.withoutMedia) this.withMedia = false;
        if (d.patch) this.set(d.patch);
        this.scheduleReconnect(d.detail, d.delayMs);
        return;
      case 'stop':
        this.stopped = true;
        this.teardown(false);
        this.set(d.patch);
        return;
    }
  }
}
