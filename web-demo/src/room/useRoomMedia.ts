// Owns the media side of the room: getUserMedia, the self view, mute toggles and the remote
// tiles. The PeerConnection itself is negotiated by RoomConnection through janus.js
// (createOffer with these tracks + the plugin's `connect`); remote tracks come back through
// janus.js's onremotetrack and land here. The plugin's media part is still to come: the mapping
// of remote mids to participants is expected from the plugin (`streams`, see README).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { JanusTrackSpec } from '../janus/types';
import type { MediaBinding } from './connection';
import type { Participant, Role } from '../api';

export interface RemoteMedia {
  /** participant id -> their stream (audio and/or video tracks) */
  byParticipant: Map<string, MediaStream>;
  /** tracks whose owner the plugin has not told yet */
  unassigned: MediaStream | null;
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
  toggleMic(): void;
  toggleCam(): void;
  remote: RemoteMedia;
  /** the stream to show for a participant (falls back to unassigned tracks when only one other person is here) */
  streamFor(p: Participant, others: Participant[]): MediaStream | null;
  release(): void;
}

function describeMediaError(e: unknown): string {
  const name = (e as DOMException)?.name;
  if (name === 'NotAllowedError') return 'Camera and microphone access was denied. You can still take part in the editor; allow access in the browser and reload to be seen and heard.';
  if (name === 'NotFoundError') return 'No camera or microphone was found.';
  if (name === 'NotReadableError') return 'The camera or microphone is in use by another program.';
  return `Camera and microphone are not available (${String((e as Error)?.message ?? e)}).`;
}

export function useRoomMedia(role: Role | undefined, enabled: boolean): RoomMedia {
  const publishing = enabled && (role === 'applicant' || role === 'recruiter');
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [settled, setSettled] = useState(false);
  const [remoteTick, setRemoteTick] = useState(0);
  const localRef = useRef<MediaStream | null>(null);
  // mid -> track, mid -> participant id
  const tracksRef = useRef(new Map<string, MediaStreamTrack>());
  const ownersRef = useRef(new Map<string, string>());

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

  const toggleMic = useCallback(() => {
    const t = localRef.current?.getAudioTracks()[0];
    if (!t) return;
    t.enabled = !t.enabled;
    setMicOn(t.enabled);
  }, []);
  const toggleCam = useCallback(() => {
    const t = localRef.current?.getVideoTracks()[0];
    if (!t) return;
    t.enabled = !t.enabled;
    setCamOn(t.enabled);
  }, []);

  const binding = useMemo<MediaBinding>(
    () => ({
      offerTracks(): JanusTrackSpec[] {
        const s = localRef.current;
        const audio = s?.getAudioTracks()[0];
        const video = s?.getVideoTracks()[0];
        return [
          { type: 'audio', capture: publishing && audio ? audio : false, recv: true },
          { type: 'video', capture: publishing && video ? video : false, recv: true },
        ];
      },
      onRemoteTrack(track, mid, on) {
        if (on) tracksRef.current.set(mid, track);
        else tracksRef.current.delete(mid);
        setRemoteTick((n) => n + 1);
      },
      onStreams(streams) {
        for (const s of streams) if (s && s.mid && s.participant_id) ownersRef.current.set(String(s.mid), String(s.participant_id));
        setRemoteTick((n) => n + 1);
      },
      onHangup() {
        tracksRef.current.clear();
        ownersRef.current.clear();
        setRemoteTick((n) => n + 1);
      },
    }),
    [publishing],
  );

  const remote = useMemo<RemoteMedia>(() => {
    const byParticipant = new Map<string, MediaStream>();
    let unassigned: MediaStream | null = null;
    for (const [mid, track] of tracksRef.current) {
      const owner = ownersRef.current.get(mid);
      if (owner) {
        let s = byParticipant.get(owner);
        if (!s) byParticipant.set(owner, (s = new MediaStream()));
        s.addTrack(track);
      } else {
        unassigned ??= new MediaStream();
        unassigned.addTrack(track);
      }
    }
    return { byParticipant, unassigned };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [remoteTick]);

  const streamFor = useCallback(
    (p: Participant, others: Participant[]) => {
      const own = remote.byParticipant.get(p.id);
      if (own) return own;
      const publishers = others.filter((o) => o.role !== 'observer');
      if (remote.unassigned && publishers.length === 1 && publishers[0].id === p.id) return remote.unassigned;
      return null;
    },
    [remote],
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
    remote,
    streamFor,
    release,
  };
}
