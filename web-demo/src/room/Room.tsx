// The room page: one RoomConnection per visit (created once media is settled), the connection
// banner, mute and camera toggles, the video panel and the shared editor on the connection's
// data channel.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MeResponse, Participant } from '../api';
import type { AppConfig } from '../config';
import { CollaborativeEditor } from '../editor/CollaborativeEditor';
import { seqAllocator, tabClientId } from '../link';
import { ROLE_LABEL } from '../labels';
import { iceServersFrom } from '../iceServers';
import { formatDuration, type ServerClock } from '../time';
import { RoomConnection, type RoomState } from './connection';
import { useRoomMedia } from './useRoomMedia';
import { VideoPanel } from './VideoPanel';

const STATE_TEXT: Record<RoomState['state'], string> = {
  starting: 'Starting…',
  connecting: 'Connecting…',
  joining: 'Joining…',
  negotiating: 'Connecting media…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  waiting: 'Waiting…',
  replaced: 'Open in another tab',
  removed: 'Removed',
  over: 'Interview over',
  left: 'Left',
  failed: 'Not connected',
};

// Read by everyone in the room, the recruiter who ended it included.
const OVER_TEXT: Record<string, string> = {
  ended_by_recruiter: 'A recruiter ended the interview.',
  time_up: 'The interview time is over.',
  ended: 'The interview has ended.',
};

