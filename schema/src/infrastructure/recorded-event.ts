import type { EventMetadata } from './event-metadata.js';

/**
 * An event as the log holds it. The same envelope carries raw payloads (as read
 * from a store, `Data = unknown`) and decoded ones (after the registry has
 * validated and upcast them to the current version).
 *
 * Positions are bigints because KurrentDB's are 64-bit (and, composed, wider);
 * SQLite and PostgreSQL number the global log densely from 1.
 */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  /** UUID chosen by the writer; the key of idempotent retries. */
  readonly id: string;
  readonly type: Type;
  /** The payload's schema version as written; after decoding, the current version. */
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamName: string;
  /** 0 for the first event of a stream, then +1 per event. */
  readonly streamRevision: bigint;
  /** Strictly increasing across the whole log, in commit order; 0n means "before the first event". */
  readonly globalPosition: bigint;
}
