// The video panel: the self view and one tile per other participant (video, audio, mute and
// camera state, slow-link notice), from useRoomMedia's tiles.
import { useEffect, useRef, useState } from 'react';
import type { Participant } from '../api';
import { ROLE_LABEL } from '../labels';
import { slowLinkText } from './tiles';
import type { RemoteTile, RoomMedia } from './useRoomMedia';

/** A video element bound to a stream; shown only once it has a frame, so that a slot that is not
 * flowing yet (or any more) shows the initials rather than a black box. */
function Video({ stream, mirrored, label }: { stream: MediaStream | null; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) {
      v.srcObject = stream;
      setReady(false);
    }
    // muted video may always autoplay; the catch covers an element removed while starting
    if (stream) v.play().catch(() => undefined);
  }, [stream]);
  const onFrame = () => setReady((ref.current?.videoWidth ?? 0) > 0);
  return (
    <video
      ref={ref}
      autoPlay
      playsInline
      muted
      className={mirrored ? 'mirrored' : ''}
      aria-label={label}
      hidden={!stream || !ready}
      onLoadedData={onFrame}
      onResize={onFrame}
    />
  );
}

/** Remote audio: its own element, so that it plays whether or not the video is shown. */
function RemoteAudio({ stream, retry, onBlocked }: { stream: MediaStream; retry: number; onBlocked: () => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const a = ref.current;
    if (!a) return;
    if (a.srcObject !== stream) a.srcObject = stream;
    a.play().catch((e: DOMException) => {
      // the browser's autoplay policy: a click on "Enable sound" plays it
      if (e?.name === 'NotAllowedError') onBlocked();
    });
  }, [stream, retry, onBlocked]);
  return <audio ref={ref} autoPlay />;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => Array.from(w)[0]?.toUpperCase() ?? '')
    .join('');

function Caption({ p, self, flags }: { p: Participant; self?: boolean; flags: { text: string; title: string }[] }) {
  return (
    <figcaption>
      {/* the self tile is narrow, and the own name is in the header already */}
      <span className="name" title={p.name}>
        {self ? 'You' : p.name}
      </span>
      <span className={`role role-${p.role}`}>{ROLE_LABEL[p.role]}</span>
      {flags.map((f) => (
        <span key={f.text} className="muted-flag" title={f.title}>
          {f.text}
        </span>
      ))}
    </figcaption>
  );
}

function remoteFlags(t: RemoteTile) {
  const flags: { text: string; title: string }[] = [];
  if (!t.publishing) return flags;
  if (t.audio === 'muted') flags.push({ text: 'muted', title: 'Microphone muted' });
  else if (t.audio === 'none') flags.push({ text: 'no mic', title: 'Sends no audio' });
  if (t.video === 'off') flags.push({ text: 'camera off', title: 'Camera switched off' });
  else if (t.video === 'none') flags.push({ text: 'no camera', title: 'Sends no video' });
  return flags;
}

function RemoteTileView({ t, retry, onBlocked }: { t: RemoteTile; retry: number; onBlocked: () => void }) {
  const p = t.participant;
  return (
    <figure className="tile remote" data-initials={initials(p.name)} data-participant={p.id} data-audio={t.audio} data-video={t.video}>
      {/* keyed by participant and slot: a slot that changes hands gets a fresh element */}
      <Video key={t.videoKey ?? 'none'} stream={t.video === 'on' ? t.videoStream : null} label={`${p.name}'s video`} />
      {t.audioStream ? <RemoteAudio key={t.audioKey} stream={t.audioStream} retry={retry} onBlocked={onBlocked} /> : null}
      <Caption p={p} flags={remoteFlags(t)} />
    </figure>
  );
}

export function VideoPanel({ me, others, media }: { me: Participant; others: Participant[]; media: RoomMedia }) {
  const tiles = media.tilesFor(others, me.id);
  // Once someone has been here, an empty panel means they left, not that nobody came yet.
  const seenOthers = useRef(false);
  if (tiles.length > 0) seenOthers.current = true;
  const watchers = others.filter((o) => o.role === 'observer' && o.id !== me.id);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [retry, setRetry] = useState(0);
  const onBlocked = useRef(() => setAudioBlocked(true)).current;
  const selfFlags = [
    ...(media.micOn ? [] : [{ text: 'muted', title: 'Your microphone is muted' }]),
    ...(media.camOn || !media.hasCam ? [] : [{ text: 'camera off', title: 'Your camera is off' }]),
  ];
  return (
    <aside className="video-pane" aria-label="Participants">
      {media.slowLink ? (
        <p className="slow-link" role="status">
          {slowLinkText(media.slowLink)}
        </p>
      ) : null}
      {audioBlocked ? (
        <button
          type="button"
          className="btn small"
          onClick={() => {
            setAudioBlocked(false);
            setRetry((n) => n + 1);
          }}
        >
          Enable sound
        </button>
      ) : null}
      {tiles.length === 0 ? (
        <p className="waiting-note">
          {seenOthers.current ? 'Nobody else is here right now.' : 'Nobody else is here yet. They will appear here when they join.'}
        </p>
      ) : null}
      {tiles.map((t) => (
        <RemoteTileView key={t.participant.id} t={t} retry={retry} onBlocked={onBlocked} />
      ))}
      {media.publishing ? (
        <figure className="tile self" data-initials={initials(me.name)}>
          <Video stream={media.camOn ? media.localStream : null} mirrored label="Your camera" />
          <Caption p={me} self flags={selfFlags} />
        </figure>
      ) : null}
      {media.notPublished ? <p className="waiting-note">{media.notPublished}</p> : null}
      {watchers.length > 0 ? <p className="watchers">Observing: {watchers.map((w) => w.name).join(', ')}</p> : null}
    </aside>
  );
}
