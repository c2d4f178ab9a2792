// RoomConnection against a fake janus.js: what it offers, how it reads `connected`, `media`,
// `slow_link` and `kicked`, and that mute signalling (`configure`) is sent, repeated after a
// reconnect and never mistaken for a refused connect.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { JanusTrackSpec } from '../src/janus/types';
import type { MediaBinding } from '../src/room/connection';
import type { MediaView, SlowLinkNotice } from '../src/room/tiles';

type Callbacks = {
  onmessage: (msg: Record<string, unknown>, jsep?: unknown) => void;
  ondataopen: (label: string) => void;
};
const fake = {
  sent: [] as Record<string, unknown>[],
  offers: [] as JanusTrackSpec[][],
  cb: null as Callbacks | null,
};

vi.mock('../src/janus/loader', () => {
  class FakeJanus {
    static dataChanDefaultLabel = '';
    static isWebrtcSupported = () => true;
    constructor(o: { success: () => void }) {
      queueMicrotask(o.success);
    }
    attach(o: Callbacks & { success: (h: unknown) => void }) {
      fake.cb = o;
      o.success({
        send: (m: { message: Record<string, unknown> }) => fake.sent.push(m.message),
        createOffer: (c: { tracks: JanusTrackSpec[]; success: (j: unknown) => void }) => {
          fake.offers.push(c.tracks);
          c.success({ type: 'offer', sdp: 'v=0' });
        },
        handleRemoteJsep: () => undefined,
        data: () => undefined,
        hangup: () => undefined,
      });
    }
    destroy() {}
  }
  return { loadJanus: async () => FakeJanus };
});

const { RoomConnection } = await import('../src/room/connection');

