// The scheduling form's refusals said for people (src/errors.ts formErrorOf), from docs/REST.md's
// error table: an invalid_field goes to the field it names.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import { formErrorOf } from '../src/errors';

describe('formErrorOf', () => {
  it('puts an invalid_field at the field its message names', () => {
    expect(formErrorOf(new ApiError(400, 'invalid_field', "field 'duration_minutes': must be between 1 and 480"))).toEqual({
      field: 'duration_minutes',
      text: 'Must be between 1 and 480.',
    });
    expect(formErrorOf(new ApiError(400, 'invalid_field', "field 'recruiters[1].name': must not be empty")).field).toBe('recruiters[1].name');
  });
  it('keeps a refusal of the body as a whole for the form', () => {
    expect(formErrorOf(new ApiError(400, 'invalid_field', "field '(body)': unknown field 'x'")).field).toBeNull();
  });
  it('says the other codes in a sentence, never as the raw code', () => {
    for (const code of ['unauthorized', 'rate_limited', 'network_error', 'body_too_large', 'internal_error']) {
      const e = formErrorOf(new ApiError(400, code, 'raw message'));
      expect(e.field).toBeNull();
      expect(e.text).not.toContain(code);
      expect(e.text).not.toContain('raw message');
    }
    expect(formErrorOf(new ApiError(429, 'rate_limited', '', 12)).text).toContain('12 seconds');
  });
});
