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
