// Loads janus.js (copied from Debian's libjs-janus-gateway into /vendor/ at build time) after
// putting webrtc-adapter on window.adapter, which janus.js needs before Janus.init.
import adapter from 'webrtc-adapter';
import type { JanusStatic } from './types';

let loading: Promise<JanusStatic> | null = null;

export function loadJanus(): Promise<JanusStatic> {
  if (loading) return loading;
  loading = new Promise<JanusStatic>((resolve, reject) => {
    const w = window as unknown as { adapter?: unknown; Janus?: JanusStatic };
    w.adapter = adapter;
    const done = () => {
      const Janus = w.Janus;
      if (!Janus) {
        reject(new Error('janus.js loaded but defined no Janus'));
        return;
      }
      Janus.init({
        debug: import.meta.env.DEV ? ['warn', 'error'] : ['error'],
        dependencies: Janus.useDefaultDependencies({ adapter }),
        callback: () => resolve(Janus),
      });
    };
    if (w.Janus) {
      done();
      return;
    }
    const s = document.createElement('script');
    s.src = `${import.meta.env.BASE_URL}vendor/janus.js`;
    s.async = true;
    s.onload = done;
    s.onerror = () => {
      loading = null;
      reject(new Error('janus.js could not be loaded from /vendor/janus.js (was the app built with libjs-janus-gateway installed?)'));
    };
    document.head.appendChild(s);
  });
  return loading;
}
