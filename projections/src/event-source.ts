import type { RecordedEvent } from '@peerlock/schema';

/**
 * The slice of an event store a projection runner needs. Declared here rather
 * than imported so projections never depend on the api package (api depends
 * on projections); every `EventStore` satisfies it structurally.
 */
export interface EventSource {
  /** Events with `globalPosition > after`, oldest first, at most `maxCount`. */
  readAll(options: { after: bigint; maxCount: number }): Promise<readonly RecordedEvent[]>;
  /** Catch-up then live: every event after `after`, in order, in non-empty batches, until `signal` aborts. */
  subscribe(options: { after: bigint; signal?: AbortSignal }): AsyncIterable<readonly RecordedEvent[]>;
  /** The position of the newest event, 0n when the log is empty. */
  headPosition(): Promise<bigint>;
}
