/**
 * The words for disappearing messages (issue 20): a timer as people say it
 * ("1 hour"), the values `conversation timer` and `send --timer` take, and
 * how long a message has left ("disappears in 59 min").
 */
import { isTimerSeconds, type TimerSeconds } from '@peerlock/sdk';

// The words for a timer have one home, the SDK's, shared with the web client.
export { timerChange, timerName } from '@peerlock/sdk';

/** What people type, and the timer it stands for (seconds; 0 turns it off). */
export const TIMER_CHOICES: Readonly<Record<string, TimerSeconds>> = { off: 0, '5m': 300, '1h': 3600, '1d': 86_400, '1w': 604_800, '4w': 2_419_200 };

/** "off|5m|1h|1d|1w|4w", for usage lines and errors. */
export const TIMER_SYNTAX = Object.keys(TIMER_CHOICES).join('|');

/** The timer a typed value stands for (any case), or null. */
export function parseTimer(typed: string): TimerSeconds | null {
  const seconds = TIMER_CHOICES[typed.trim().toLowerCase()];
  return seconds !== undefined && isTimerSeconds(seconds) ? seconds : null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How long a message has left, roughly: "less than a minute", "59 min", "5 hours", "27 days". */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.round(ms / 86_400_000), 'day');
}
