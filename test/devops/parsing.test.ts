import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/devops/retry-after.ts';
import { parseServiceDate } from '../../src/devops/service-dates.ts';

describe('parseServiceDate', () => {
  it('reads the service’s 7-digit fractional seconds, fewer digits, none, and offsets', () => {
    expect(parseServiceDate('2020-11-23T04:04:38.5233333Z')?.toISOString()).toBe('2020-11-23T04:04:38.523Z');
    expect(parseServiceDate('2020-12-01T23:46:23.32Z')?.toISOString()).toBe('2020-12-01T23:46:23.320Z');
    expect(parseServiceDate('2020-12-01T23:46:23Z')?.toISOString()).toBe('2020-12-01T23:46:23.000Z');
    expect(parseServiceDate('2014-05-12T22:23:07.727+02:00')?.toISOString()).toBe('2014-05-12T20:23:07.727Z');
  });

  it('refuses anything else', () => {
    for (const text of [
      '',
      'Nov 23 2020',
      '2020-11-23',
      '2020-11-23T04:04:38.12345678Z',
      '2020-13-40T04:04:38Z',
      '2020-11-23T04:04:38',
    ]) {
      expect(parseServiceDate(text)).toBeNull();
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP-dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(2);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
