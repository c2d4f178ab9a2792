// The lobby of /interview/<id>#token=...: the participant's interview from the service, times in
// the user's zone, a countdown by the service's clock, Join from `opens_at`, then the room.
import { useCallback, useEffect, useState } from 'react';
import { getMe, type MeResponse } from '../api';
import { describeApiError } from '../errors';
import type { AppConfig } from '../config';
import { isValidInterviewId, isValidToken, takeToken } from '../link';
import { ServerClock, formatDateTime, formatDuration, formatTime, localTimeZone } from '../time';
import { ROLE_LABEL } from '../labels';
import { Shell } from './Shell';
import { Room } from '../room/Room';

type Load =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; text: string; retry?: boolean }
  | { kind: 'ready'; me: MeResponse; clock: ServerClock };

function useTick(ms: number): number {
  const [, set] = useState(0);
  useEffect(() => {
    const t = setInterval(() => set((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
  return Date.now();
}

export function InterviewPage({ config, interviewId }: { config: AppConfig; interviewId: string }) {
  const [token, setToken] = useState(() => takeToken(interviewId));
  // a join link opened in a tab that already shows this page only changes the fragment
  useEffect(() => {
    const on = () => {
      if (window.location.hash.includes('token=')) setToken(takeToken(interviewId));
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, [interviewId]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [inRoom, setInRoom] = useState(false);

  const fetchMe = useCallback(async () => {
    if (!isValidInterviewId(interviewId) || !token || !isValidToken(token)) {
      setLoad({
        kind: 'error',
        title: 'This link is incomplete',
        text: 'The join link is damaged or cut short (the part after “#token=” is missing or wrong). Please open the complete link you were sent.',
      });
      return;
    }
    setLoad({ kind: 'loading' });
    try {
      const { data, receivedAt } = await getMe(config.serviceUrl, interviewId, token);
      setLoad({ kind: 'ready', me: data, clock: ServerClock.fromResponse(data.server_time, receivedAt) });
    } catch (e) {
      setLoad({ kind: 'error', ...describeApiError(e) });
    }
  }, [config.serviceUrl, interviewId, token]);

  useEffect(() => {
    void fetchMe();
  }, [fetchMe]);

  if (inRoom && load.kind === 'ready' && token) {
    return <Room config={config} me={load.me} clock={load.clock} token={token} onLeave={() => setInRoom(false)} />;
  }

  return (
    <Shell>
      {load.kind === 'loading' ? (
        <div className="card" aria-busy="true">
          <p className="muted">Checking your invitation…</p>
        </div>
      ) : load.kind === 'error' ? (
        <div className="card" role="alert">
          <h1>{load.title}</h1>
          <p>{load.text}</p>
          {load.retry ? (
            <button className="btn" type="button" onClick={() => void fetchMe()}>
              Try again
            </button>
          ) : null}
        </div>
      ) : (
        <Lobby me={load.me} clock={load.clock} onJoin={() => setInRoom(true)} onRefresh={() => void fetchMe()} />
      )}
    </Shell>
  );
}

function Lobby({ me, clock, onJoin, onRefresh }: { me: MeResponse; clock: ServerClock; onJoin: () => void; onRefresh: () => void }) {
  useTick(1000);
  const now = clock.now();
  const iv = me.interview;
  const start = Date.parse(iv.start);
  const end = Date.parse(iv.end);
  const opens = Date.parse(iv.opens_at);
  const cancelled = iv.status === 'cancelled';
  const ended = !cancelled && (iv.status === 'ended' || now >= end);
  const open = !cancelled && !ended && now >= opens;

  // refresh the status when the room opens (the service may have been rescheduled meanwhile)
  useEffect(() => {
    if (cancelled || ended || open) return;
    const t = setTimeout(onRefresh, Math.min(Math.max(0, opens - now) + 500, 2 ** 31 - 1));
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opens, cancelled, ended, open]);

  let countdown: string;
  if (cancelled) countdown = 'This interview was cancelled.';
  else if (ended) countdown = 'This interview has ended.';
  else if (now < start) countdown = `Starts in ${formatDuration(start - now)}`;
  else countdown = `Started ${formatDuration(now - start)} ago · ends in ${formatDuration(end - now)}`;

  const reason = cancelled
    ? 'The interview was cancelled, so the room will not open. Contact the recruiter if you have questions.'
    : ended
      ? 'The interview is over and the room is closed.'
      : !open
        ? `Joining opens at ${formatTime(opens)} (in ${formatDuration(opens - now)})`
        : null;

  return (
    <div className="card lobby">
      <p className="eyebrow">Your interview</p>
      <h1>{iv.title}</h1>
      <dl className="facts">
        <div>
          <dt>When</dt>
          <dd>
            {formatDateTime(start)} – {formatTime(end)}
            <span className="muted"> ({localTimeZone()})</span>
          </dd>
        </div>
        <div>
          <dt>You</dt>
          <dd>
            {me.participant.name} <span className={`role role-${me.participant.role}`}>{ROLE_LABEL[me.participant.role]}</span>
          </dd>
        </div>
      </dl>
      <p className={`countdown ${cancelled || ended ? 'over' : ''}`} aria-live="polite">
        {countdown}
      </p>
      <div className="join-row">
        <button className="btn primary big" type="button" disabled={!open} aria-describedby="join-reason" onClick={onJoin}>
          Join interview
        </button>
        <p id="join-reason" className="muted" aria-live="polite">
          {reason ?? (me.participant.role === 'observer' ? 'You will watch and listen; others will not see you.' : 'Your browser will ask for camera and microphone.')}
        </p>
      </div>
    </div>
  );
}
