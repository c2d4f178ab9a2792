// The start page: the scheduling form (only with `demoAdminKey` in config.json), then the join
// links of the scheduled interview (ScheduledLinks.tsx).
import { useId, useState, type FormEvent } from 'react';
import { createInterview, type CreatedInterview } from '../api';
import { formErrorOf, type FormError } from '../errors';
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

const FORM_FIELDS = ['title', 'start', 'duration_minutes', 'applicant.name'];

/** "recruiters[1].name" -> "Recruiter 2's name", for a refusal shown under the form. */
function fieldLabel(field: string): string {
  const m = /^(recruiters|observers)\[(\d+)\]\.name$/.exec(field);
  if (m) return `${m[1] === 'recruiters' ? 'Recruiter' : 'Observer'} ${Number(m[2]) + 1}'s name`;
  return field;
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
  const [error, setError] = useState<FormError | null>(null);
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
      setError({ field: 'start', text: 'Please enter a valid start time.' });
      return;
    }
    // An interview that would be over already cannot be joined: say so here, not after.
    if (Date.parse(startIso) + duration * 60_000 <= Date.now()) {
      setError({ field: 'start', text: 'This start time and duration end in the past: the interview would be over before anyone could join. Choose a later start.' });
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
      setError(formErrorOf(err));
    } finally {
      setBusy(false);
    }
  };

  // A refusal that names one of these fields is shown under that field, not under the form.
  const fieldProps = (field: string) =>
    error?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};
  const fieldError = (field: string) =>
    error?.field === field ? (
      <span className="field-error" id={`${field}-error`} role="alert">
        {error.text}
      </span>
    ) : null;

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
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required {...fieldProps('title')} />
        </label>
        {fieldError('title')}
        <div className="grid2">
          <div>
            <label>
              <span>Start ({localTimeZone()})</span>
              <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required {...fieldProps('start')} />
            </label>
            {fieldError('start')}
          </div>
          <div>
            <label>
              <span>Duration (minutes)</span>
              <input type="number" min={1} max={480} value={duration} onChange={(e) => setDuration(Number(e.target.value))} required {...fieldProps('duration_minutes')} />
            </label>
            {fieldError('duration_minutes')}
          </div>
        </div>
        <label>
          <span>Applicant</span>
          <input value={applicant} onChange={(e) => setApplicant(e.target.value)} maxLength={100} required placeholder="Full name" {...fieldProps('applicant.name')} />
        </label>
        {fieldError('applicant.name')}
        <NameList label="Recruiters" names={recruiters} setNames={setRecruiters} min={1} />
        <NameList label="Observers" names={observers} setNames={setObservers} min={0} />
        {error && !FORM_FIELDS.includes(error.field ?? '') ? (
          <p className="error" role="alert">
            {error.field ? `${fieldLabel(error.field)}: ${error.text}` : error.text}
          </p>
        ) : null}
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Scheduling…' : 'Schedule and get join links'}
        </button>
      </form>
    </Shell>
  );
}
