/**
 * One follower of the event log per process, shared by every local consumer
 * (the projection runners and the notification hub).
 *
 * Without it each consumer keeps its own subscription: every event is read
 * from the database, parsed and validated once per consumer, and each
 * consumer is woken separately. Under load that was most of the server's
 * work after the request itself. Here the feed reads each event once and
 * keeps the most recent ones in a bounded window; a consumer is served from
 * the window while its cursor is inside it and reads the store directly
 * while it is behind (a rebuild, a slow consumer, a checkpoint far back).
 *
 * Ordering and exactly-once come from the store: the feed holds one gap-free
 * run of the log, (floor, head], exactly as the store's subscription yielded
 * it, so serving "everything after the cursor" from the window is the same
 * as reading it from the store.
 */
import type { RecordedEvent } from '@peerlock/schema';
import type { EventStore, SubscribeOptions } from './event-store.js';

export interface SharedLogFeedOptions {
  /** Events kept in the window. A consumer further behind reads the store. */
  readonly capacity?: number;
  /** Upper bound on the events per batch given to a consumer. */
  readonly maxBatchSize?: number;
  /** Called when following the log fails (the database went away); it retries after `retryDelayMs`, doubling up to `maxRetryDelayMs`. */
  readonly onError?: (error: unknown) => void;
  /** Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Default 30 s. */
  readonly maxRetryDelayMs?: number;
}

type LogReader = Pick<EventStore, 'readAll' | 'subscribe' | 'headPosition'>;

export class SharedLogFeed {
  private readonly capacity: number;
  private readonly maxBatchSize: number;
  /** Ascending and gap-free: every event with floor < position ≤ head. */
  private window: RecordedEvent[] = [];
  private floor = 0n;
  private head = 0n;
  private follower: { controller: AbortController; done: Promise<void> } | null = null;
  private wakers = new Set<() => void>();

  constructor(
    private readonly store: LogReader,
    private readonly options: SharedLogFeedOptions = {},
  ) {
    this.capacity = options.capacity ?? 4096;
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Starts following from the current head; consumers that subscribe before are served by the store itself. */
  async start(): Promise<void> {
    if (this.follower) return;
    const head = await this.store.headPosition();
    this.floor = this.head = head;
    this.window = [];
    const controller = new AbortController();
    this.follower = { controller, done: this.follow(controller.signal) };
  }

  async stop(): Promise<void> {
    const f = this.follower;
    this.follower = null;
    if (!f) return;
    f.controller.abort();
    await f.done;
    this.wake();
  }

  readAll(options: { after: bigint; maxCount: number }): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }

  /** The same contract as EventStore.subscribe: every event after `after`, in order, once, until the signal aborts. */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    if (!this.follower) return this.store.subscribe(options);
    return this.consume(options.after ?? 0n, Math.min(options.maxBatchSize ?? this.maxBatchSize, this.maxBatchSize), options.signal);
  }

  private async *consume(after: bigint, maxBatchSize: number, signal: AbortSignal | undefined): AsyncGenerator<readonly RecordedEvent[]> {
    let cursor = after;
    while (!signal?.aborted) {
      if (!this.follower) {
        // The feed stopped under us: carry on with a subscription of our own, from where we are.
        yield* this.store.subscribe({ after: cursor, maxBatchSize, ...(signal ? { signal } : {}) });
        return;
      }
      let batch: readonly RecordedEvent[];
      if (cursor < this.floor) {
        // Behind the window: the store has everything up to the floor at least.
        batch = await this.store.readAll({ after: cursor, maxCount: maxBatchSize });
      } else {
        batch = this.windowAfter(cursor, maxBatchSize);
        if (batch.length === 0) {
          await this.changed(signal);
          continue;
        }
      }
      if (batch.length === 0) {
        await this.changed(signal);
        continue;
      }
      cursor = batch[batch.length - 1]!.globalPosition;
      yield batch;
    }
  }

  /** Events of the window after `cursor` (which is at or above the floor). */
  private windowAfter(cursor: bigint, max: number): RecordedEvent[] {
    const w = this.window;
    let lo = 0;
    let hi = w.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (w[mid]!.globalPosition <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return w.slice(lo, lo + max);
  }

  private changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    const wakers = [...this.wakers];
    for (const w of wakers) w();
  }

  private async follow(signal: AbortSignal): Promise<void> {
    let delay = this.options.retryDelayMs ?? 500;
    while (!signal.aborted) {
      try {
        for await (const batch of this.store.subscribe({ after: this.head, signal, maxBatchSize: this.maxBatchSize })) {
          this.window.push(...batch);
          this.head = batch[batch.length - 1]!.globalPosition;
          // Trim in steps so the copy is amortised over many batches.
          if (this.window.length >= 2 * this.capacity) {
            const drop = this.window.length - this.capacity;
            this.floor = this.window[drop - 1]!.globalPosition;
            this.window = this.window.slice(drop);
          }
          delay = this.options.retryDelayMs ?? 500;
          this.wake();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error);
        await new Promise<void>((resolve) => {
          // stop() does not wait out the delay.
          const timer = setTimeout(done, delay);
          signal.addEventListener('abort', done, { once: true });
          function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
        });
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 30_000);
      }
    }
  }
}
