import type { EventMetadata, RecordedEvent } from '@peerlock/schema';

/**
 * The state a stream must be in for an append to go ahead:
 * - `any`: no check (still atomic and ordered);
 * - `noStream`: the stream has no events yet (create);
 * - `exists`: the stream has at least one event;
 * - a revision: the stream's last event has exactly this revision (optimistic concurrency).
 */
export type ExpectedRevision = 'any' | 'noStream' | 'exists' | bigint | number;

/** An event to append. The payload is a JSON object; types and versions come from the schema registry. */
export interface NewEvent {
  /** A UUID chosen by the writer. Appending the same ids again is a no-op, which makes retries safe. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface AppendOptions {
  /** Default `any`. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the stream's last event after this append; pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /** The global position of the last event of this append. */
  readonly position: bigint;
  /** True when an earlier attempt had already stored these very events: nothing was written this time. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** Default `forwards`. */
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Default: the first event (forwards) or the last (backwards). */
  readonly fromRevision?: bigint;
  /** Default: the whole stream. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: read events with a greater global position. Default 0n, the start of the log. */
  readonly after?: bigint;
  /** Default 1000, at most 10 000. */
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive, like ReadAllOptions.after; typically a projection checkpoint. Default 0n. */
  readonly after?: bigint;
  /** Ends the subscription (the loop simply finishes). */
  readonly signal?: AbortSignal;
  /** Upper bound on the events per yielded batch. Default 1000. */
  readonly maxBatchSize?: number;
}

/**
 * The event log (DESIGN §7). Every adapter passes the same contract suite
 * (`testing/event-store-contract.ts`); what it promises:
 *
 * - an append is atomic: all its events or none, at consecutive stream revisions;
 * - global positions increase strictly in commit order, and a reader that has
 *   seen position p will never later see a new event below p (no gaps appear
 *   behind a reader, whatever the number of concurrent writers);
 * - a subscription delivers every event after its start position exactly once,
 *   in order, across the switch from catch-up to live;
 * - bad input fails before any I/O with a typed error (see event-store-errors.ts).
 */
export interface EventStore {
  append(streamName: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** An unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the newest event; 0n for an empty log. */
  headPosition(): Promise<bigint>;
  /** Catch-up, then live: non-empty batches in global order until the signal aborts or the store closes. */
  subscribe(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** Ends subscriptions and releases connections. */
  close(): Promise<void>;
}
