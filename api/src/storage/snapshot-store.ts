/**
 * Snapshots of aggregate states (issue 15): a long stream (a conversation of
 * 100,000 messages) loads from its newest snapshot plus the events after it,
 * instead of from its first event. A snapshot is derived data, like a read
 * model: losing one costs a longer load, never a wrong answer, because the
 * events after it are always read from the log. StreamAggregate writes them
 * (see stream-aggregate.ts); a key names the decider, its state's version and
 * the stream, so a decider whose state changes shape starts afresh.
 */
export interface AggregateSnapshot {
  /** Revision (in its stream) of the last event folded into `state`. */
  readonly revision: bigint;
  /** Global position of that event. */
  readonly position: bigint;
  /** The decider's state, as JSON. */
  readonly state: unknown;
}

export interface SnapshotStore {
  get(key: string): Promise<AggregateSnapshot | undefined>;
  /** Keeps the snapshot of the highest revision per key: an older one (another node's, late) never replaces a newer. */
  put(key: string, snapshot: AggregateSnapshot): Promise<void>;
  close(): Promise<void>;
}
