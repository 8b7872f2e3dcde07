import type { ReadModelView } from '../projection.js';

export interface StoredCheckpoint {
  /** Global position of the last event folded into the rows; 0n before the first. */
  readonly position: bigint;
  /** The projection version that built the rows. */
  readonly version: number;
}

/** One batch of events, reduced to what storage needs to apply it atomically. */
export interface ReadModelBatch<Doc> {
  /** The checkpoint the batch was read after; the commit is refused if storage has moved on. */
  readonly from: bigint;
  /** The position of the batch's last event, handled or not. */
  readonly to: bigint;
  /** Every document the fold may read; loaded inside the transaction. */
  readonly documentIds: readonly string[];
  /** Pure: given the loaded documents, the final state of each changed one (null = deleted). */
  fold(view: ReadModelView<Doc>): ReadonlyMap<string, Doc | null>;
}

/**
 * `stale`: the stored checkpoint was not `from` (another runner, or a rebuild,
 * got there first). Nothing was written; the caller re-reads the checkpoint.
 */
export type CommitOutcome = 'committed' | 'stale';

/**
 * Where read-model rows and their checkpoint live. The one promise every
 * implementation keeps: rows and checkpoint change in the same transaction,
 * so after any crash the rows reflect exactly the events up to the checkpoint.
 */
export interface ReadModelStore {
  /** Creates the projection's table and checkpoint if missing; throws ProjectionVersionMismatchError if rows of another version exist. */
  prepare(projection: { readonly name: string; readonly version: number }): Promise<StoredCheckpoint>;
  commit<Doc>(name: string, batch: ReadModelBatch<Doc>): Promise<CommitOutcome>;
  /** Drops every row and sets the checkpoint to 0 at `version`, in one transaction. */
  reset(projection: { readonly name: string; readonly version: number }): Promise<void>;
  /**
   * Blue/green: in one transaction, `shadow`'s rows and checkpoint (version
   * included) become `live`'s, and `shadow` is gone. A reader sees the old
   * model or the new one, never a mix; a runner of `live` committing meanwhile
   * finds its checkpoint moved (`stale`) and carries on from the new one.
   */
  swap(live: string, shadow: string): Promise<void>;
  checkpoint(name: string): Promise<StoredCheckpoint | undefined>;
  get<Doc>(name: string, id: string): Promise<Doc | undefined>;
  /** Every document, ordered by id. */
  list<Doc>(name: string): Promise<{ id: string; doc: Doc }[]>;
  /** Documents whose id starts with `range.prefix`, in byte order of id, after `range.after` (exclusive) when given, at most `range.limit`. */
  range<Doc>(name: string, range: IdRange): Promise<{ id: string; doc: Doc }[]>;
}

export interface IdRange {
  readonly prefix: string;
  readonly after?: string;
  readonly limit: number;
}

/** Bounds for an id range: every id with the prefix sorts below prefix + U+FFFF (ids are ASCII in practice). */
export function idBounds(range: IdRange): { lower: string; upper: string; inclusive: boolean } {
  const after = range.after !== undefined && range.after > range.prefix ? range.after : undefined;
  return after === undefined ? { lower: range.prefix, upper: `${range.prefix}\uffff`, inclusive: true } : { lower: after, upper: `${range.prefix}\uffff`, inclusive: false };
}
