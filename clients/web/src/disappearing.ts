/**
 * Disappearing messages, delete for everyone and edit (issue 20): the words
 * the page uses for them, and the one timer a conversation screen keeps.
 *
 * Everything here works from what the SDK verified: a message's own signed
 * expiry (`ReadMessage.expiresAt`, its sender's timer from the server time
 * the ledger bounded), and the server time of our own messages for the
 * unsend (3 h) and edit (24 h) windows. The server's MESSAGE_EXPIRED and
 * MESSAGE_DELETED notifications are hints: they only make the screen look
 * again (`Deadlines.recheck`), and a message goes only once its own expiry
 * has passed (give or take HINT_SLACK_MS for the two clocks).
 */
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS, TIMER_SECONDS, timerName, type TimerSeconds } from '@peerlock/sdk';

// The words for a timer have one home, the SDK's, shared with the CLI.
export { DELETE_WINDOW_MS, EDIT_WINDOW_MS, timerName };
export { timerChange } from '@peerlock/sdk';

/** The timer choices, in order, as the selects offer them ("Off" capitalised there). */
export const TIMER_CHOICES: readonly { readonly seconds: TimerSeconds; readonly label: string }[] = TIMER_SECONDS.map((seconds) => ({ seconds, label: seconds === 0 ? 'Off' : timerName(seconds) }));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How long a message has left, rounded down: "less than a minute", "59 min", "5 hours", "27 days". */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(ms / 86_400_000), 'day');
}

/** How far a server hint (MESSAGE_EXPIRED) may run ahead of a message's own expiry on this page's clock. */
export const HINT_SLACK_MS = 10_000;

/** setTimeout's longest delay (a 4-week expiry is longer): later deadlines are reached in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** While a countdown is shown it is refreshed at least this often ("59 min", then "58 min"). */
const COUNTDOWN_STEP_MS = 60_000;

/** Something on screen with times that matter: when it disappears, and when its look changes (a window closing). */
export interface Timed {
  /** When it disappears (its verified expiry), if ever. */
  readonly expiresAt?: number;
  /** Further times at which `refresh` must run (an unsend or edit window closing). */
  readonly changesAt: readonly number[];
  /** Brings its countdown and its actions up to `now`. */
  refresh(now: number): void;
}

/**
 * One timer for a whole conversation screen, set for the next thing due
 * (an expiry, a window closing, or the next step of a countdown), never
 * one per message. When it fires, whatever expired is handed to `expire`
 * (the screen removes it from the page and from memory), the rest is
 * refreshed, and the timer is set again.
 */
export class Deadlines<T extends Timed> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly items = new Set<T>();

  constructor(
    private readonly expire: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  add(item: T): void {
    this.items.add(item);
  }

  delete(item: T): void {
    this.items.delete(item);
  }

  clear(): void {
    this.items.clear();
    this.stop();
  }

  /** Expires what is due (`hinted` items up to HINT_SLACK_MS early), refreshes the rest, and sets the timer for what comes next. */
  check(hinted?: (item: T) => boolean): void {
    this.stop();
    const now = this.now();
    for (const item of [...this.items]) {
      if (item.expiresAt !== undefined && item.expiresAt <= now + (hinted?.(item) ? HINT_SLACK_MS : 0)) {
        this.items.delete(item);
        this.expire(item);
      } else item.refresh(now);
    }
    let next = Infinity;
    let counting = false;
    for (const item of this.items) {
      if (item.expiresAt !== undefined) {
        next = Math.min(next, item.expiresAt);
        counting = true;
      }
      for (const at of item.changesAt) if (at > now) next = Math.min(next, at);
    }
    if (counting) next = Math.min(next, now + COUNTDOWN_STEP_MS);
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.check(), Math.min(Math.max(0, next - now), MAX_DELAY_MS));
  }

  /** A server hint that `hinted` items expired: look again, allowing for the two clocks; nothing goes before its own expiry is (about) reached. */
  recheck(hinted: (item: T) => boolean): void {
    this.check(hinted);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
