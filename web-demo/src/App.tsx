// The app: the route picks the page (start, interview lobby and room, editor lab); every page
// but the lab needs /config.json first.
import { lazy, Suspense, useEffect, useState } from 'react';
import { loadConfig, type AppConfig } from './config';
import { useRoute } from './router';
import { StartPage } from './pages/StartPage';
import { InterviewPage } from './pages/InterviewPage';
import { Shell } from './pages/Shell';

// The editor lab (/lab) runs against an in-page stand-in for the plugin and exposes its editors
// to the browser smoke test: a chunk of its own, loaded only on /lab, never with the room.
const LabPage = lazy(() => import('./pages/LabPage').then((m) => ({ default: m.LabPage })));

export function App() {
  const route = useRoute();
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadConfig().then(setConfig, (e: Error) => setError(e.message));
  }, []);

  if (route.name === 'lab') {
    return (
      <Suspense fallback={null}>
        <LabPage />
      </Suspense>
    );
  }
  if (error) {
    return (
      <Shell>
        <div className="card">
          <h1>The app is not configured</h1>
          <p>{error}</p>
          <p className="muted">
            The demo script writes <code>config.json</code> next to the built files (see <code>config.example.json</code>).
          </p>
        </div>
      </Shell>
    );
  }
  if (!config) {
    return (
      <Shell>
        <div className="card" aria-busy="true">
          <p className="muted">Loading…</p>
        </div>
      </Shell>
    );
  }
  if (route.name === 'start') return <StartPage config={config} />;
  if (route.name === 'interview') return <InterviewPage config={config} interviewId={route.id} />;
  return (
    <Shell>
      <div className="card">
        <h1>Page not found</h1>
        <p>
          There is nothing at <code>{route.path}</code>. Join links look like <code>/interview/&lt;id&gt;#token=…</code>.
        </p>
      </div>
    </Shell>
  );
}
