// The plugin requests and their answers over janus.js (docs/PROTOCOL.md, "Plugin requests"):
// the bodies this client sends with handle.send({message}), and the answers and room events it
// reads (as parsePluginMessage gives them).
import type { Participant } from '../api';

export const PLUGIN = 'janus.plugin.interview';

export type PluginRequest =
  | { request: 'info' }
  | { request: 'join'; interview_id: string; token: string }
  | { request: 'leave' }
  | { request: 'connect' }
  | { request: 'configure'; audio?: boolean; video?: boolean }
  | { request: 'end_interview' };

export type PluginRequestName = PluginRequest['request'];

export interface JoinedAnswer {
  interview: 'joined';
  interview_id: string;
  title: string;
  start: string;
  end: string;
  opens_at: string;
  closes_at?: string;
  server_time?: string;
  you: Participant;
  /** everyone in the room, this participant included */
  participants: Participant[];
  /** the room's limit, observers included; sizes the receive slots (absent: 4) */
  max_participants?: number;
}

export interface ConnectedAnswer {
  interview: 'connected';
  /** which of our media the plugin took (an answer without `published`: nothing) */
  published: { audio: boolean; video: boolean };
}

export interface Publisher {
  participant: Participant;
  /** publishes a microphone / camera at all (the plugin accepted that m-line) */
  audio: boolean;
  video: boolean;
  audio_muted: boolean;
  video_muted: boolean;
}

export interface SlotStream {
  mid: string;
  type: 'audio' | 'video';
  participant_id: string;
}

/** The latest `media` event: the whole state, so it replaces the previous one. */
export interface MediaView {
  publishers: Publisher[];
  streams: SlotStream[];
}

export interface SlowLinkNotice {
  direction: 'uplink' | 'downlink';
  type: 'audio' | 'video';
  bitrateCap?: number;
}

/** Room events (`"interview": "event"`), pushed or answering `leave`, `configure`, `end_interview`. */
export type RoomEvent =
  | { event: 'participant_joined'; participant?: Participant; reason?: string }
  | { event: 'participant_left'; participant?: Participant; reason?: string }
  | { event: 'replaced' }
  | { event: 'kicked'; reason: string }
  | { event: 'disconnected'; reason: string }
  | { event: 'interview_ended'; reason: string }
  | { event: 'interview_over'; reason: string }
  | { event: 'media'; view: MediaView }
  | { event: 'slow_link'; notice: SlowLinkNotice }
  | { event: 'configured' }
  | { event: 'left' }
  | { event: 'ended' };

export type EventAnswer = { interview: 'event' } & RoomEvent;

export interface PluginErrorAnswer {
  interview: 'error';
  error_code?: number;
  /** the error's name (docs/PROTOCOL.md, Errors); 'error' when the plugin gave none */
  error: string;
  /** the human-readable text ('' when none) */
  message: string;
  /** the refused request, when the plugin could read it */
  request?: string;
  /** `too_early`: when the room opens (RFC 3339) */
  opens_at?: string;
}

export type PluginAnswer = JoinedAnswer | ConnectedAnswer | EventAnswer | PluginErrorAnswer;
