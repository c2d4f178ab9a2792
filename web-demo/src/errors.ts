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
