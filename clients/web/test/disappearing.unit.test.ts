/**
 * The conversation screen's one timer (Deadlines), the words for timers and
 * countdowns, and the error texts for refused unsends, edits and timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageActionError, PeerlockApiError } from '@peerlock/sdk';
import { describeError } from '../src/describe-error.js';
import { Deadlines, HINT_SLACK_MS, timeLeft, timerChange, timerName, TIMER_CHOICES, type Timed } from '../src/disappearing.js';

const MIN = 60_000;

describe('Deadlines: one timer for a whole screen', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => void vi.useRealTimers());

  const item = (expiresAt?: number, changesAt: number[] = []) => {
    const seen: number[] = [];
    return { ...(expiresAt !== undefined ? { expiresAt } : {}), changesAt, refresh: (now: number) => void seen.push(now), seen } satisfies Timed & { seen: number[] };
  };

  it('keeps a single timer however many messages count down, and expires each at its own time', () => {
    const expired: unknown[] = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>((i) => void expired.push(i));
    const now = Date.now();
    const soon = item(now + 30_000);
    const later = item(now + 90_000);
    const never = item();
    for (const i of [later, soon, never]) deadlines.add(i);
    deadlines.check();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(29_999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([soon]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(expired).toEqual([soon, later]);
    // Nothing left to wait for: no timer at all.
    expect(vi.getTimerCount()).toBe(0);
    deadlines.clear();
  });

  it('refreshes countdowns at least once a minute, and wakes when a window closes', () => {
    const deadlines = new Deadlines<ReturnType<typeof item>>(() => undefined);
    const now = Date.now();
    const counting = item(now + 60 * MIN);
    deadlines.add(counting);
    deadlines.check();
    vi.advanceTimersByTime(3 * MIN);
    expect(counting.seen).toHaveLength(4);
    deadlines.clear();
    expect(vi.getTimerCount()).toBe(0);

    const own = item(undefined, [Date.now() + 3 * 3_600_000 + 1]);
    const windows = new Deadlines<ReturnType<typeof item>>(() => undefined);
    windows.add(own);
    windows.check();
    vi.advanceTimersByTime(3 * 3_600_000);
    expect(own.seen).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(own.seen).toHaveLength(2);
    windows.clear();
  });

  it('waits in steps for an expiry beyond what setTimeout takes (4 weeks)', () => {
    const expired: unknown[] = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>((i) => void expired.push(i));
    deadlines.add(item(Date.now() + 28 * 86_400_000));
    deadlines.check();
    vi.advanceTimersByTime(28 * 86_400_000 - 1);
    expect(expired).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
  });

  it('a server hint removes only the hinted message, and only within HINT_SLACK_MS of its own expiry', () => {
    const expired: unknown[] = [];
    const deadlines = new Deadlines<ReturnType<typeof item>>((i) => void expired.push(i));
    const now = Date.now();
    const hinted = item(now + 60 * MIN);
    const near = item(now + HINT_SLACK_MS - 1);
    const other = item(now + HINT_SLACK_MS - 1);
    for (const i of [hinted, near, other]) deadlines.add(i);
    deadlines.recheck((i) => i === hinted);
    expect(expired).toEqual([]);
    deadlines.recheck((i) => i === near);
    expect(expired).toEqual([near]);
    deadlines.clear();
  });
});

describe('words', () => {
  it('names the timers and what setting one did', () => {
    expect(TIMER_CHOICES.map((c) => c.label)).toEqual(['Off', '5 minutes', '1 hour', '1 day', '1 week', '4 weeks']);
    expect(timerName(3600)).toBe('1 hour');
    expect(timerChange(3600)).toBe('set disappearing messages to 1 hour');
    expect(timerChange(0)).toBe('turned disappearing messages off');
  });

  it('says how long a message has left, rounded down', () => {
    expect(timeLeft(59 * MIN + 59_000)).toBe('59 min');
    expect(timeLeft(30_000)).toBe('less than a minute');
    expect(timeLeft(5 * 3_600_000 + MIN)).toBe('5 hours');
    expect(timeLeft(27 * 86_400_000 + MIN)).toBe('27 days');
  });
});

describe('error texts for unsend, edit and the timer', () => {
  it('has a plain line for every local refusal', () => {
    expect(describeError(new MessageActionError('m', 'not-found'), 'unsend')).toBe('Only your own messages can be unsent, and this one is not among the messages verified here. Nothing was changed.');
    expect(describeError(new MessageActionError('m', 'not-editable'), 'edit')).toBe('This message can no longer be changed (it was unsent, or it is a timer or an edit itself). Nothing was changed.');
    expect(describeError(new MessageActionError('m', 'window-closed'), 'unsend')).toBe('Too late to unsend this message: that is possible only within 3 hours of sending. Nothing was changed.');
    expect(describeError(new MessageActionError('m', 'window-closed'), 'edit')).toBe('Too late to edit this message: that is possible only within 24 hours of sending. Nothing was changed.');
    expect(describeError(new MessageActionError('c', 'bad-timer'), 'timer')).toBe('That timer is not one of the choices (off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks). Nothing was changed.');
    // Without saying what was being done, still a plain line.
    expect(describeError(new MessageActionError('m', 'window-closed'))).toBe('Too late to change this message: that is possible only within 3 hours (unsend) or 24 hours (edit) of sending. Nothing was changed.');
  });

  it('and for the server’s refusals', () => {
    expect(describeError(new PeerlockApiError('WINDOW_CLOSED', 403), 'edit')).toBe('The server refused: it is too late to edit this message (possible only within 24 hours of sending). Nothing was changed.');
    expect(describeError(new PeerlockApiError('WINDOW_CLOSED', 403))).toBe('Too late: a message can be unsent within 3 hours and edited within 24 hours of sending. Nothing was changed.');
    expect(describeError(new PeerlockApiError('FORBIDDEN', 403), 'unsend')).toBe('The server refused: only the sender of a message can unsend it.');
    expect(describeError(new PeerlockApiError('NOT_FOUND', 404), 'edit')).toBe('The server no longer has this message (it may have expired or been unsent).');
    // Anything else reads as before.
    expect(describeError(new PeerlockApiError('RATE_LIMITED', 429), 'edit')).toBe('Too many attempts. Wait a little and try again.');
  });
});
