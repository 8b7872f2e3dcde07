import {
  ANY,
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventMetadata, RecordedEvent } from '@peerlock/schema';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from './event-store.js';
import { ConcurrencyError, EventStoreClosedError } from './event-store-errors.js';
import {
  assertStreamName,
  checkCount,
  checkPosition,
  normalizeExpectedRevision,
  normalizeReadAll,
  normalizeReadStream,
  prepareEvents,
  type NormalizedExpectedRevision,
  type PreparedEvent,
} from './event-validation.js';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://admin:changeit@127.0.0.1:2113?tls=false` */
  readonly connectionString: string;
}

/**
 * Event metadata as stored in KurrentDB: a JSON object of strings only (the
 * newest servers insist on that). `$correlationId` and `$causationId` are the
 * names KurrentDB's own projections understand; absent values are omitted.
 */
interface StoredMetadata {
  readonly $correlationId: string;
  readonly $causationId?: string;
  readonly actor?: string;
  readonly occurredAt: string;
  readonly schemaVersion: string;
}

const U64 = (1n << 64n) - 1n;

/**
 * KurrentDB orders $all by (commit, prepare) — two 64-bit log offsets. One
 * bigint keeps that order and round-trips: commit in the high 64 bits. These
 * positions are not dense; checkpoints that hold them are stored as text.
 */
export const packPosition = (position: Position): bigint => (position.commit << 64n) | position.prepare;
export const unpackPosition = (packed: bigint): Position => ({ commit: packed >> 64n, prepare: packed & U64 });

