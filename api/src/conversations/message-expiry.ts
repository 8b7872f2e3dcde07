/**
 * The expiry sweep (issue 20): one loop per node. It takes the ciphertext
 * rows that are due (a disappearing message's expiresAt, or a deletion's
 * target left by an interrupted deletion) in batches, groups them by
 * conversation, records the expiries in each conversation's stream
 * (ExpireMessages, through the same aggregate the commands use: one writer
 * per stream on this node, optimistic concurrency across nodes) and purges
 * the rows (ConversationCommands.expire).
 *
 * Every node sweeps: two nodes on the same rows record each expiry once (the
 * second finds it gone and appends nothing) and purge the rows twice (a
 * no-op). The read path does not wait for the sweep: a message past its
 * expiresAt is served without ciphertext whether or not it was swept.
 *
 * It sleeps until the next row is due, at least MIN_SLEEP_MS (a burst of
 * expiries is one sweep, not one per message) and at most MAX_SLEEP_MS (rows
 * stored through another node, which does not wake this one, are found within
 * that). A message stored here with an earlier expiry than its wake-up wakes
 * it sooner. Times are the app's clock (tests move it and call sweepNow); the
 * sleeps are real. A failure is logged and the next sweep tries again: the
 * rows stay due until they are settled.
 */
import type { CiphertextStore } from '../storage/ciphertext-store.js';
import type { ConversationCommands } from './conversation-commands.js';

const MIN_SLEEP_MS = 1000;
const MAX_SLEEP_MS = 60_000;
/** After a failed sweep (the database away, a conversation refusing): not every second while it lasts. */
const RETRY_AFTER_FAILURE_MS = 10_000;
/** Due rows read and settled at a time. */
const BATCH = 500;

const boundedSleep = (ms: number): number => Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, ms));

export class MessageExpiry {
  private timer: NodeJS.Timeout | null = null;
  /** When (app clock) the loop will sweep next; null while it sweeps, or when stopped. */
  private wakeAt: number | null = null;
  private running = false;
  /** Sweeps run one after the other: the loop's and sweepNow's. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ciphertexts: Pick<CiphertextStore, 'due' | 'nextDue'>,
    private readonly conversations: Pick<ConversationCommands, 'expire'>,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Sweeps at once (what fell due while the node was down), then whenever the next row is due. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.sleep(0);
  }

  /** Ends the loop, after the sweep under way (it writes to the stores, which close next). */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeAt = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.queue;
  }

  /** A message stored with this expiry (ms, app clock): wake then if the loop would sleep past it. */
  wake(expiresAt: number): void {
    // While a sweep runs (wakeAt null), it looks for the next due row itself when it is done.
    if (!this.running || this.wakeAt === null || expiresAt >= this.wakeAt) return;
    this.sleep(boundedSleep(expiresAt - this.now()));
  }

  /**
   * One sweep now, at the app clock's time, after any under way (tests call
   * it after moving the clock). Resolves with the rows purged; rejects with
   * the first failure, after settling every conversation it could.
   */
  sweepNow(): Promise<number> {
    const sweep = this.queue.then(() => this.sweepOnce());
    this.queue = sweep.catch(() => undefined);
    return sweep;
  }

  private sleep(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = this.now() + ms;
    this.timer = setTimeout(() => this.tick(), ms);
    // The loop must never keep a process alive on its own.
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    this.wakeAt = null;
    // In the queue as a whole, so that stop() waits for its last read too.
    this.queue = this.queue.then(async () => {
      let delay = RETRY_AFTER_FAILURE_MS;
      try {
        await this.sweepOnce();
        const next = await this.ciphertexts.nextDue();
        delay = next === null ? MAX_SLEEP_MS : boundedSleep(next - this.now());
      } catch (error) {
        this.onError(error);
      }
      if (this.running) this.sleep(delay);
    });
  }

  private async sweepOnce(): Promise<number> {
    let purged = 0;
    let failure: unknown = null;
    for (;;) {
      const now = this.now();
      const due = await this.ciphertexts.due(now, BATCH);
      const byConversation = new Map<string, string[]>();
      for (const row of due) byConversation.set(row.conversationId, [...(byConversation.get(row.conversationId) ?? []), row.messageId]);
      let settled = 0;
      for (const [conversationId, messageIds] of byConversation) {
        try {
          const outcome = await this.conversations.expire(conversationId, messageIds, now);
          purged += outcome.purged;
          settled += outcome.settled;
        } catch (error) {
          // One conversation's trouble does not hold up the others; its rows stay due for the next sweep.
          failure ??= error;
        }
      }
      // A short batch was the last; a batch not wholly settled would be read again at once: left to the next sweep.
      if (due.length < BATCH || settled < due.length) break;
    }
    if (failure !== null) throw failure;
    return purged;
  }
}
