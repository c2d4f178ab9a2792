// The start page: the scheduling form (only with `demoAdminKey` in config.json), then the join
// links of the scheduled interview (ScheduledLinks.tsx).
import { useId, useState, type FormEvent } from 'react';
import { ApiError, createInterview, type CreatedInterview } from '../api';
import type { AppConfig } from '../config';
import { localInputToRfc3339, localTimeZone, toLocalInputValue } from '../time';
import { ScheduledLinks } from './ScheduledLinks';
import { Shell } from './Shell';

function NameList({ label, names, setNames, min }: { label: string; names: string[]; setNames: (n: string[]) => void; min: number }) {
  const id = useId();
  const one = label.replace(/s$/, '');
  return (
    <fieldset className="names">
      <legend>{label}</legend>
      {names.map((n, i) => (
        <div className="row" key={i}>
          <label className="sr-only" htmlFor={`${id}-${i}`}>
            {one} {i + 1} name
          </label>
          <input id={`${id}-${i}`} value={n} maxLength={100} required={i < min} onChange={(e) => setNames(names.map((x, j) => (j === i ? e.target.value : x)))} placeholder="Full name" />
          {names.length > min ? (
            <button type="button" className="btn ghost small" onClick={() => setNames(names.filter((_, j) => j !== i))} aria-label={`Remove ${one.toLowerCase()} ${i + 1}`}>
              Remove
            </button>
          ) : null}
        </div>
      ))}
      <button type="button" className="btn ghost small" onClick={() => setNames([...names, ''])}>
        + Add {one.toLowerCase()}
      </button>
    </fieldset>
  );
}

export function StartPage({ config }: { config: AppConfig }) {
  const next = new Date(Date.now() + 30 * 60_000);
  next.setMinutes(Math.ceil(next.getMinutes() / 15) * 15, 0, 0);
  const [title, setTitle] = useState('Technical interview');
  const [start, setStart] = useState(toLocalInputValue(next));
  const [duration, setDuration] = useState(60);
  const [applicant, setApplicant] = useState('');
  const [recruiters, setRecruiters] = useState<string[]>(['']);
  const [observers, setObservers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInterview | null>(null);

  if (!config.demoAdminKey) {
    return (
      <Shell>
        <div className="card">
          <h1>Live technical interviews</h1>
          <p>Interviews are scheduled through the interview service's API (<code>POST /v1/interviews</code>), which gives each participant a personal join link.</p>
          <p className="muted">Open the link you were sent to join your interview.</p>
        </div>
      </Shell>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const startIso = localInputToRfc3339(start);
    if (!startIso) {
      setError('Please enter a valid start time.');
      return;
    }
    // An interview that would be over already cannot be joined: say so here, not after.
    if (Date.parse(startIso) + duration * 60_000 <= Date.now()) {
      setError('This start time and duration end in the past: the interview would be over before anyone could join. Choose a later start.');
      return;
    }
    setBusy(true);
    try {
      const obs = observers.map((n) => n.trim()).filter(Boolean);
      const { data } = await createInterview(config.serviceUrl, config.demoAdminKey!, {
        title: title.trim(),
        start: startIso,
        duration_minutes: duration,
        applicant: { name: applicant.trim() },
        recruiters: recruiters.map((n) => n.trim()).filter(Boolean).map((name) => ({ name })),
        ...(obs.length ? { observers: obs.map((name) => ({ name })) } : {}),
      });
      setCreated(data);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Shell>
        <ScheduledLinks serviceUrl={config.serviceUrl} adminKey={config.demoAdminKey} created={created} onChange={setCreated} onDone={() => setCreated(null)} />
      </Shell>
    );
  }

  return (
    <Shell>
      <form className="card form" onSubmit={submit} aria-describedby="demo-note">
        <h1>Schedule an interview</h1>
        <p id="demo-note" className="muted">
          Demo mode: this page uses the demo admin key from config.json.
        </p>
        <label>
          <span>Title</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />
        </label>
        <div className="grid2">
          <label>
            <span>Start ({localTimeZone()})</span>
            <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required />
          </label>
          <label>
            <span>Duration (minutes)</span>
            <input type="number" min={1} max={480} value={duration} onChange={(e) => setDuration(Number(e.target.value))} required />
          </label>
        </div>
        <label>
          <span>Applicant</span>
          <input value={applicant} onChange={(e) => setApplicant(e.target.value)} maxLength={100} required placeholder="Full name" />
        </label>
        <NameList label="Recruiters" names={recruiters} setNames={setRecruiters} min={1} />
        <NameList label="Observers" names={observers} setNames={setObservers} min={0} />
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Scheduling…' : 'Schedule and get join links'}
        </button>
      </form>
    </Shell>
  );
}
