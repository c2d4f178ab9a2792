// What a participant is told when the service refuses their link (docs/REST.md's error codes).
import { ApiError } from './api';

export function describeApiError(e: unknown): { title: string; text: string; retry?: boolean } {
  if (e instanceof ApiError) {
    switch (e.code) {
      case 'invalid_token':
        return { title: 'This link is not valid', text: 'The join link is incomplete, mistyped or no longer valid. Please use the exact link you were sent, or ask the recruiter for a new one.' };
      case 'unknown_interview':
        return { title: 'Interview not found', text: 'There is no interview at this address. Please check that you opened the complete link.' };
      case 'token_other_interview':
        return { title: 'This link is for another interview', text: 'Your personal link belongs to a different interview. Please open the link that was sent for this one.' };
      case 'token_revoked':
        return { title: 'Access withdrawn', text: 'Your access to this interview was withdrawn. If you think this is a mistake, contact the recruiter.' };
      case 'rate_limited':
        return { title: 'Too many attempts', text: `Please wait${e.retryAfter ? ` ${e.retryAfter} seconds` : ' a minute'} and try again.`, retry: true };
      case 'network_error':
        return { title: 'The service cannot be reached', text: 'Check your network connection and try again.', retry: true };
      default:
        return { title: 'Something went wrong', text: `${e.message} (${e.code})`, retry: e.status >= 500 || e.status === 0 };
    }
  }
  return { title: 'Something went wrong', text: String(e), retry: true };
}

/** Where a refusal of the scheduling form belongs: a field of the form, or the form as a whole. */
export interface FormError {
  /** the API's field ('title', 'start', 'duration_minutes', 'applicant.name', 'recruiters[1].name', ...), or null */
  field: string | null;
  text: string;
}

/**
 * The service's refusal of a scheduling request, said for people: an `invalid_field` goes to
 * the field its message names ("field 'start': ..."), the other codes of docs/REST.md's table
 * get a sentence of their own instead of the raw message.
 */
export function formErrorOf(e: unknown): FormError {
  if (!(e instanceof ApiError)) return { field: null, text: `Something went wrong: ${String(e)}` };
  if (e.code === 'invalid_field') {
    const m = /^field '([^']+)': (.*)$/s.exec(e.message);
    if (m && m[1] !== '(body)') {
      const text = m[2].charAt(0).toUpperCase() + m[2].slice(1);
      return { field: m[1], text: text.endsWith('.') ? text : `${text}.` };
    }
    return { field: null, text: `The service refused the form: ${e.message}.` };
  }
  switch (e.code) {
    case 'unauthorized':
      return { field: null, text: "The service refused this page's admin key: check demoAdminKey in config.json against the service's admin key." };
    case 'rate_limited':
      return { field: null, text: `Too many attempts: please wait${e.retryAfter ? ` ${e.retryAfter} seconds` : ' a minute'} and try again.` };
    case 'network_error':
      return { field: null, text: 'The interview service cannot be reached. Check that it is running and try again.' };
    case 'body_too_large':
      return { field: null, text: 'The form is too large for the service: shorten the names or the title.' };
    case 'internal_error':
      return { field: null, text: 'The interview service failed to schedule it. Please try again; if it keeps failing, look at its log.' };
    default:
      return { field: null, text: `The service refused it: ${e.message}` };
  }
}
