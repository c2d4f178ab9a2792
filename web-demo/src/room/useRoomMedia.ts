// Owns the media side of the room: getUserMedia, the self view, mute toggles, the remote tracks
// and which participant each belongs to. The PeerConnection itself is negotiated by
// RoomConnection through janus.js (createOffer with offerTracks + the plugin's `connect`); remote
// tracks come back through janus.js's onremotetrack, their owners through the plugin's `media`
// event (docs/PROTOCOL.md). The pure model is in tiles.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MediaBinding } from './mediaBinding';
import type { Participant, Role } from '../api';
import { buildTiles, elementKey, mayPublish, offerTracks, type MediaView, type SlowLinkNotice, type TileModel } from './tiles';

export interface RemoteTile extends TileModel {
  /** streams of one track each, stable across renders (a new srcObject would restart playback) */
  audioStream: MediaStream | null;
  videoStream: MediaStream | null;
  audioKey?: string;
  videoKey?: string;
}

export interface RoomMedia {
  binding: MediaBinding;
  localStream: MediaStream | null;
  micOn: boolean;
  camOn: boolean;
  hasMic: boolean;
  hasCam: boolean;
  error: string | null;
  publishing: boolean;
  /** getUserMedia has finished (or is not needed): the connection may make its offer */
  settled: boolean;
  /** flip the local track; returns what is now sent, for the plugin's `configure` */
  toggleMic(): boolean;
  toggleCam(): boolean;
  /** what to tell the plugin after (re)connecting: the toggles survive a reconnect */
  sending(): { audio: boolean; video: boolean };
  /** the other participants' tiles, with their remote streams */
  tilesFor(others: Participant[], selfId: string): RemoteTile[];
  /** the latest slow_link from the plugin, while it is recent */
  slowLink: SlowLinkNotice | null;
  /** the plugin did not take our camera or microphone (e.g. no common codec) */
  notPublished: string | null;
  release(): void;
}

/** How long a slow_link notice stays up after the last one. */
const SLOW_LINK_SHOWN_MS = 12_000;

function describeMediaError(e: unknown): string {
  const name = (e as DOMException)?.name;
  if (name === 'NotAllowedError') return 'Camera and microphone access was denied. You can still take part in the editor; allow access in the browser and reload to be seen and heard.';
  if (name === 'NotFoundError') return 'No camera or microphone was found.';
  if (name === 'NotReadableError') return 'The camera or microphone is in use by another program.';
  return `Camera and microphone are not available (${String((e as Error)?.message ?? e)}).`;
}

