// The card shown once an interview is scheduled from the start page (demo mode): one personal
// join link per participant, a new link for someone who lost theirs (the old one stops working),
// and a recruiter or observer added later. Each link is shown only here: the service keeps hashes.
import { useId, useState, type FormEvent } from 'react';
import { addParticipant, ApiError, issueNewToken, withKnownTokens, type CreatedInterview } from '../api';
import { joinLink } from '../link';
import { ROLE_LABEL } from '../labels';
import { formatDateTime } from '../time';

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'idle' | 'ok' | 'fail'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('ok');
    } catch {
      setDone('fail');
    }
    setTimeout(() => setDone('idle'), 2000);
  };
  return (
    <button type="button" className="btn small" onClick={copy} aria-label={`Copy ${label}`}>
      {done === 'ok' ? 'Copied' : done === 'fail' ? 'Select and copy' : 'Copy'}
    </button>
  );
}

const explain = (err: unknown) => (err instanceof ApiError ? `${err.message} (${err.code})` : String(err));

export function ScheduledLinks(props: { serviceUrl: string; adminKey: string; created: CreatedInterview; onChange: (c: CreatedInterview) => void; onDone: () => void }) {
  const { serviceUrl, adminKey, created, onChange, onDone } = props;
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [role, setRole] = useState<'recruiter' | 'observer'>('recruiter');
  const [name, setName] = useState('');

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  const newLink = (pid: string, who: string) =>
    run(async () => {
      const { data } = await issueNewToken(serviceUrl, adminKey, created.id, pid);
      onChange({ ...created, participants: withKnownTokens(created.participants, data.participants) });
      return `New link for ${who}. The previous one no longer works.`;
    });
  const add = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    void run(async () => {
      const { data } = await addParticipant(serviceUrl, adminKey, created.id, { role, name: trimmed });
      onChange({ ...created, participants: withKnownTokens(created.participants, data.participants) });
      setName('');
      return `${ROLE_LABEL[role]} ${trimmed} added.`;
    });
  };

  return (
    <div className="card">
      <h1>Interview scheduled</h1>
      <p>
        <strong>{created.title}</strong>
        <br />
        {formatDateTime(created.start)} – {formatDateTime(created.end)}
        <br />
        <span className="muted">The room opens at {formatDateTime(created.opens_at)}.</span>
      </p>
      <p className="callout">Each link is personal and shown only now. Send each person their own link.</p>
      <ul className="links">
        {created.participants.map((p) => {
          const link = joinLink(window.location.origin, created.id, p.token);
          return (
            <li key={p.id}>
              <div className="who">
                <span className={`role role-${p.role}`}>{ROLE_LABEL[p.role]}</span> {p.name}
              </div>
              <div className="link-row">
                <input readOnly value={link} aria-label={`Join link for ${p.name}`} onFocus={(e) => e.currentTarget.select()} />
                <CopyButton text={link} label={`join link for ${p.name}`} />
                <a className="btn small ghost" href={link} target="_blank" rel="noreferrer noopener">
                  Open
                </a>
                <button type="button" className="btn small ghost" disabled={busy} onClick={() => void newLink(p.id, p.name)} aria-label={`New link for ${p.name}`}>
                  New link
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <form className="add-participant row" onSubmit={add}>
        <label className="sr-only" htmlFor={`${id}-role`}>
          Role of the participant to add
        </label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as 'recruiter' | 'observer')}>
          <option value="recruiter">Recruiter</option>
          <option value="observer">Observer</option>
        </select>
        <label className="sr-only" htmlFor={`${id}-name`}>
          Name of the participant to add
        </label>
        <input id={`${id}-name`} value={name} maxLength={100} required placeholder="Full name" onChange={(e) => setName(e.target.value)} />
        <button className="btn small" type="submit" disabled={busy || !name.trim()}>
          Add
        </button>
      </form>
      {notice ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="btn" onClick={onDone}>
        Schedule another
      </button>
    </div>
  );
}
