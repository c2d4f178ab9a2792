import { useEffect, useRef } from 'react';
import type { Participant } from '../api';
import { ROLE_LABEL } from '../protocol';
import type { RoomMedia } from './useRoomMedia';

function Video({ stream, muted, mirrored, label }: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) v.play().catch(() => undefined);
  }, [stream]);
  const hasVideo = Boolean(stream?.getVideoTracks().some((t) => t.readyState === 'live'));
  return (
    <>
      <video ref={ref} autoPlay playsInline muted={muted} className={mirrored ? 'mirrored' : ''} aria-label={label} hidden={!hasVideo} />
    </>
  );
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => Array.from(w)[0]?.toUpperCase() ?? '')
    .join('');

function Tile({ p, stream, self, muted, camOff }: { p: Participant; stream: MediaStream | null; self?: boolean; muted?: boolean; camOff?: boolean }) {
  return (
    <figure className={`tile ${self ? 'self' : ''}`} data-initials={initials(p.name)}>
      <Video stream={camOff ? null : stream} muted={Boolean(self)} mirrored={self} label={self ? 'Your camera' : `${p.name}'s video`} />
      <figcaption>
        <span className="name">{self ? `${p.name} (you)` : p.name}</span>
        <span className={`role role-${p.role}`}>{ROLE_LABEL[p.role]}</span>
        {muted ? <span className="muted-flag">muted</span> : null}
      </figcaption>
    </figure>
  );
}

export function VideoPanel({ me, others, media }: { me: Participant; others: Participant[]; media: RoomMedia }) {
  const visible = others.filter((o) => o.role !== 'observer');
  const watchers = others.filter((o) => o.role === 'observer');
  return (
    <aside className="video-pane" aria-label="Participants">
      {visible.length === 0 ? <p className="waiting-note">Nobody else is here yet. They will appear here when they join.</p> : null}
      {visible.map((p) => (
        <Tile key={p.id} p={p} stream={media.streamFor(p, others)} />
      ))}
      {media.publishing ? <Tile p={me} stream={media.localStream} self muted={!media.micOn} camOff={!media.camOn} /> : null}
      {watchers.length > 0 ? (
        <p className="watchers">
          Observing: {watchers.map((w) => w.name).join(', ')}
        </p>
      ) : null}
    </aside>
  );
}
