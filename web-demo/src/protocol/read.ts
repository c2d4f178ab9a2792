// Small readers shared by the protocol's parsers.
import type { Participant } from '../api';

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** A participant as the plugin names one; null without an id. Unknown roles read as applicant. */
export function readParticipant(v: unknown): Participant | null {
  if (!isObj(v) || typeof v.id !== 'string' || !v.id) return null;
  const role = v.role === 'applicant' || v.role === 'recruiter' || v.role === 'observer' ? v.role : 'applicant';
  return { id: v.id, name: typeof v.name === 'string' && v.name ? v.name : 'Participant', role };
}
