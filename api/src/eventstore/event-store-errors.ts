import type { ExpectedRevision } from './event-store.js';

/**
 * The event store's closed set of errors. Callers (and the GraphQL error
 * mapping) switch on `code`, never on message text.
 */
export type EventStoreErrorCode =
  | 'CONCURRENCY_CONFLICT'
  | 'INVALID_STREAM_NAME'
  | 'INVALID_EXPECTED_REVISION'
  | 'INVALID_EVENT'
  | 'EVENT_TOO_LARGE'
  | 'APPEND_TOO_LARGE'
  | 'DUPLICATE_EVENT_ID'
  | 'INVALID_READ_OPTIONS'
  | 'EVENT_STORE_CLOSED';

export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not in the expected state: someone else appended first. Re-read, decide again, retry. */
export class ConcurrencyError extends EventStoreError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision when the append was refused, or `noStream`. */
    readonly actual: bigint | 'noStream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** Stream names: 1–200 characters of `A–Z a–z 0–9 _ . : @ = + -`, starting with a letter or digit. */
export class InvalidStreamNameError extends EventStoreError {
  readonly code = 'INVALID_STREAM_NAME' as const;
  constructor(readonly streamName: unknown) {
    super(`invalid stream name ${typeof streamName === 'string' ? JSON.stringify(streamName.slice(0, 220)) : typeof streamName}`);
  }
}

/** Not `any`, `noStream`, `exists` or a non-negative integer revision. */
export class InvalidExpectedRevisionError extends EventStoreError {
  readonly code = 'INVALID_EXPECTED_REVISION' as const;
  constructor(readonly expectedRevision: unknown) {
    super(`invalid expected revision ${typeof expectedRevision === 'bigint' ? `${expectedRevision}n` : String(JSON.stringify(expectedRevision) ?? typeof expectedRevision)}`);
  }
}

/** An event that is malformed: bad id, type, version, metadata or non-JSON payload; or an empty append. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT' as const;
  constructor(
    /** Index of the offending event in the append, or -1 for the append as a whole. */
    readonly index: number,
    readonly field: 'events' | 'id' | 'type' | 'schemaVersion' | 'data' | 'metadata',
    readonly reason: string,
  ) {
    super(index < 0 ? `invalid append: ${reason}` : `invalid event #${index}: ${field} ${reason}`);
  }
}

/** One event's serialized payload and metadata exceed the per-event limit. */
export class EventTooLargeError extends EventStoreError {
  readonly code = 'EVENT_TOO_LARGE' as const;
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`event #${index} is ${bytes} bytes, the limit is ${limit}`);
  }
}

/** The append as a whole has too many events or bytes. */
export class AppendTooLargeError extends EventStoreError {
  readonly code = 'APPEND_TOO_LARGE' as const;
  constructor(
    readonly measure: 'events' | 'bytes',
    readonly size: number,
    readonly limit: number,
  ) {
    super(`append of ${size} ${measure}, the limit is ${limit}`);
  }
}

/**
 * Some event ids of this append are already stored, but not as this very
 * append (other ids, another stream, another order): it cannot be a retry.
 */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID' as const;
  constructor(
    readonly streamName: string,
    readonly eventIds: readonly string[],
  ) {
    super(`stream ${streamName}: event ids already stored elsewhere: ${eventIds.slice(0, 5).join(', ')}`);
  }
}

/** A read position or count out of range. */
export class InvalidReadOptionsError extends EventStoreError {
  readonly code = 'INVALID_READ_OPTIONS' as const;
  constructor(
    readonly option: string,
    readonly value: unknown,
  ) {
    super(`invalid read option ${option}: ${typeof value === 'bigint' ? `${value}n` : String(value)}`);
  }
}

export class EventStoreClosedError extends EventStoreError {
  readonly code = 'EVENT_STORE_CLOSED' as const;
  constructor() {
    super('the event store is closed');
  }
}
