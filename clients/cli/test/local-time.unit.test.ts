/** The one time format for people (src/local-time.ts): local wall-clock time with its UTC offset. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalTime } from '../src/local-time.js';

const original = process.env.TZ;
afterEach(() => {
  if (original === undefined) delete process.env.TZ;
  else process.env.TZ = original;
});

describe('formatLocalTime', () => {
  const instant = '2026-12-03T10:30:20.123Z';

  it.each([
    ['UTC', '2026-12-03 10:30:20 +00:00'],
    ['Europe/Paris', '2026-12-03 11:30:20 +01:00'],
    ['Asia/Kolkata', '2026-12-03 16:00:20 +05:30'],
    ['America/St_Johns', '2026-12-03 07:00:20 -03:30'],
    ['Pacific/Kiritimati', '2026-12-04 00:30:20 +14:00'],
  ])('in %s', (zone, expected) => {
    process.env.TZ = zone;
    expect(formatLocalTime(instant)).toBe(expected);
    // The same instant however the caller holds it: an ISO string, epoch milliseconds or a Date.
    expect(formatLocalTime(Date.parse(instant))).toBe(expected);
    expect(formatLocalTime(new Date(instant))).toBe(expected);
  });

  it('follows daylight saving time (the offset of that instant, not of now)', () => {
    process.env.TZ = 'Europe/Paris';
    expect(formatLocalTime('2026-07-01T12:00:00Z')).toBe('2026-07-01 14:00:00 +02:00');
  });

  it('shows what it cannot read as it came, rather than "Invalid Date"', () => {
    expect(formatLocalTime('soon')).toBe('soon');
  });
});
