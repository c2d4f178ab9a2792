// Join links: /interview/<id>#token=<token>. The token travels only in the URL fragment (never
// sent to a server, never in a query string); the page reads it, keeps it for this tab in
// sessionStorage and removes it from the address bar so it is not left in the history.
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/;

export const isValidInterviewId = (id: string) => ID_RE.test(id);
export const isValidToken = (t: string) => TOKEN_RE.test(t);

export function joinLink(origin: string, interviewId: string, token: string): string {
  return `${origin}/interview/${encodeURIComponent(interviewId)}#token=${token}`;
}

export function tokenFromFragment(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const params = new URLSearchParams(h);
  return params.get('token');
}

/** Reads the token for an interview: from the fragment (then scrubbed), else from this tab's storage. */
export function takeToken(interviewId: string): string | null {
  const key = `interview-token:${interviewId}`;
  const fromHash = tokenFromFragment(window.location.hash);
  if (fromHash !== null) {
    window.history.replaceState(window.history.state, '', window.location.pathname);
    try {
      sessionStorage.setItem(key, fromHash);
    } catch {
      /* storage disabled: the token only lives in memory */
    }
    return fromHash;
  }
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** A stable id per browser tab (sessionStorage), and the next seq for it. */
export function tabClientId(): string {
  const key = 'interview-client-id';
  try {
    let id = sessionStorage.getItem(key);
    if (!id || !ID_RE.test(id)) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      id = 'c_' + btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      sessionStorage.setItem(key, id);
    }
    return id;
  } catch {
    return 'c_' + Math.random().toString(36).slice(2, 14);
  }
}

/** Per-client seq allocator persisted in sessionStorage, so a reload never reuses a seq. */
export function seqAllocator(clientId: string): () => number {
  const key = `interview-seq:${clientId}`;
  let next = 1;
  try {
    next = Math.max(1, Number(sessionStorage.getItem(key) ?? '1') || 1);
  } catch {
    /* ignore */
  }
  return () => {
    const seq = next++;
    try {
      sessionStorage.setItem(key, String(next));
    } catch {
      /* ignore */
    }
    return seq;
  };
}