export function Room({ config, me, clock, token, onLeave }: { config: AppConfig; me: MeResponse; clock: ServerClock; token: string; onLeave: () => void }) {
  const role = me.participant.role;
  const media = useRoomMedia(role, config.media !== false);
  const [clientId] = useState(tabClientId);
  const nextSeq = useMemo(() => seqAllocator(clientId), [clientId]);
  const [room, setRoom] = useState<RoomState | null>(null);
  const [conn, setConn] = useState<RoomConnection | null>(null);
  const [ending, setEnding] = useState<'idle' | 'confirm' | 'busy' | string>('idle');
  const [seenSeatMove, setSeenSeatMove] = useState<RoomState['seatMoved']>(undefined);
  const [, tick] = useState(0);
  const mediaRef = useRef(media);
  mediaRef.current = media;

  // one connection per room visit, created once media is settled (so the offer has its tracks)
  useEffect(() => {
    if (!media.settled) return;
    const c = new RoomConnection(me.interview.janus_url ?? config.janusUrl, me.interview.id, token, media.binding, {
      media: config.media !== false,
      iceServers: iceServersFrom(config.iceServers, me.ice_servers),
      serverNow: () => clock.now(),
      sending: () => mediaRef.current.sending(),
    });
    setConn(c);
    const unsub = c.subscribe(setRoom);
    void c.start();
    const bye = () => c.stop();
    window.addEventListener('pagehide', bye);
    return () => {
      window.removeEventListener('pagehide', bye);
      unsub();
      c.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [media.settled]);

  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);

  const state = room?.state ?? 'starting';
  const over = state === 'over' || Boolean(room?.overReason);
  const overText = over
    ? (OVER_TEXT[room?.overReason ?? 'ended'] ?? 'The interview has ended.') + ' The code is now read-only; you can leave the room.'
    : undefined;
  const others: Participant[] = room?.participants ?? [];
  const endMs = Date.parse(me.interview.end) - clock.now();
  const startMs = Date.parse(me.interview.start) - clock.now();

  let banner: { tone: 'info' | 'warn' | 'error'; text: string; action?: { label: string; run: () => void } } | null = null;
  if (state === 'reconnecting') banner = { tone: 'warn', text: `You are offline. Reconnecting… ${room?.detail ? `(${room.detail})` : ''} Your edits are kept and will be sent.` };
  else if (state === 'waiting') banner = { tone: 'info', text: room?.detail ?? 'Waiting to join…' };
  else if (state === 'replaced') banner = { tone: 'warn', text: 'This interview is now open in another tab or device, so this one was disconnected.', action: { label: 'Use this tab', run: () => conn?.rejoin() } };
  else if (state === 'removed') banner = { tone: 'error', text: room?.detail ?? 'You were removed from this interview.' };
  else if (state === 'failed') banner = { tone: 'error', text: room?.detail ? `Could not join: ${room.detail}` : 'Could not join the room.' };
  else if (over) banner = { tone: 'info', text: overText! };
  else if (room?.paused) banner = { tone: 'warn', text: 'Saving is paused: the server cannot store edits right now. Keep typing; your edits are sent when it is back.' };
  else if (state !== 'connected' && state !== 'left') banner = { tone: 'info', text: STATE_TEXT[state] };

  const endInterview = async () => {
    if (!conn) return;
    setEnding('busy');
    try {
      await conn.endInterview();
      setEnding('idle');
    } catch (e) {
      setEnding(`Could not end the interview: ${(e as Error).message}`);
    }
  };

  return (
    <div className="room">
      <header className="room-bar">
        <div className="room-title">
          <h1>{me.interview.title}</h1>
          <span className="muted small">
            {me.participant.name} · {ROLE_LABEL[role]}
            {over || endMs <= 0 ? '' : startMs > 0 ? ` · starts in ${formatDuration(startMs)}` : ` · ${formatDuration(endMs)} left`}
          </span>
        </div>
        <span className={`conn conn-${state}`} role="status" aria-live="polite">
          <span className="dot" aria-hidden="true" />
          {STATE_TEXT[state]}
        </span>
        <div className="room-actions">
          {media.publishing ? (
            <>
              <button type="button" className={`btn toggle ${media.micOn ? '' : 'off'}`} aria-pressed={!media.micOn} disabled={!media.hasMic} onClick={() => conn?.configure({ ...media.sending(), audio: media.toggleMic() })}>
                {media.micOn ? 'Mute' : 'Unmute'}
              </button>
              <button type="button" className={`btn toggle ${media.camOn ? '' : 'off'}`} aria-pressed={!media.camOn} disabled={!media.hasCam} onClick={() => conn?.configure({ ...media.sending(), video: media.toggleCam() })}>
                {media.camOn ? 'Stop video' : 'Start video'}
              </button>
            </>
          ) : null}
          {role === 'recruiter' && !over ? (
            ending === 'confirm' ? (
              <span className="confirm" role="group" aria-label="Confirm ending the interview">
                <span>End for everyone?</span>
                <button type="button" className="btn danger small" onClick={() => void endInterview()} autoFocus>
                  End now
                </button>
                <button type="button" className="btn ghost small" onClick={() => setEnding('idle')}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="btn danger" disabled={ending === 'busy' || state !== 'connected'} onClick={() => setEnding('confirm')}>
                {ending === 'busy' ? 'Ending…' : 'End interview'}
              </button>
            )
          ) : null}
          <button
            type="button"
            className="btn ghost"
            onClick={() => {
              conn?.stop();
              media.release();
              onLeave();
            }}
          >
            Leave
          </button>
        </div>
      </header>
      {banner ? (
        <div className={`banner banner-${banner.tone}`} role={banner.tone === 'error' ? 'alert' : 'status'}>
          <span>{banner.text}</span>
          {banner.action ? (
            <button type="button" className="btn small" onClick={banner.action.run}>
              {banner.action.label}
            </button>
          ) : null}
        </div>
      ) : null}
      {typeof ending === 'string' && ending.startsWith('Could not') ? (
        <div className="banner banner-error" role="alert">
          {ending}
        </div>
      ) : null}
      {room?.seatMoved && room.seatMoved !== seenSeatMove && role !== 'applicant' ? (
        <div className="banner banner-warn" role="status">
          <span>
            {room.seatMoved.name} ({ROLE_LABEL[room.seatMoved.role]}) joined again from another browser or tab; their earlier connection was closed. If
            that was not them, end the interview or give them a new link.
          </span>
          <button type="button" className="btn small" onClick={() => setSeenSeatMove(room.seatMoved)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {room?.mediaUnavailable || media.error ? (
        <div className="banner banner-info" role="status">
          {room?.mediaUnavailable ?? media.error}
        </div>
      ) : null}
      <div className="room-main">
        {conn ? (
          <CollaborativeEditor
            channel={conn.channel}
            clientId={clientId}
            nextSeq={nextSeq}
            selfId={me.participant.id}
            canEdit={role !== 'observer'}
            overMessage={overText}
          />
        ) : (
          <section className="editor-pane" aria-busy="true">
            <div className="editor-loading">Preparing camera and microphone…</div>
          </section>
        )}
        <VideoPanel me={me.participant} others={others} media={media} />
      </div>
    </div>
  );
}
