import { describe, expect, it } from 'vitest';
import type { Participant } from '../src/api';
import {
  buildTiles, elementKey, midOwners, offerTracks, parseMediaEvent, parseSlowLink, slotCount, slowLinkText, type MediaView,
} from '../src/room/tiles';

const ada: Participant = { id: 'p_ada', name: 'Ada Applicant', role: 'applicant' };
const rita: Participant = { id: 'p_rita', name: 'Rita Recruiter', role: 'recruiter' };
const rob: Participant = { id: 'p_rob', name: 'Rob Recruiter', role: 'recruiter' };
const olga: Participant = { id: 'p_olga', name: 'Olga Observer', role: 'observer' };

const pub = (participant: Participant, extra: Record<string, unknown> = {}) => ({
  participant, audio: true, video: true, audio_muted: false, video_muted: false, ...extra,
});

describe('receive slots and the offer', () => {
  it('offers max_participants - 1 slots of each kind, 4 participants when joined did not say', () => {
    expect(slotCount(4)).toBe(3);
    expect(slotCount(2)).toBe(1);
    expect(slotCount(undefined)).toBe(3);
    expect(slotCount('6')).toBe(3);
    expect(slotCount(1)).toBe(1);
    expect(slotCount(1000)).toBe(15);
  });

  it('a publisher sends microphone and camera first, then recvonly slots with distinct made-up mids', () => {
    const mic = { kind: 'audio' } as MediaStreamTrack;
    const cam = { kind: 'video' } as MediaStreamTrack;
    const t = offerTracks({ mic, cam, publishing: true, maxParticipants: 4 });
    expect(t.slice(0, 2)).toEqual([
      { type: 'audio', capture: mic, recv: false },
      { type: 'video', capture: cam, recv: false },
    ]);
    const slots = t.slice(2);
    expect(slots.filter((s) => s.type === 'audio')).toHaveLength(3);
    expect(slots.filter((s) => s.type === 'video')).toHaveLength(3);
    for (const s of slots) expect(s).toMatchObject({ capture: false, recv: true });
    // janus.js adds a transceiver only for an entry whose mid matches none: every slot needs its own
    expect(new Set(slots.map((s) => s.mid)).size).toBe(6);
    expect(slots.every((s) => typeof s.mid === 'string' && s.mid.startsWith('slot-'))).toBe(true);
  });

  it('observers and publishers without devices send nothing but still get every slot', () => {
    const mic = { kind: 'audio' } as MediaStreamTrack;
    const observer = offerTracks({ mic, cam: mic, publishing: false, maxParticipants: 3 });
    expect(observer.every((s) => s.capture === false && s.recv === true)).toBe(true);
    expect(observer).toHaveLength(4);
    const audioOnly = offerTracks({ mic, cam: null, publishing: true, maxParticipants: 2 });
    expect(audioOnly.map((s) => [s.type, s.capture === false ? 'slot' : 'send'])).toEqual([
      ['audio', 'send'],
      ['audio', 'slot'],
      ['video', 'slot'],
    ]);
  });
});

describe('the media event', () => {
  it('reads publishers and streams, dropping malformed entries', () => {
    const v = parseMediaEvent({
      event: 'media',
      publishers: [pub(rita, { video_muted: true }), { participant: { name: 'no id' } }, 'junk', pub(rita)],
      streams: [
        { mid: '2', type: 'audio', participant_id: 'p_rita' },
        { mid: 3, type: 'video', participant_id: 'p_rita' },
        { mid: '4', type: 'data', participant_id: 'p_rita' },
        { mid: '5', type: 'video' },
        null,
      ],
    });
    expect(v.publishers).toEqual([pub(rita, { video_muted: true })]);
    expect(v.streams).toEqual([
      { mid: '2', type: 'audio', participant_id: 'p_rita' },
      { mid: '3', type: 'video', participant_id: 'p_rita' },
    ]);
    expect(midOwners(v)).toEqual(new Map([['2', 'p_rita'], ['3', 'p_rita']]));
  });

  it('an event without lists is an empty room, not an error', () => {
    expect(parseMediaEvent({ event: 'media' })).toEqual({ publishers: [], streams: [] });
    expect(midOwners(null).size).toBe(0);
  });
});

