// A tiny router over URL paths (the history API). The service serves index.html for every path.
import { useEffect, useState } from 'react';

export type Route = { name: 'start' } | { name: 'interview'; id: string } | { name: 'lab' } | { name: 'not_found'; path: string };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { name: 'start' };
  if (pathname === '/lab' || pathname === '/lab/') return { name: 'lab' };
  const m = /^\/interview\/([^/]*)\/?$/.exec(pathname);
  if (m) {
    let id = m[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      /* keep it raw; it will be reported as malformed */
    }
    return { name: 'interview', id };
  }
  return { name: 'not_found', path: pathname };
}

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return route;
}
