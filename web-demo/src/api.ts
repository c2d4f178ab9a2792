// The interview service's REST API (docs/REST.md), as the browser uses it.
export interface InterviewInfo {
  id: string;
  title: string;
  start: string;
  end: string;
  opens_at: string;
  status: 'scheduled' | 'open' | 'ended' | 'cancelled';
  /** The Janus instance serving this interview, when the service names one (docs/REST.md). */
  janus_url?: string;
}
export type Role = 'applicant' | 'recruiter' | 'observer';
export interface Participant {
  id: string;
  name: string;
  role: Role;
}
export interface MeResponse {
  interview: InterviewInfo;
  participant: Participant;
  /** TURN servers with this participant's credentials, while the interview is open (docs/REST.md). */
  ice_servers?: unknown;
  server_time: string;
}
export interface CreatedInterview extends InterviewInfo {
  duration_minutes: number;
  created_at: string;
  participants: (Participant & { token: string })[];
}
export interface CreateInterviewBody {
  title: string;
  start: string;
  duration_minutes: number;
  applicant: { name: string };
  recruiters: { name: string }[];
  observers?: { name: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(base: string, method: string, path: string, credential: string, body?: unknown): Promise<{ data: T; receivedAt: number }> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${credential}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, 'network_error', `the interview service could not be reached (${String(e)})`);
  }
  const receivedAt = Date.now();
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  if (json === null) throw new ApiError(res.status, 'bad_response', 'the interview service gave no JSON answer');
  return { data: json as T, receivedAt };
}

export function getMe(base: string, interviewId: string, token: string) {
  return call<MeResponse>(base, 'GET', `/v1/interviews/${encodeURIComponent(interviewId)}/me`, token);
}

export function createInterview(base: string, adminKey: string, body: CreateInterviewBody) {
  return call<CreatedInterview>(base, 'POST', '/v1/interviews', adminKey, body);
}

/** An interview's details after a change: everyone, and a `token` only for whom it was issued. */
export interface ChangedInterview extends InterviewInfo {
  participants: (Participant & { revoked: boolean; token?: string })[];
}

export function addParticipant(base: string, adminKey: string, interviewId: string, body: { role: Role; name: string }) {
  return call<ChangedInterview>(base, 'POST', `/v1/interviews/${encodeURIComponent(interviewId)}/participants`, adminKey, body);
}

/** A new join link for a participant; the old one stops working (docs/REST.md). */
export function issueNewToken(base: string, adminKey: string, interviewId: string, participantId: string) {
  return call<ChangedInterview>(base, 'POST', `/v1/interviews/${encodeURIComponent(interviewId)}/participants/${encodeURIComponent(participantId)}/token`, adminKey);
}

/**
 * The participants with their links after a change: the service shows a token only once, for
 * whom it was just issued, so the others keep the token already known here. Participants whose
 * token was never shown here (revoked, or added elsewhere) are left out: there is no link to show.
 */
export function withKnownTokens(known: CreatedInterview['participants'], changed: ChangedInterview['participants']): CreatedInterview['participants'] {
  const tokens = new Map(known.map((p) => [p.id, p.token]));
  return changed.flatMap((p) => {
    const token = p.token ?? tokens.get(p.id);
    return token && !p.revoked ? [{ id: p.id, name: p.name, role: p.role, token }] : [];
  });
}
