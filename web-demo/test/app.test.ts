import { describe, expect, it } from 'vitest';
import { isValidInterviewId, isValidToken, joinLink, tokenFromFragment } from '../src/link';
import { ServerClock, formatDuration, localInputToRfc3339 } from '../src/time';
import { ApiError } from '../src/api';
import { describeApiError } from '../src/errors';
import { parseRoute } from '../src/router';

describe('join links', () => {
  it('put the token in the fragment, never in the query', () => {
    const link = joinLink('https://example.test', 'r-Ysz6p4_2SclS0yvq0svg', 'YtoqOJVtbCyeuEkESdUX1RDdbO8ZG772HrPEf34Sdbs');
    expect(link).toBe('https://example.test/interview/r-Ysz6p4_2SclS0yvq0svg#token=YtoqOJVtbCyeuEkESdUX1RDdbO8ZG772HrPEf34Sdbs');
    expect(new URL(link).search).toBe('');
  });
  it('read the token back from the fragment', () => {
    expect(tokenFromFragment('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('#other=1')).toBeNull();
  });
  it('validate ids and tokens like the plugin', () => {
    expect(isValidInterviewId('r-Ysz6p4_2SclS0yvq0svg')).toBe(true);
    expect(isValidInterviewId('')).toBe(false);
    expect(isValidInterviewId('a/b')).toBe(false);
    expect(isValidToken('short')).toBe(false);
    expect(isValidToken('YtoqOJVtbCyeuEkESdUX1RDdbO8ZG772HrPEf34Sdbs')).toBe(true);
    expect(isValidToken('YtoqOJVtbCyeuEkESdUX1RDdbO8ZG772HrPEf34Sdb=')).toBe(false);
  });
  it('routes', () => {
    expect(parseRoute('/')).toEqual({ name: 'start' });
    expect(parseRoute('/interview/abc')).toEqual({ name: 'interview', id: 'abc' });
    expect(parseRoute('/interview/abc/')).toEqual({ name: 'interview', id: 'abc' });
    expect(parseRoute('/lab')).toEqual({ name: 'lab' });
    expect(parseRoute('/nope').name).toBe('not_found');
  });
});

describe('the service clock, not the browser clock', () => {
  it('takes the offset from server_time at the response', () => {
    const received = Date.now();
    const clock = ServerClock.fromResponse(new Date(received + 10 * 60_000).toISOString(), received);
    expect(clock.offsetMs).toBe(10 * 60_000);
    expect(Math.abs(clock.now() - (Date.now() + 10 * 60_000))).toBeLessThan(1000);
  });
  it('ignores an unparsable server_time', () => {
    expect(ServerClock.fromResponse('garbage', 0).offsetMs).toBe(0);
  });
  it('formats durations', () => {
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05 min');
    expect(formatDuration(-5)).toBe('0 s');
  });
  it('turns a datetime-local value into RFC 3339 with the local offset', () => {
    const v = localInputToRfc3339('2026-11-25T10:00')!;
    expect(v).toMatch(/^2026-11-25T10:00:00[+-]\d\d:\d\d$/);
    expect(new Date(v).getTime()).toBe(new Date('2026-11-25T10:00').getTime());
    expect(localInputToRfc3339('not a date')).toBeNull();
  });
});

describe('messages for refused links', () => {
  it.each([
    ['invalid_token', 401, 'This link is not valid'],
    ['unknown_interview', 404, 'Interview not found'],
    ['token_other_interview', 403, 'This link is for another interview'],
    ['token_revoked', 403, 'Access withdrawn'],
  ])('%s', (code, status, title) => {
    const d = describeApiError(new ApiError(status, code, 'x'));
    expect(d.title).toBe(title);
    expect(d.retry).toBeFalsy();
  });
  it('rate limiting says how long to wait and allows a retry', () => {
    const d = describeApiError(new ApiError(429, 'rate_limited', 'x', 42));
    expect(d.text).toContain('42 seconds');
    expect(d.retry).toBe(true);
  });
});
