// The contract between RoomConnection and the media side of the room (useRoomMedia): what the
// offer carries, and what the connection passes on from the plugin and janus.js.
import type { JanusTrackSpec } from '../janus/types';
import type { MediaView, SlowLinkNotice } from '../protocol';

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