function binding() {
  const got = { media: [] as MediaView[], slow: [] as SlowLinkNotice[], published: [] as unknown[], maxParticipants: [] as unknown[] };
  const b: MediaBinding = {
    offerTracks: (n) => {
      got.maxParticipants.push(n);
      return [{ type: 'audio', capture: false, recv: true, mid: 'slot-audio-1' }];
    },
    onRemoteTrack: () => undefined,
    onConnected: (p) => got.published.push(p),
    onMedia: (v) => got.media.push(v),
    onSlowLink: (n) => got.slow.push(n),
    onHangup: () => undefined,
  };
  return { b, got };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const joined = (extra: Record<string, unknown> = {}) => ({
  interview: 'joined', interview_id: 'iv', title: 't', start: 's', end: 'e', opens_at: 'o',
  you: { id: 'p_me', name: 'Me', role: 'applicant' }, participants: [], ...extra,
});

async function connected(sending: { audio: boolean; video: boolean }, published: { audio: boolean; video: boolean } | null = { audio: true, video: true }) {
  const { b, got } = binding();
  const c = new RoomConnection('ws://x', 'iv', 'token-token-token', b, { media: true, sending: () => sending });
  await c.start();
  await flush();
  fake.cb!.onmessage(joined({ max_participants: 3 }));
  fake.cb!.onmessage({ interview: 'connected', ...(published ? { published } : {}) }, { type: 'answer', sdp: 'v=0' });
  fake.cb!.ondataopen('interview');
  return { c, got };
}

beforeEach(() => {
  fake.sent = [];
  fake.offers = [];
  fake.cb = null;
});

describe('RoomConnection media', () => {
  it('offers the data channel plus the binding tracks, sized by joined.max_participants', async () => {
    const { c, got } = await connected({ audio: true, video: true });
    expect(got.maxParticipants).toEqual([3]);
    expect(fake.offers[0][0]).toEqual({ type: 'data' });
    expect(fake.offers[0]).toHaveLength(2);
    expect(fake.sent.map((m) => m.request)).toEqual(['join', 'connect']);
    expect(got.published).toEqual([{ audio: true, video: true }]);
    expect(c.st.state).toBe('connected');
  });

  it('a plugin answer without `published` means nothing was taken, and configure then sends nothing', async () => {
    const { c, got } = await connected({ audio: false, video: true }, null);
    expect(got.published).toEqual([{ audio: false, video: false }]);
    expect(c.configure({ audio: false, video: false })).toBe(false);
    expect(fake.sent.some((m) => m.request === 'configure')).toBe(false);
  });

  it('toggles send configure with the kinds the plugin took', async () => {
    const { c } = await connected({ audio: true, video: true }, { audio: true, video: false });
    expect(fake.sent.some((m) => m.request === 'configure')).toBe(false);
    expect(c.configure({ audio: false, video: false })).toBe(true);
    expect(fake.sent.at(-1)).toEqual({ request: 'configure', audio: false });
  });

  it('after (re)connecting, a muted state is told to the plugin at once', async () => {
    await connected({ audio: false, video: true });
    expect(fake.sent.at(-1)).toEqual({ request: 'configure', audio: false, video: true });
  });

  it('a refused configure does not end the room', async () => {
    const { c } = await connected({ audio: true, video: true });
    c.configure({ audio: false, video: true });
    fake.cb!.onmessage({ interview: 'error', error: 'invalid_field', message: 'audio must be a boolean', request: 'configure' });
    expect(c.st.state).toBe('connected');
  });

  it('passes media and slow_link events to the media side', async () => {
    const { got } = await connected({ audio: true, video: true });
    fake.cb!.onmessage({
      interview: 'event', event: 'media',
      publishers: [{ participant: { id: 'p_r', name: 'Rita', role: 'recruiter' }, audio: true, video: true, audio_muted: true, video_muted: false }],
      streams: [{ mid: '2', type: 'audio', participant_id: 'p_r' }],
    });
    fake.cb!.onmessage({ interview: 'event', event: 'slow_link', direction: 'uplink', type: 'video', bitrate_cap: 250000 });
    expect(got.media[0].publishers[0].audio_muted).toBe(true);
    expect(got.media[0].streams).toEqual([{ mid: '2', type: 'audio', participant_id: 'p_r' }]);
    expect(got.slow).toEqual([{ direction: 'uplink', type: 'video', bitrateCap: 250000 }]);
  });

  it('a `kicked` event ends the room for good and says why, without reconnecting', async () => {
    const { c } = await connected({ audio: true, video: true });
    fake.cb!.onmessage({ interview: 'event', event: 'kicked', reason: 'token_revoked', participant: { id: 'p_me', name: 'Me', role: 'applicant' } });
    expect(c.st.state).toBe('removed');
    expect(c.st.detail).toBe('Your access to this interview was revoked.');
    const sentBefore = fake.sent.length;
    fake.cb!.onmessage({ interview: 'event', event: 'participant_left', participant: { id: 'p_r', name: 'R', role: 'recruiter' } });
    await flush();
    expect(c.st.state).toBe('removed');
    expect(fake.sent.length).toBe(sentBefore);  // no join again
  });

  it('tells when a participant rejoined from another browser (seatMoved), not on a first join', async () => {
    const { c } = await connected({ audio: true, video: true });
    const ada = { id: 'p_a', name: 'Ada', role: 'applicant' as const };
    fake.cb!.onmessage({ interview: 'event', event: 'participant_joined', participant: ada });
    expect(c.st.seatMoved).toBeUndefined();
    fake.cb!.onmessage({ interview: 'event', event: 'participant_joined', participant: ada, reason: 'rejoined' });
    expect(c.st.seatMoved).toEqual(ada);
    expect(c.st.participants.filter((p) => p.id === 'p_a')).toHaveLength(1);
  });

  it('names a replaced link and an unknown reason plainly', async () => {
    const first = await connected({ audio: true, video: true });
    fake.cb!.onmessage({ interview: 'event', event: 'kicked', reason: 'invalid_token' });
    expect(first.c.st.detail).toMatch(/new one was issued/);
    const second = await connected({ audio: true, video: true });
    fake.cb!.onmessage({ interview: 'event', event: 'kicked', reason: 'something_new' });
    expect(second.c.st.state).toBe('removed');
    expect(second.c.st.detail).toBe('You were removed from this interview.');
  });
});
