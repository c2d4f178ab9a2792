// /lab, the editor lab: two collaborative editors against the in-page authority (labChannel.ts)
// with latency and offline switches, to try the editor without Janus. It puts its server and
// channels on `window.lab` and lists its editors for the browser smoke test (e2e/lab.smoke.mjs);
// it is a chunk of its own, loaded only on /lab.
import { useMemo, useState } from 'react';
import { CollaborativeEditor } from '../editor/CollaborativeEditor';
import { LabChannel, LabServer } from './labChannel';
import { Shell } from './Shell';

const START = `# Two editors, one document, no server needed.
# Type in both, use several cursors (Alt+Click), paste emoji 😀 or 你好,
# take one offline and keep typing, then bring it back.

def fizzbuzz(n):
    for i in range(1, n + 1):
        print(i)
`;

function seq() {
  let n = 0;
  return () => ++n;
}

/** /lab: the collaborative editor against an in-page authority (for trying and testing the editor). */
export function LabPage() {
  const { server, a, b } = useMemo(() => {
    const server = new LabServer(START);
    return {
      server,
      a: new LabChannel(server, { id: 'p_ada', name: 'Ada', role: 'applicant' }, '#e5484d'),
      b: new LabChannel(server, { id: 'p_rita', name: 'Rita', role: 'recruiter' }, '#0091ff'),
    };
  }, []);
  const seqs = useMemo(() => ({ a: seq(), b: seq() }), []);
  const [online, setOnline] = useState({ a: true, b: true });
  const [latency, setLatency] = useState(server.latencyMs);
  const toggle = (k: 'a' | 'b') => {
    const ch = k === 'a' ? a : b;
    ch.setOnline(!ch.online);
    setOnline({ ...online, [k]: ch.online });
  };
  (window as unknown as { lab: unknown }).lab = { server, a, b };
  const w = window as unknown as { __interviewEditors?: unknown[] };
  w.__interviewEditors ??= [];
  return (
    <Shell wide>
      <div className="lab-bar">
        <h1>Editor lab</h1>
        <label className="field-inline">
          <span>Latency (ms)</span>
          <input
            type="number"
            min={0}
            max={5000}
            value={latency}
            onChange={(e) => {
              server.latencyMs = Number(e.target.value);
              setLatency(server.latencyMs);
            }}
          />
        </label>
        <button type="button" className="btn small" onClick={() => toggle('a')}>
          {online.a ? 'Take Ada offline' : 'Bring Ada online'}
        </button>
        <button type="button" className="btn small" onClick={() => toggle('b')}>
          {online.b ? 'Take Rita offline' : 'Bring Rita online'}
        </button>
      </div>
      <div className="lab-grid">
        <div data-testid="editor-a">
          <h2>Ada (applicant)</h2>
          <CollaborativeEditor channel={a} clientId="lab_ada" nextSeq={seqs.a} selfId="p_ada" canEdit label="Ada's editor" />
        </div>
        <div data-testid="editor-b">
          <h2>Rita (recruiter)</h2>
          <CollaborativeEditor channel={b} clientId="lab_rita" nextSeq={seqs.b} selfId="p_rita" canEdit label="Rita's editor" />
        </div>
      </div>
    </Shell>
  );
}
