// One attempt to be in the room through Janus: a janus.js session, the plugin handle on it, and
// its callbacks passed on to RoomConnection. Once closed (left, torn down for a reconnect) the
// attempt drops every callback that still arrives, so an old PeerConnection can never act on the
// room. Sends only the typed plugin requests of the protocol module.
import type { JanusJsep, JanusPluginHandle, JanusSession, JanusStatic, JanusTrackSpec } from '../janus/types';
import { DATA_CHANNEL_LABEL, PLUGIN, type PluginRequest } from '../protocol';

/** What an attempt reports (only while it is the live one). */
export interface AttemptEvents {
  /** the plugin handle is attached: time to join */
  attached(handle: JanusPluginHandle): void;
  /** the session or the attach failed: `detail` says which */
  failed(detail: string): void;
  message(msg: Record<string, unknown>, jsep?: JanusJsep): void;
  remoteTrack(track: MediaStreamTrack, mid: string, on: boolean): void;
  /** the `interview` data channel opened */
  dataOpen(): void;
  /** a text message on the `interview` data channel */
  data(text: string): void;
  ice(state: RTCIceConnectionState): void;
  webrtc(up: boolean, reason?: string): void;
  /** janus.js cleaned the PeerConnection up */
  cleanup(): void;
}

export class JanusAttempt {
  private live = true;
  private readonly janus: JanusSession;
  handle: JanusPluginHandle | null = null;

  constructor(
    Janus: JanusStatic,
    o: { server: string; iceServers: RTCIceServer[]; interviewId: string },
    private readonly ev: AttemptEvents,
  ) {
    const janus: JanusSession = new Janus({
      server: o.server,
      iceServers: o.iceServers,
      success: () => {
        if (this.live) this.attach(janus, o.interviewId);
      },
      error: (e) => {
        if (this.live) ev.failed(`Lost the connection to the media server (${String(e)})`);
      },
    });
    this.janus = janus;
  }

  /** Replaced by a newer attempt without being closed: its callbacks are dropped from now on. */
  abandon(): void {
    this.live = false;
  }

  send(message: PluginRequest, jsep?: JanusJsep, error?: (e: unknown) => void): void {
    this.handle?.send(jsep ? { message, jsep } : error ? { message, error } : { message });
  }

  /** createOffer on the handle; the answers are dropped once the attempt is closed. */
  offer(tracks: JanusTrackSpec[], success: (jsep: JanusJsep) => void, error: (e: unknown) => void): void {
    this.handle?.createOffer({
      tracks,
      success: (jsep) => {
        if (this.live) success(jsep);
      },
      error: (e) => {
        if (this.live) error(e);
      },
    });
  }

  /** Ends the attempt: `leave` first when asked, then hang up and destroy the session. */
  close(sendLeave: boolean): void {
    this.live = false;
    const h = this.handle;
    this.handle = null;
    try {
      if (h && sendLeave) h.send({ message: { request: 'leave' } satisfies PluginRequest });
      h?.hangup(false);
    } catch {
      /* ignore */
    }
    try {
      this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
    } catch {
      /* ignore */
    }
  }

  private attach(janus: JanusSession, interviewId: string): void {
    const ev = this.ev;
    janus.attach({
      plugin: PLUGIN,
      opaqueId: `interview-${interviewId}`,
      success: (h) => {
        if (!this.live) return;
        this.handle = h;
        ev.attached(h);
      },
      error: (e) => {
        if (this.live) ev.failed(`The interview plugin is not available (${String(e)})`);
      },
      onmessage: (msg, jsep) => {
        if (this.live) ev.message(msg, jsep);
      },
      onremotetrack: (track, mid, on) => {
        if (this.live) ev.remoteTrack(track, mid, on);
      },
      ondataopen: (label) => {
        if (this.live && label === DATA_CHANNEL_LABEL) ev.dataOpen();
      },
      ondata: (data, label) => {
        if (this.live && (!label || label === DATA_CHANNEL_LABEL)) ev.data(data);
      },
      iceState: (s) => {
        if (this.live) ev.ice(s);
      },
      webrtcState: (up, reason) => {
        if (this.live) ev.webrtc(up, reason);
      },
      oncleanup: () => {
        if (this.live) ev.cleanup();
      },
    });
  }
}
