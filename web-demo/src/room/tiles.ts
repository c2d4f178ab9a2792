// The media model of the room, as pure functions (unit-tested in test/tiles.test.ts): what the
// offer asks for and which tiles the video panel shows (the `media` event is read in protocol/).
// The plugin's design (docs/PROTOCOL.md, `connect`): one PeerConnection per participant that is
// never renegotiated; the offer carries the microphone and camera plus fixed recvonly "receive
// slots", and the `media` event says which participant each slot (mid) carries right now.
import type { Participant, Role } from '../api';
import type { JanusTrackSpec } from '../janus/types';
import type { MediaView, Publisher, SlowLinkNotice } from '../protocol';

// The `media` and `slow_link` events are read by the protocol module; re-exported for the media side.
export { parseMediaEvent, parseSlowLink } from '../protocol';
export type { MediaView, Publisher, SlotStream, SlowLinkNotice } from '../protocol';

/** `joined` carries the room's limit; older plugins did not, and their default was 4. */
export const DEFAULT_MAX_PARTICIPANTS = 4;
/** The plugin accepts 2..16 participants; more slots than 15 could never be filled. */
const MAX_SLOTS = 15;

/** Receive slots per kind: everyone but oneself. */
export function slotCount(maxParticipants: unknown): number {
  const n = typeof maxParticipants === 'number' && Number.isInteger(maxParticipants) ? maxParticipants : DEFAULT_MAX_PARTICIPANTS;
  return Math.max(1, Math.min(MAX_SLOTS, n - 1));
}

export const mayPublish = (role: Role | undefined) => role === 'applicant' || role === 'recruiter';

/**
 * The janus.js `tracks` for createOffer, after the data channel: the own microphone and camera
 * (sendrecv, which the plugin reads as "publishes"), then the receive slots.
 *
 * Why the slots carry made-up mids: janus.js 1.1 (captureDevices) looks an entry without a mid up
 * as "the first transceiver of this kind". A second `{type:'audio', recv:true}` would find the
 * microphone's transceiver, add nothing and even turn the microphone to recvonly. With a mid that
 * no transceiver has, it takes its "new recvonly track" path: addTransceiver(kind) and then sets
 * the direction to recvonly (nothing to send). The browser assigns the real mids in
 * setLocalDescription; the made-up ones never reach the SDP.
 */
export function offerTracks(opts: {
  mic: MediaStreamTrack | null | undefined;
  cam: MediaStreamTrack | null | undefined;
  publishing: boolean;
  maxParticipants: unknown;
}): JanusTrackSpec[] {
  const tracks: JanusTrackSpec[] = [];
  // The sending entries come first, while no transceiver of their kind exists yet, so janus.js
  // adds them (addTrack) rather than reusing one.
  if (opts.publishing && opts.mic) tracks.push({ type: 'audio', capture: opts.mic, recv: false });
  if (opts.publishing && opts.cam) tracks.push({ type: 'video', capture: opts.cam, recv: false });
  const n = slotCount(opts.maxParticipants);
  for (const type of ['audio', 'video'] as const) {
    for (let i = 1; i <= n; i++) tracks.push({ type, capture: false, recv: true, mid: `slot-${type}-${i}` });
  }
  return tracks;
}

/** mid -> participant id, from the latest `media` event. */
export function midOwners(view: MediaView | null): Map<string, string> {
  const owners = new Map<string, string>();
  for (const s of view?.streams ?? []) owners.set(s.mid, s.participant_id);
  return owners;
}

export type AudioState = 'on' | 'muted' | 'none';
export type VideoState = 'on' | 'off' | 'none';

export interface TileModel {
  participant: Participant;
  /** listed in `publishers` (their PeerConnection is up and sends something) */
  publishing: boolean;
  /** 'none': sends no microphone at all (no device, denied, not connected yet, or no media) */
  audio: AudioState;
  /** 'off': camera switched off; 'none': no camera at all */
  video: VideoState;
  /** the receive slots that carry this participant now (absent: no slot, or nothing to show) */
  audioMid?: string;
  videoMid?: string;
}

/**
 * The other participants' tiles. A tile per publisher of the latest `media` event, plus one (with
 * no media) for every other non-observer in the room who does not publish: someone who joined
 * without camera and microphone, or a room where media is unavailable, still shows who is there.
 * A publisher who left is in neither list, so the tile goes. Order: the room's join order, then
 * publishers the room list does not know yet (the two messages can cross).
 */
export function buildTiles(others: Participant[], view: MediaView | null, selfId?: string): TileModel[] {
  const pubs = new Map<string, Publisher>();
  for (const p of view?.publishers ?? []) if (p.participant.id !== selfId) pubs.set(p.participant.id, p);
  const ordered: Participant[] = [];
  const listed = new Set<string>();
  for (const o of others) {
    if (o.id === selfId || listed.has(o.id)) continue;
    const pub = pubs.get(o.id);
    if (o.role === 'observer' && !pub) continue;
    ordered.push(pub?.participant ?? o);
    listed.add(o.id);
  }
  for (const [id, pub] of pubs) if (!listed.has(id)) ordered.push(pub.participant);

  return ordered.map((participant) => {
    const pub = pubs.get(participant.id);
    const tile: TileModel = {
      participant,
      publishing: Boolean(pub),
      audio: pub?.audio ? (pub.audio_muted ? 'muted' : 'on') : 'none',
      video: pub?.video ? (pub.video_muted ? 'off' : 'on') : 'none',
    };
    if (pub) {
      // the first slot of each kind that the plugin says carries this participant
      for (const s of view?.streams ?? []) {
        if (s.participant_id !== participant.id) continue;
        if (s.type === 'audio' && pub.audio && tile.audioMid === undefined) tile.audioMid = s.mid;
        if (s.type === 'video' && pub.video && tile.videoMid === undefined) tile.videoMid = s.mid;
      }
    }
    return tile;
  });
}

/**
 * The key of the media element that plays a slot for a participant. A slot (mid) keeps its track
 * for the PeerConnection's life but may carry someone else later: keying the element by both
 * gives the new owner a fresh element instead of one that still shows the previous person's
 * last frame (and the previous owner's tile, if it stays, no longer plays that slot).
 */
export const elementKey = (participantId: string, mid: string) => `${participantId}|${mid}`;

/** One line for the video panel; says what the user can do about it. */
export function slowLinkText(n: SlowLinkNotice): string {
  if (n.direction === 'uplink') {
    const cap = n.bitrateCap ? ` (now about ${Math.round(n.bitrateCap / 1000)} kbit/s)` : '';
    return `Your upload is struggling: your video quality was lowered${cap}.`;
  }
  if (n.bitrateCap) {
    // The plugin lowered the sender's bitrate to what this participant's connection can take.
    return `Your download is struggling: the video you receive was lowered to about ${Math.round(n.bitrateCap / 1000)} kbit/s.`;
  }
  return `Your download is struggling: others' ${n.type} may stutter.`;
}
