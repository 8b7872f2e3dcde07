import { eventMetadataSchema, type EventMetadata } from '@peerlock/schema';
import type { NewEvent, ReadAllOptions, ReadStreamOptions } from './event-store.js';
import {
  AppendTooLargeError,
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidReadOptionsError,
  InvalidStreamNameError,
} from './event-store-errors.js';

/**
 * Limits shared by every adapter, so a store can be swapped without an event
 * that fit in one failing in another. The binding one is KurrentDB's default
 * maximum append size (1 MiB); Peerlock's events are small (ids, keys, headers:
 * ciphertext of files lives in the blob store), so 256 KiB per event is ample.
 */
export const EVENT_STORE_LIMITS = {
  /** UTF-8 bytes of one event's JSON payload plus its JSON metadata. */
  maxEventBytes: 256 * 1024,
  /** All events of one append; below KurrentDB's 1 MiB to leave room for framing. */
  maxAppendBytes: 1_000_000,
  maxEventsPerAppend: 1000,
  maxStreamNameLength: 200,
  maxReadCount: 10_000,
} as const;

const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@=+-]*$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event checked and serialized once, before any adapter touches it. */
export interface PreparedEvent {
  /** Lowercase, as PostgreSQL's uuid type and KurrentDB print it, so ids compare as strings everywhere. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly json: string;
  readonly metadata: EventMetadata;
}

export type NormalizedExpectedRevision = 'any' | 'noStream' | 'exists' | bigint;

export function assertStreamName(streamName: unknown): asserts streamName is string {
  if (typeof streamName !== 'string' || streamName.length > EVENT_STORE_LIMITS.maxStreamNameLength || !STREAM_NAME.test(streamName)) {
    throw new InvalidStreamNameError(streamName);
  }
}

export function normalizeExpectedRevision(expected: unknown): NormalizedExpectedRevision {
  if (expected === undefined || expected === 'any') return 'any';
  if (expected === 'noStream' || expected === 'exists') return expected;
  if (typeof expected === 'bigint' && expected >= 0n && expected < 2n ** 63n) return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return BigInt(expected);
  throw new InvalidExpectedRevisionError(expected);
}

export function prepareEvents(events: readonly NewEvent[]): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEventError(-1, 'events', 'needs at least one event');
  if (events.length > EVENT_STORE_LIMITS.maxEventsPerAppend) throw new AppendTooLargeError('events', events.length, EVENT_STORE_LIMITS.maxEventsPerAppend);
  const seen = new Set<string>();
  let total = 0;
  const prepared = events.map((event, index) => {
    const result = prepareEvent(event, index);
    if (seen.has(result.id)) throw new InvalidEventError(index, 'id', 'appears twice in one append');
    seen.add(result.id);
    const bytes = Buffer.byteLength(result.json) + Buffer.byteLength(JSON.stringify(result.metadata));
    if (bytes > EVENT_STORE_LIMITS.maxEventBytes) throw new EventTooLargeError(index, bytes, EVENT_STORE_LIMITS.maxEventBytes);
    total += bytes;
    return result;
  });
  if (total > EVENT_STORE_LIMITS.maxAppendBytes) throw new AppendTooLargeError('bytes', total, EVENT_STORE_LIMITS.maxAppendBytes);
  return prepared;
}

function prepareEvent(event: NewEvent, index: number): PreparedEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError(index, 'events', 'is not an object');
  const { id, type, schemaVersion, data, metadata } = event;
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidEventError(index, 'id', 'is not a UUID');
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) throw new InvalidEventError(index, 'type', 'must match [A-Za-z][A-Za-z0-9_.]{0,99}');
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 32_767) throw new InvalidEventError(index, 'schemaVersion', 'must be an integer from 1 to 32767');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidEventError(index, 'data', 'must be a JSON object');
  let json: string;
  try {
    json = JSON.stringify(data);
  } catch {
    throw new InvalidEventError(index, 'data', 'is not JSON-serializable');
  }
  const parsedMetadata = eventMetadataSchema.safeParse(metadata);
  if (!parsedMetadata.success) throw new InvalidEventError(index, 'metadata', parsedMetadata.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return { id: id.toLowerCase(), type, schemaVersion, json, metadata: parsedMetadata.data };
}

export function checkPosition(option: string, position: unknown): bigint {
  if (typeof position !== 'bigint' || position < 0n) throw new InvalidReadOptionsError(option, position);
  return position;
}

export function checkCount(option: string, count: unknown, fallback: number, max: number = EVENT_STORE_LIMITS.maxReadCount): number {
  if (count === undefined) return fallback;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > max) throw new InvalidReadOptionsError(option, count);
  return count;
}

export function normalizeReadAll(options: ReadAllOptions = {}): { after: bigint; maxCount: number } {
  return { after: checkPosition('after', options.after ?? 0n), maxCount: checkCount('maxCount', options.maxCount, 1000) };
}

export function normalizeReadStream(streamName: string, options: ReadStreamOptions = {}): { direction: 'forwards' | 'backwards'; fromRevision: bigint | undefined; maxCount: number } {
  assertStreamName(streamName);
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') throw new InvalidReadOptionsError('direction', direction);
  const fromRevision = options.fromRevision === undefined ? undefined : checkPosition('fromRevision', options.fromRevision);
  // Streams are short (one account, one conversation); "all of it" is the useful default.
  const maxCount = checkCount('maxCount', options.maxCount, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return { direction, fromRevision, maxCount };
}
