/**
 * The words for disappearing messages: the timers people type, their names,
 * how long a message has left, and the CLI's dev clock knob.
 */
import { describe, expect, it } from 'vitest';
import { TIMER_SECONDS } from '@peerlock/sdk';
import { parseTimer, TIMER_CHOICES, timeLeft, timerChange, timerName } from '../src/disappearing.js';
import { clockOffset } from '../src/context.js';

describe('timers', () => {
  it('one choice per timer a conversation can have, typed in any case', () => {
    expect(Object.values(TIMER_CHOICES).sort((a, b) => a - b)).toEqual([...TIMER_SECONDS]);
    expect(['off', '5m', '1H', '1d', '1w', '4W'].map(parseTimer)).toEqual([0, 300, 3600, 86_400, 604_800, 2_419_200]);
    for (const bad of ['', '2h', '5', '300', 'forever', '1 hour']) expect(parseTimer(bad)).toBeNull();
  });

  it('names them as people say them', () => {
    expect(TIMER_SECONDS.map(timerName)).toEqual(['off', '5 minutes', '1 hour', '1 day', '1 week', '4 weeks']);
    expect(timerChange(3600)).toBe('set disappearing messages to 1 hour');
    expect(timerChange(0)).toBe('turned disappearing messages off');
  });

  it('time left, rounded up to the minute under an hour', () => {
    expect(timeLeft(-5)).toBe('less than a minute');
    expect(timeLeft(59_000)).toBe('less than a minute');
    expect(timeLeft(60_000)).toBe('1 min');
    expect(timeLeft(299_000)).toBe('5 min');
    expect(timeLeft(59 * 60_000 - 1)).toBe('59 min');
    expect(timeLeft(3_600_000)).toBe('1 hour');
    expect(timeLeft(47 * 3_600_000)).toBe('47 hours');
    expect(timeLeft(28 * 86_400_000)).toBe('28 days');
  });
});

describe('PEERLOCK_DEV_CLOCK_OFFSET_MS', () => {
  it('is 0 unless set; milliseconds ahead, up to a year and a day; anything else is a usage error', () => {
    expect(clockOffset({})).toBe(0);
    expect(clockOffset({ PEERLOCK_DEV_CLOCK_OFFSET_MS: '' })).toBe(0);
    expect(clockOffset({ PEERLOCK_DEV_CLOCK_OFFSET_MS: '360000' })).toBe(360_000);
    for (const bad of ['-1', '1e6', 'soon', String(367 * 86_400_000)]) expect(() => clockOffset({ PEERLOCK_DEV_CLOCK_OFFSET_MS: bad })).toThrow(/PEERLOCK_DEV_CLOCK_OFFSET_MS/);
  });
});
