import { describe, expect, it } from 'vitest';
import { iceServersFrom } from '../src/iceServers';

const turn = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
  username: '1764111600:7NOs0cybW_0gnWNR5GNbVQ',
  credential: 'mQ0bm3dW0kT+Ylgm3r1Xo4bSPp8=',
};

describe('iceServersFrom', () => {
  it('adds the TURN servers of /me after the configured ones', () => {
    const stun = { urls: 'stun:stun.example.org:3478' };
    expect(iceServersFrom([stun], [turn])).toEqual([stun, turn]);
    expect(iceServersFrom(undefined, [turn])).toEqual([turn]);
  });
  it('keeps only the configured ones when /me has none', () => {
    expect(iceServersFrom(undefined, undefined)).toEqual([]);
    expect(iceServersFrom([{ urls: 'stun:a' }], undefined)).toEqual([{ urls: 'stun:a' }]);
  });
  it('leaves out malformed entries', () => {
    const bad = [
      null,
      'turn:x',
      { ...turn, urls: [] },
      { ...turn, urls: ['http://turn.example.org'] },
      { ...turn, urls: ['turn:user:pw@turn.example.org'] },
      { ...turn, urls: [turn.urls[0], 42] },
      { ...turn, username: undefined },
      { ...turn, credential: 7 },
    ];
    expect(iceServersFrom(undefined, bad)).toEqual([]);
    expect(iceServersFrom(undefined, { urls: 'turn:x' })).toEqual([]);
    expect(iceServersFrom(undefined, [{ ...turn, urls: 'turn:one.example.org' }])).toEqual([
      { ...turn, urls: ['turn:one.example.org'] },
    ]);
  });
});
