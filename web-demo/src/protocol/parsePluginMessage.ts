// The parser for the plugin's answers and events as janus.js hands them over (onmessage's
// `msg`): a typed PluginAnswer, or null for what this client does not act on. It is as lenient
// as the room always was with fields it only shows (a missing title reads as ''), and strict where
// a wrong value would break the room (a `joined` without `you`).
import type { Participant } from '../api';
import type { MediaView, PluginAnswer, Publisher, RoomEvent, SlotStream, SlowLinkNotice } from './pluginApi';
import { isObj, readParticipant } from './read';

/** Reads a `media` event; malformed entries are dropped rather than breaking the whole panel. */
export function parseMediaEvent(msg: Record<string, unknown>): MediaView {
  const publishers: Publisher[] = [];
  const seen = new Set<string>();
  for (const p of Array.isArray(msg.publishers) ? msg.publishers : []) {
    if (!isObj(p)) continue;
    const participant = readParticipant(p.participant);
    if (!participant || seen.has(participant.id)) continue;
    seen.add(participant.id);
    publishers.push({
      participant,
      audio: p.audio !== false,
      video: p.video !== false,
      audio_muted: p.audio_muted === true,
      video_muted: p.video_muted === true,
    });
  }
  const streams: SlotStream[] = [];
  for (const s of Array.isArray(msg.streams) ? msg.streams : []) {
    if (!isObj(s) || typeof s.participant_id !== 'string' || !s.participant_id) continue;
    if (typeof s.mid !== 'string' && typeof s.mid !== 'number') continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    streams.push({ mid: String(s.mid), type: s.type, participant_id: s.participant_id });
  }
  return { publishers, streams };
}

export function parseSlowLink(msg: Record<string, unknown>): SlowLinkNotice {
  return {
    direction: msg.direction === 'downlink' ? 'downlink' : 'uplink',
    type: msg.type === 'audio' ? 'audio' : 'video',
    bitrateCap: typeof msg.bitrate_cap === 'number' && msg.bitrate_cap > 0 ? msg.bitrate_cap : undefined,
  };
}

const text = (v: unknown, fallback: string): string => String(v ?? fallback);

function readEvent(msg: Record<string, unknown>): RoomEvent | null {
  const participant = readParticipant(msg.participant) ?? undefined;
  const reason = typeof msg.reason === 'string' ? msg.reason : undefined;
  switch (msg.event) {
    case 'participant_joined':
    case 'participant_left':
      return { event: msg.event, participant, reason };
    case 'replaced':
    case 'configured':
    case 'left':
    case 'ended':
      return { event: msg.event };
    case 'kicked':
    case 'disconnected':
      return { event: msg.event, reason: text(msg.reason, '') };
    case 'interview_ended':
    case 'interview_over':
      return { event: msg.event, reason: text(msg.reason, 'ended') };
    case 'media':
      return { event: 'media', view: parseMediaEvent(msg) };
    case 'slow_link':
      return { event: 'slow_link', notice: parseSlowLink(msg) };
    default:
      return null;
  }
}

/** Reads one answer or event of the plugin; null when it is nothing this client acts on. */
export function parsePluginMessage(msg: Record<string, unknown>): PluginAnswer | null {
  switch (msg.interview) {
    case 'joined': {
      const you = readParticipant(msg.you);
      if (!you) return null;
      const participants = (Array.isArray(msg.participants) ? msg.participants : [])
        .map(readParticipant)
        .filter((p): p is Participant => p !== null);
      return {
        interview: 'joined',
        interview_id: String(msg.interview_id),
        title: text(msg.title, ''),
        start: String(msg.start),
        end: String(msg.end),
        opens_at: String(msg.opens_at),
        closes_at: msg.closes_at ? String(msg.closes_at) : undefined,
        server_time: msg.server_time ? String(msg.server_time) : undefined,
        you,
        participants,
        max_participants: typeof msg.max_participants === 'number' ? msg.max_participants : undefined,
      };
    }
    case 'connected': {
      const pub = isObj(msg.published) ? msg.published : {};
      return { interview: 'connected', published: { audio: pub.audio === true, video: pub.video === true } };
    }
    case 'event': {
      const ev = readEvent(msg);
      return ev ? { interview: 'event', ...ev } : null;
    }
    case 'error':
      return {
        interview: 'error',
        error_code: typeof msg.error_code === 'number' ? msg.error_code : undefined,
        error: text(msg.error, 'error'),
        message: text(msg.message ?? msg.error, ''),
        request: typeof msg.request === 'string' ? msg.request : undefined,
        opens_at: msg.opens_at === undefined ? undefined : String(msg.opens_at),
      };
    default:
      return null;
  }
}
