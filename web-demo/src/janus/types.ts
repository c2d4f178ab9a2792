// The part of janus.js 1.1's API this app uses.
export interface JanusJsep {
  type: string;
  sdp: string;
}
export interface JanusTrackSpec {
  type: 'audio' | 'video' | 'data';
  capture?: boolean | MediaStreamTrack | MediaTrackConstraints;
  recv?: boolean;
  mid?: string;
}
export interface JanusPluginHandle {
  getId(): number;
  send(o: { message: object; jsep?: JanusJsep; success?: (r: unknown) => void; error?: (e: unknown) => void }): void;
  createOffer(o: { tracks: JanusTrackSpec[]; success: (jsep: JanusJsep) => void; error: (e: unknown) => void; iceRestart?: boolean }): void;
  handleRemoteJsep(o: { jsep: JanusJsep; success?: () => void; error?: (e: unknown) => void }): void;
  data(o: { text: string; label?: string; success?: () => void; error?: (e: unknown) => void }): void;
  hangup(sendRequest?: boolean): void;
  detach(o?: { success?: () => void; error?: (e: unknown) => void }): void;
  webrtcStuff?: { pc?: RTCPeerConnection; dataChannel?: Record<string, RTCDataChannel> };
}
export interface JanusSession {
  getId(): number;
  attach(o: {
    plugin: string;
    opaqueId?: string;
    success: (h: JanusPluginHandle) => void;
    error: (e: unknown) => void;
    onmessage?: (msg: Record<string, unknown>, jsep?: JanusJsep) => void;
    onlocaltrack?: (track: MediaStreamTrack, on: boolean) => void;
    onremotetrack?: (track: MediaStreamTrack, mid: string, on: boolean, metadata?: unknown) => void;
    ondataopen?: (label: string, protocol?: string) => void;
    ondata?: (data: string, label: string) => void;
    iceState?: (state: RTCIceConnectionState) => void;
    webrtcState?: (up: boolean, reason?: string) => void;
    slowLink?: (uplink: boolean, lost: number, mid: string) => void;
    oncleanup?: () => void;
    detached?: () => void;
  }): void;
  destroy(o?: { success?: () => void; error?: (e: unknown) => void; cleanupHandles?: boolean; notifyDestroyed?: boolean }): void;
  isConnected(): boolean;
}
export interface JanusStatic {
  new (o: {
    server: string | string[];
    iceServers?: RTCIceServer[];
    success: () => void;
    error: (e: unknown) => void;
    destroyed?: () => void;
  }): JanusSession;
  init(o: { debug?: boolean | string[]; dependencies?: unknown; callback?: () => void }): void;
  useDefaultDependencies(deps?: { adapter?: unknown }): unknown;
  isWebrtcSupported(): boolean;
  dataChanDefaultLabel: string;
}