/**
 * For operators who already run KurrentDB (EventStoreDB). Ordering, optimistic
 * concurrency and catch-up subscriptions are the server's own. Differences from
 * the SQL stores, also listed in docs/eventstore.md:
 * - event ids are deduplicated per stream by the server (guaranteed when an
 *   expected revision is given, best effort with `any`), and an append never
 *   says whether it was a retry, so `duplicate` is always false;
 * - global positions are packed log offsets, increasing but not dense.
 * Read models still live in SQLite or PostgreSQL, next to their checkpoints.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly closing = new AbortController();

  constructor(options: KurrentDbEventStoreOptions) {
    this.client = KurrentDBClient.connectionString(options.connectionString);
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(streamName);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    const prepared = prepareEvents(events);
    let nextExpectedRevision: bigint;
    try {
      const result = await this.client.appendToStream(streamName, prepared.map(toEventData), { streamState: toStreamState(expected) });
      nextExpectedRevision = result.nextExpectedRevision;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // The server already treats a retry at the same expected revision as a no-op; this covers a
      // retry whose first attempt did land while the caller's view of the stream was older.
      const retried = await this.findEarlierAttempt(streamName, expected, prepared);
      if (retried !== undefined) return retried;
      throw new ConcurrencyError(streamName, expected, error.actualState === NO_STREAM ? 'noStream' : error.actualState);
    }
    // The append result carries the commit's position, not necessarily our last event's: read it back.
    const [last] = await this.readStream(streamName, { direction: 'backwards', fromRevision: nextExpectedRevision, maxCount: 1 });
    return { nextExpectedRevision, position: last!.globalPosition, duplicate: false };
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromRevision, maxCount } = normalizeReadStream(streamName, options);
    const events: RecordedEvent[] = [];
    try {
      const reading = this.client.readStream(streamName, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: fromRevision ?? (direction === 'forwards' ? START : END),
        maxCount,
      });
      for await (const resolved of reading) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after, maxCount } = normalizeReadAll(options);
    const events: RecordedEvent[] = [];
    // Reads from a position include it; ask for one more and drop the event at `after`.
    for await (const resolved of this.client.readAll({ fromPosition: fromPosition(after), maxCount: maxCount + 1, filter: excludeSystemEvents() })) {
      const event = toRecordedEvent(resolved);
      if (event && event.globalPosition > after && events.length < maxCount) events.push(event);
    }
    return events;
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: excludeSystemEvents() })) {
      const event = toRecordedEvent(resolved);
      if (event) return event.globalPosition;
    }
    return 0n;
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    this.assertOpen();
    const after = checkPosition('after', options.after ?? 0n);
    const maxBatchSize = checkCount('maxBatchSize', options.maxBatchSize, 1000);
    return this.follow(after, maxBatchSize, [options.signal, this.closing.signal]);
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.client.dispose();
  }

  /**
   * The server's catch-up subscription, regrouped into batches: events that
   * arrived while the consumer was busy come out together. The stream is paused
   * when the buffer grows, so a slow consumer holds back the server, not memory.
   */
  private async *follow(after: bigint, maxBatchSize: number, signals: readonly (AbortSignal | undefined)[]): AsyncGenerator<readonly RecordedEvent[]> {
    const subscription = this.client.subscribeToAll({ fromPosition: fromPosition(after), filter: excludeSystemEvents() });
    const buffer: RecordedEvent[] = [];
    let failure: unknown;
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => wake?.();
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const event = toRecordedEvent(resolved);
      if (event && event.globalPosition > after) buffer.push(event);
      if (buffer.length >= maxBatchSize * 4) subscription.pause();
      notify();
    });
    subscription.on('error', (error: Error) => {
      failure = error;
      notify();
    });
    subscription.on('end', () => {
      ended = true;
      notify();
    });
    const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    for (const signal of active) signal.addEventListener('abort', notify);
    try {
      while (!active.some((signal) => signal.aborted)) {
        if (buffer.length > 0) {
          const batch = buffer.splice(0, maxBatchSize);
          subscription.resume();
          yield batch;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      for (const signal of active) signal.removeEventListener('abort', notify);
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  private async findEarlierAttempt(streamName: string, expected: NormalizedExpectedRevision, events: readonly PreparedEvent[]): Promise<AppendResult | undefined> {
    const start = expected === 'noStream' ? 0n : typeof expected === 'bigint' ? expected + 1n : undefined;
    if (start === undefined) return undefined;
    const stored = await this.readStream(streamName, { fromRevision: start, maxCount: events.length });
    if (stored.length !== events.length || stored.some((event, index) => event.id !== events[index]!.id)) return undefined;
    const last = stored[stored.length - 1]!;
    return { nextExpectedRevision: last.streamRevision, position: last.globalPosition, duplicate: true };
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new EventStoreClosedError();
  }
}

function toStreamState(expected: NormalizedExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'noStream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

const fromPosition = (after: bigint): ReadPosition => (after === 0n ? START : unpackPosition(after));

function toEventData(event: PreparedEvent) {
  const { actor, correlationId, causationId, occurredAt } = event.metadata;
  const metadata: StoredMetadata = {
    $correlationId: correlationId,
    ...(causationId === null ? {} : { $causationId: causationId }),
    ...(actor === null ? {} : { actor }),
    occurredAt,
    schemaVersion: String(event.schemaVersion),
  };
  return jsonEvent({ id: event.id, type: event.type, data: JSON.parse(event.json) as Record<string, unknown>, metadata: { ...metadata } });
}

/** Our events only: system and link events (types starting with `$`) are skipped. */
function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
  if (!event.isJson || !event.position) throw new Error(`KurrentDB event ${event.id} in ${event.streamId} is not a Peerlock event (binary, or no position)`);
  const stored = event.metadata as Partial<StoredMetadata> | undefined;
  if (!stored || typeof stored.$correlationId !== 'string' || typeof stored.occurredAt !== 'string' || typeof stored.schemaVersion !== 'string') {
    throw new Error(`KurrentDB event ${event.id} in ${event.streamId} has no Peerlock metadata`);
  }
  const metadata: EventMetadata = {
    actor: stored.actor ?? null,
    correlationId: stored.$correlationId,
    causationId: stored.$causationId ?? null,
    occurredAt: stored.occurredAt,
  };
  return {
    id: event.id,
    type: event.type,
    schemaVersion: Number(stored.schemaVersion),
    data: event.data,
    metadata,
    streamName: event.streamId,
    streamRevision: event.revision,
    globalPosition: packPosition(event.position),
  };
}