describe('tiles', () => {
  const view = (publishers: ReturnType<typeof pub>[], streams: [string, 'audio' | 'video', string][]): MediaView =>
    parseMediaEvent({ publishers, streams: streams.map(([mid, type, participant_id]) => ({ mid, type, participant_id })) });

  it('maps each slot to its publisher, with mute flags', () => {
    const v = view([pub(rita, { audio_muted: true }), pub(rob, { video_muted: true })], [
      ['2', 'audio', 'p_rita'], ['5', 'video', 'p_rita'], ['3', 'audio', 'p_rob'], ['6', 'video', 'p_rob'],
    ]);
    const tiles = buildTiles([rita, rob], v, ada.id);
    expect(tiles.map((t) => [t.participant.name, t.audio, t.video, t.audioMid, t.videoMid])).toEqual([
      ['Rita Recruiter', 'muted', 'on', '2', '5'],
      ['Rob Recruiter', 'on', 'off', '3', '6'],
    ]);
  });

  it('a publisher who left (not in publishers, not in the room) has no tile any more', () => {
    const before = buildTiles([rita, rob], view([pub(rita), pub(rob)], [['2', 'audio', 'p_rita'], ['3', 'audio', 'p_rob']]), ada.id);
    expect(before).toHaveLength(2);
    const after = buildTiles([rita], view([pub(rita)], [['2', 'audio', 'p_rita']]), ada.id);
    expect(after.map((t) => t.participant.id)).toEqual(['p_rita']);
  });

  it('a slot that changes hands follows the new owner, with a new element key', () => {
    const first = buildTiles([rita, rob], view([pub(rita), pub(rob)], [['3', 'video', 'p_rita']]), ada.id);
    expect(first.find((t) => t.participant.id === 'p_rita')!.videoMid).toBe('3');
    expect(first.find((t) => t.participant.id === 'p_rob')!.videoMid).toBeUndefined();
    const next = buildTiles([rob], view([pub(rob)], [['3', 'video', 'p_rob']]), ada.id);
    expect(next).toHaveLength(1);
    expect(next[0].videoMid).toBe('3');
    expect(elementKey('p_rob', '3')).not.toBe(elementKey('p_rita', '3'));
  });

  it('no slot for a kind the publisher does not send, even if a stream names it', () => {
    const v = view([pub(rita, { video: false })], [['2', 'audio', 'p_rita'], ['3', 'video', 'p_rita']]);
    const [t] = buildTiles([rita], v, ada.id);
    expect([t.audio, t.video, t.audioMid, t.videoMid]).toEqual(['on', 'none', '2', undefined]);
  });

  it('the first slot of a kind wins when two name the same publisher', () => {
    const [t] = buildTiles([rita], view([pub(rita)], [['4', 'video', 'p_rita'], ['6', 'video', 'p_rita']]), ada.id);
    expect(t.videoMid).toBe('4');
  });

  it('room members without media keep an avatar tile; observers and oneself get none', () => {
    const tiles = buildTiles([rita, olga, ada], null, ada.id);
    expect(tiles.map((t) => [t.participant.id, t.publishing, t.audio, t.video])).toEqual([['p_rita', false, 'none', 'none']]);
  });

  it('a publisher the room list does not know yet still gets a tile, after the known ones', () => {
    const tiles = buildTiles([rob], view([pub(rita), pub(rob)], []), ada.id);
    expect(tiles.map((t) => t.participant.id)).toEqual(['p_rob', 'p_rita']);
  });

  it('a stream for someone not publishing is ignored', () => {
    const [t] = buildTiles([rita], view([], [['2', 'audio', 'p_rita']]), ada.id);
    expect(t.audioMid).toBeUndefined();
  });
});

describe('slow link', () => {
  it('reads the event and says it plainly', () => {
    const up = parseSlowLink({ direction: 'uplink', type: 'video', bitrate_cap: 500000 });
    expect(up).toEqual({ direction: 'uplink', type: 'video', bitrateCap: 500000 });
    expect(slowLinkText(up)).toContain('500 kbit/s');
    const down = parseSlowLink({ direction: 'downlink', type: 'audio' });
    expect(down.bitrateCap).toBeUndefined();
    expect(slowLinkText(down)).toMatch(/download/);
    const lowered = parseSlowLink({ direction: 'downlink', type: 'video', bitrate_cap: 250000, participant_id: 'p_ada' });
    expect(lowered.bitrateCap).toBe(250000);
    expect(slowLinkText(lowered)).toMatch(/download.*lowered to about 250 kbit\/s/);
  });
});