export function useRoomMedia(role: Role | undefined, enabled: boolean): RoomMedia {
  const publishing = enabled && mayPublish(role);
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [settled, setSettled] = useState(false);
  const [view, setView] = useState<MediaView | null>(null);
  const [remoteTick, setRemoteTick] = useState(0);
  const [slowLink, setSlowLink] = useState<SlowLinkNotice | null>(null);
  const [notPublished, setNotPublished] = useState<string | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  // mid -> the receiver's track. A transceiver keeps its track for the PeerConnection's life, so
  // an entry goes only on hangup or when the track ended: janus.js also reports a track as gone
  // after ~2.5 s without packets (a muted or unfilled slot), but it comes back on the same mid.
  const tracksRef = useRef(new Map<string, MediaStreamTrack>());
  // element key -> a one-track stream, reused while the key's track is the same
  const streamsRef = useRef(new Map<string, MediaStream>());
  const slowTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // getUserMedia once the role is known (observers publish nothing and have no self view)
  useEffect(() => {
    if (!publishing || !navigator.mediaDevices?.getUserMedia) {
      if (publishing) setError('This browser cannot capture camera or microphone here (a secure origin, https or localhost, is needed).');
      setSettled(role !== undefined);
      return;
    }
    let cancelled = false;
    (async () => {
      let stream: MediaStream | null = null;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: { width: { ideal: 640 }, height: { ideal: 360 } } });
      } catch (e) {
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio: true });
          setError('No camera available: you join with audio only.');
        } catch {
          setError(describeMediaError(e));
        }
      }
      if (cancelled) {
        stream?.getTracks().forEach((t) => t.stop());
        return;
      }
      if (stream) {
        // janus.js must not stop our tracks when it tears a PeerConnection down (reconnects)
        for (const t of stream.getTracks()) (t as MediaStreamTrack & { dontStop?: boolean }).dontStop = true;
        localRef.current = stream;
        setLocalStream(stream);
      }
      setSettled(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [publishing, role]);

  const release = useCallback(() => {
    localRef.current?.getTracks().forEach((t) => t.stop());
    localRef.current = null;
    setLocalStream(null);
  }, []);
  useEffect(() => release, [release]);
  useEffect(
    () => () => {
      if (slowTimer.current) clearTimeout(slowTimer.current);
    },
    [],
  );

  const toggleMic = useCallback(() => {
    const t = localRef.current?.getAudioTracks()[0];
    if (!t) return false;
    t.enabled = !t.enabled;
    setMicOn(t.enabled);
    return t.enabled;
  }, []);
  const toggleCam = useCallback(() => {
    const t = localRef.current?.getVideoTracks()[0];
    if (!t) return false;
    t.enabled = !t.enabled;
    setCamOn(t.enabled);
    return t.enabled;
  }, []);
  const sending = useCallback(
    () => ({
      audio: localRef.current?.getAudioTracks()[0]?.enabled ?? false,
      video: localRef.current?.getVideoTracks()[0]?.enabled ?? false,
    }),
    [],
  );

  const binding = useMemo<MediaBinding>(
    () => ({
      offerTracks(maxParticipants) {
        const s = localRef.current;
        return offerTracks({ mic: s?.getAudioTracks()[0], cam: s?.getVideoTracks()[0], publishing, maxParticipants });
      },
      onRemoteTrack(track, mid, on) {
        if (on) tracksRef.current.set(mid, track);
        else if (track.readyState === 'ended' && tracksRef.current.get(mid) === track) tracksRef.current.delete(mid);
        else return;
        setRemoteTick((n) => n + 1);
      },
      onConnected(published) {
        const s = localRef.current;
        const missing = [s?.getAudioTracks().length && !published.audio ? 'microphone' : null, s?.getVideoTracks().length && !published.video ? 'camera' : null].filter(Boolean);
        setNotPublished(missing.length ? `The server did not accept your ${missing.join(' and ')}; the others cannot ${missing.length === 2 ? 'see or hear' : missing[0] === 'camera' ? 'see' : 'hear'} you.` : null);
      },
      onMedia(v) {
        setView(v);
      },
      onSlowLink(n) {
        setSlowLink(n);
        if (slowTimer.current) clearTimeout(slowTimer.current);
        slowTimer.current = setTimeout(() => setSlowLink(null), SLOW_LINK_SHOWN_MS);
      },
      onHangup() {
        tracksRef.current.clear();
        streamsRef.current.clear();
        setView(null);
        setNotPublished(null);
        setRemoteTick((n) => n + 1);
      },
    }),
    [publishing],
  );

  const tilesFor = useCallback(
    (others: Participant[], selfId: string): RemoteTile[] => {
      const used = new Set<string>();
      const streamOf = (pid: string, mid: string | undefined) => {
        const track = mid === undefined ? undefined : tracksRef.current.get(mid);
        if (!track || mid === undefined) return { stream: null, key: undefined };
        const key = elementKey(pid, mid);
        used.add(key);
        let s = streamsRef.current.get(key);
        if (!s || s.getTracks()[0] !== track) {
          s = new MediaStream([track]);
          streamsRef.current.set(key, s);
        }
        return { stream: s, key };
      };
      const tiles = buildTiles(others, view, selfId).map((t) => {
        const a = streamOf(t.participant.id, t.audioMid);
        const v = streamOf(t.participant.id, t.videoMid);
        return { ...t, audioStream: a.stream, audioKey: a.key, videoStream: v.stream, videoKey: v.key };
      });
      for (const k of [...streamsRef.current.keys()]) if (!used.has(k)) streamsRef.current.delete(k);
      return tiles;
    },
    // remoteTick: the tracks (a ref) changed
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view, remoteTick],
  );

  return {
    binding,
    localStream,
    micOn,
    camOn,
    hasMic: Boolean(localStream?.getAudioTracks().length),
    hasCam: Boolean(localStream?.getVideoTracks().length),
    error,
    publishing,
    settled,
    toggleMic,
    toggleCam,
    sending,
    tilesFor,
    slowLink,
    notPublished,
    release,
  };
}
