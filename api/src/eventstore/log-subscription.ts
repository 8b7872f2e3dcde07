import type { RecordedEvent } from '@peerlock/schema';

/** Something that says "the log may have grown". Spurious signals are harmless; missed ones cost latency only (polling covers them). */
export interface Wakeups {
  listen(listener: () => void): () => void;
}

export interface LogSubscriptionOptions {
  /** Reads events with position > after, oldest first. */
  readonly read: (after: bigint, maxCount: number) => Promise<RecordedEvent[]>;
  readonly after: bigint;
  readonly maxBatchSize: number;
  readonly wakeups: Wakeups;
  /** Upper bound on the wait when no wake-up comes (another process appended, a notification was lost). */
  readonly pollIntervalMs: number;
  /** Aborted by the caller, or by the store when it closes. */
  readonly signals: readonly (AbortSignal | undefined)[];
}

/**
 * Catch-up and live are one loop: read after the cursor, yield, advance; when
 * a read comes back empty, wait for a wake-up or the poll interval. There is no
 * switch-over to get wrong, so nothing is lost or repeated between the two.
 * This is only correct because the stores make positions visible in order: a
 * read never returns position p while a smaller position can still appear.
 */
export async function* logSubscription(options: LogSubscriptionOptions): AsyncGenerator<readonly RecordedEvent[]> {
  const signals = options.signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const stopped = () => signals.some((signal) => signal.aborted);
  let cursor = options.after;
  // Set by any wake-up since the last read began, so one that lands between an empty read and the wait is not slept through.
  let signalled = false;
  let wake: (() => void) | undefined;
  const onWake = () => {
    signalled = true;
    wake?.();
  };
  const stopListening = options.wakeups.listen(onWake);
  for (const signal of signals) signal.addEventListener('abort', onWake);
  try {
    while (!stopped()) {
      signalled = false;
      const events = await options.read(cursor, options.maxBatchSize);
      if (stopped()) return;
      if (events.length > 0) {
        cursor = events[events.length - 1]!.globalPosition;
        yield events;
        // A short batch was the whole tail when it was read: unless a wake-up came since, reading again finds nothing.
        if (events.length === options.maxBatchSize || signalled) continue;
      } else if (signalled) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          // Read after the other I/O callbacks of this turn of the event loop: under load, the appends of many
          // requests handled in one turn are then read as one batch, and their consumers commit once for all of them.
          setImmediate(resolve);
        };
      });
      wake = undefined;
    }
  } finally {
    stopListening();
    for (const signal of signals) signal.removeEventListener('abort', onWake);
  }
}
