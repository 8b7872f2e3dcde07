import { EventEmitter } from 'node:events';
import { fulfilled, turnBatcher } from '@peerlock/projections';
import pg from 'pg';
import type { RecordedEvent } from '@peerlock/schema';
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
import { resultOfEarlierAttempt } from './idempotent-retries.js';
import { logSubscription, type Wakeups } from './log-subscription.js';
import { migrate, NOTIFY_CHANNEL } from './postgres-event-store-schema.js';
import { createPostgresPool, PostgresListener, type PostgresConnectionOptions } from '../storage/postgres-pool.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** The PostgreSQL schema for the event tables (created if missing). Default `public`. */
  readonly schema?: string;
  /** Connections in this process's pool. Default 10. */
  readonly poolSize?: number;
  /** Safety net for live subscriptions if a notification is lost (listener reconnecting). Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Where lines about lost and restored connections go. Default console.warn. */
  readonly log?: (line: string) => void;
}

interface EventRow {
  global_position: string;
  event_id: string;
  stream_name: string;
  stream_revision: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  actor: string | null;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: string;
}

interface PendingAppend {
  readonly streamName: string;
  readonly expected: NormalizedExpectedRevision;
  readonly events: readonly PreparedEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Appends waiting while a group is in flight are sent together; bounded so one transaction stays short. */
const MAX_GROUP_EVENTS = 2000;
const MAX_GROUP_BYTES = 4_000_000;

/**
 * The production store. Appends take turns on a transaction-level advisory lock
 * held until commit, so global positions are handed out in commit order and
 * become visible in order on every connection of every server process: a reader
 * that has seen position p can never later find a new event below p. Appends
 * issued concurrently in one process are group-committed (one transaction, one
 * WAL flush, one notification) so throughput does not collapse to one append per
 * flush. See docs/eventstore.md for the reasoning and the measurements.
 */
export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly listener: NotificationListener;
  private readonly closing = new AbortController();
  private readonly pollIntervalMs: number;
  private readonly sql: ReturnType<typeof statements>;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  /** Retry-or-collision lookups still running; close() waits for them. */
  private readonly settling = new Set<Promise<void>>();

  /** Connects and creates or migrates the schema. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await migrate(store.pool, store.schema);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) throw new RangeError(`invalid PostgreSQL schema name ${JSON.stringify(this.schema)}`);
    const connection = {
      connectionString: options.connectionString,
      name: 'peerlock-event-store',
      // The append-lock protocol relies on READ COMMITTED's fresh snapshot per statement; never inherit a stricter default.
      options: '-c default_transaction_isolation=read\\ committed',
      ...(options.log ? { log: options.log } : {}),
    };
    // Survives a database restart: broken connections are replaced on demand (storage/postgres-pool.ts).
    this.pool = createPostgresPool({ ...connection, max: options.poolSize ?? 10 });
    this.listener = new NotificationListener(connection, this.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.sql = statements(this.schema);
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(streamName);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    const prepared = prepareEvents(events);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamName, expected, events: prepared, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromRevision, maxCount } = normalizeReadStream(streamName, options);
    const limit = maxCount === Number.MAX_SAFE_INTEGER ? null : maxCount;
    // The common read, a stream's tail from a revision (every decider's load), goes in a group.
    if (direction === 'forwards' && limit === null) return this.readTail({ streamName, fromRevision: fromRevision ?? 0n });
    const query =
      direction === 'forwards'
        ? { ...this.sql.readForwards, values: [streamName, (fromRevision ?? 0n).toString(), limit] }
        : { ...this.sql.readBackwards, values: [streamName, (fromRevision ?? 2n ** 63n - 1n).toString(), limit] };
    const { rows } = await this.pool.query<EventRow>(query);
    return rows.map(toRecordedEvent);
  }

  /**
   * The tail reads of one event-loop turn go to the database as one query
   * (one round trip instead of one per load: a message send loads three
   * streams, and many sends run at once). Each caller gets exactly its own
   * stream's events from its own revision, as a single read would return them.
   */
  private readonly readTail = turnBatcher(async (group: readonly { streamName: string; fromRevision: bigint }[]) => {
    const { rows } = await this.pool.query<EventRow & { request: number }>({
      ...this.sql.readTails,
      values: [group.map((r) => r.streamName), group.map((r) => r.fromRevision.toString())],
    });
    const byRequest: RecordedEvent[][] = group.map(() => []);
    for (const row of rows) byRequest[Number(row.request) - 1]!.push(toRecordedEvent(row));
    return byRequest.map((events) => fulfilled(events));
  });

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after, maxCount } = normalizeReadAll(options);
    return this.readAfter(after, maxCount);
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ position: string }>(this.sql.head);
    return BigInt(rows[0]?.position ?? '0');
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    this.assertOpen();
    return logSubscription({
      read: async (after, maxCount) => (this.closing.signal.aborted ? [] : this.readAfter(after, maxCount)),
      after: checkPosition('after', options.after ?? 0n),
      maxBatchSize: checkCount('maxBatchSize', options.maxBatchSize, 1000),
      wakeups: this.listener,
      pollIntervalMs: this.pollIntervalMs,
      signals: [options.signal, this.closing.signal],
    });
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    // Appends already accepted are finished, not dropped.
    await this.flushing;
    await Promise.all(this.settling);
    await this.listener.close();
    await this.pool.end();
  }

  private async readAfter(after: bigint, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({ ...this.sql.readAll, values: [after.toString(), maxCount] });
    return rows.map(toRecordedEvent);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      let events = 0;
      let bytes = 0;
      let take = 0;
      // One stream at most once per group: its appends check revisions against the log as it was before the group.
      const streams = new Set<string>();
      while (take < this.queue.length) {
        const next = this.queue[take]!;
        const nextBytes = next.events.reduce((sum, event) => sum + event.json.length, 0);
        if (take > 0 && (events + next.events.length > MAX_GROUP_EVENTS || bytes + nextBytes > MAX_GROUP_BYTES || streams.has(next.streamName))) break;
        streams.add(next.streamName);
        events += next.events.length;
        bytes += nextBytes;
        take += 1;
      }
      const group = this.queue.slice(0, take);
      this.queue = this.queue.slice(take);
      await this.commitGroup(group);
      // With several callers waiting, let the ones just answered run first: their next appends then join the
      // next group instead of trickling in after it. A lone caller is not made to wait for that.
      if (group.length > 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.flushing = undefined;
  }

  private async commitGroup(group: readonly PendingAppend[]): Promise<void> {
    let rows: { outcome: 'ok' | 'conflict'; revision: string; global_position: string | null }[];
    try {
      rows = (await this.pool.query({ ...this.sql.append, values: appendParameters(group) })).rows;
    } catch (error) {
      // One transaction failed for all: retry each alone, so one append's failure is not another's.
      // A group that did commit before the connection broke is safe to resend: its ids make it a retry.
      if (group.length > 1) {
        for (const pending of group) await this.commitGroup([pending]);
      } else if (isStoredEventId(error)) {
        this.settleLater(group[0]!, error);
      } else {
        group[0]!.reject(error);
      }
      return;
    }
    group.forEach((pending, index) => {
      const row = rows[index]!;
      if (row.outcome === 'ok') {
        pending.resolve({ nextExpectedRevision: BigInt(row.revision), position: BigInt(row.global_position!), duplicate: false });
      } else {
        const actual = row.revision === '-1' ? 'noStream' : BigInt(row.revision);
        // A retry whose first attempt landed reads as a conflict once the stream has moved on.
        this.settleLater(pending, new ConcurrencyError(pending.streamName, pending.expected, actual));
      }
    });
  }

  private settleLater(pending: PendingAppend, otherwise: unknown): void {
    const settling = this.settleFromStoredIds(pending, otherwise);
    this.settling.add(settling);
    void settling.finally(() => this.settling.delete(settling));
  }

  /** Outside the append lock: was this a retry of an append that already succeeded? Otherwise fail with `otherwise`. */
  private async settleFromStoredIds(pending: PendingAppend, otherwise: unknown): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ event_id: string; stream_name: string; stream_revision: string; global_position: string }>({
        ...this.sql.findIds,
        values: [pending.events.map((event) => event.id)],
      });
      const stored = rows.map((row) => ({ id: row.event_id, streamName: row.stream_name, streamRevision: BigInt(row.stream_revision), globalPosition: BigInt(row.global_position) }));
      const earlier = resultOfEarlierAttempt(pending.streamName, pending.events, stored);
      if (earlier) pending.resolve(earlier);
      else pending.reject(otherwise);
    } catch (error) {
      pending.reject(error);
    }
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new EventStoreClosedError();
  }
}

/** The unique index on event ids refused the append: some id is already in the log. */
function isStoredEventId(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === 'events_event_id_key';
}

/** Column arrays for append_events: one entry per append, then one per event (appends back to back), then each event's append and place. */
function appendParameters(group: readonly PendingAppend[]): unknown[] {
  const streams: string[] = [];
  const expected: string[] = [];
  const counts: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const data: string[] = [];
  const actors: (string | null)[] = [];
  const correlations: string[] = [];
  const causations: (string | null)[] = [];
  const occurred: string[] = [];
  const eventAppends: number[] = [];
  const eventIndexes: number[] = [];
  for (const [appendIndex, pending] of group.entries()) {
    streams.push(pending.streamName);
    expected.push(typeof pending.expected === 'bigint' ? pending.expected.toString() : pending.expected);
    counts.push(pending.events.length);
    for (const [eventIndex, event] of pending.events.entries()) {
      eventAppends.push(appendIndex + 1);
      eventIndexes.push(eventIndex + 1);
      ids.push(event.id);
      types.push(event.type);
      versions.push(event.schemaVersion);
      data.push(event.json);
      actors.push(event.metadata.actor);
      correlations.push(event.metadata.correlationId);
      causations.push(event.metadata.causationId);
      occurred.push(event.metadata.occurredAt);
    }
  }
  return [streams, expected, counts, ids, types, versions, data, actors, correlations, causations, occurred, eventAppends, eventIndexes];
}

function statements(schema: string) {
  // Named statements are parsed and planned once per connection.
  const columnsOf = (t: string) => `${t}global_position, ${t}event_id, ${t}stream_name, ${t}stream_revision, ${t}event_type, ${t}schema_version, ${t}data,
    ${t}actor, ${t}correlation_id, ${t}causation_id, to_char(${t}occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`;
  const columns = columnsOf('');
  return {
    append: {
      name: `peerlock-append-${schema}`,
      text: `SELECT outcome, revision, global_position FROM ${schema}.append_events($1::text[], $2::text[], $3::integer[], $4::uuid[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::integer[], $13::integer[])`,
    },
    readAll: { name: `peerlock-read-all-${schema}`, text: `SELECT ${columns} FROM ${schema}.events WHERE global_position > $1 ORDER BY global_position LIMIT $2` },
    // One row per (request, event): `request` is the 1-based index of the (stream, revision) pair asked for.
    readTails: {
      name: `peerlock-read-tails-${schema}`,
      text: `SELECT q.request, ${columnsOf('e.')}
        FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS q(stream, from_revision, request)
        JOIN ${schema}.events e ON e.stream_name = q.stream AND e.stream_revision >= q.from_revision
        ORDER BY q.request, e.stream_revision`,
    },
    readForwards: {
      name: `peerlock-read-forwards-${schema}`,
      text: `SELECT ${columns} FROM ${schema}.events WHERE stream_name = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
    },
    readBackwards: {
      name: `peerlock-read-backwards-${schema}`,
      text: `SELECT ${columns} FROM ${schema}.events WHERE stream_name = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`,
    },
    head: { name: `peerlock-head-${schema}`, text: `SELECT coalesce((SELECT global_position FROM ${schema}.events ORDER BY global_position DESC LIMIT 1), 0) AS position` },
    findIds: {
      name: `peerlock-find-ids-${schema}`,
      text: `SELECT event_id, stream_name, stream_revision, global_position FROM ${schema}.events WHERE event_id = ANY ($1::uuid[])`,
    },
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: { actor: row.actor, correlationId: row.correlation_id, causationId: row.causation_id, occurredAt: row.occurred_at },
    streamName: row.stream_name,
    streamRevision: BigInt(row.stream_revision),
    globalPosition: BigInt(row.global_position),
  };
}

/**
 * One LISTEN connection per store, opened when the first subscription starts.
 * While it is away (a database restart), subscriptions fall back to polling;
 * every subscriber is woken when it is back, to pick up whatever was missed.
 */
class NotificationListener implements Wakeups {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly connection: PostgresListener;

  constructor(options: PostgresConnectionOptions, schema: string) {
    const wake = () => this.emitter.emit('wake');
    this.connection = new PostgresListener(
      { ...options, name: 'peerlock-event-store-listener', channel: NOTIFY_CHANNEL },
      (payload) => {
        if (payload === schema) wake();
      },
      wake,
    );
  }

  listen(listener: () => void): () => void {
    this.emitter.on('wake', listener);
    this.connection.start();
    return () => this.emitter.off('wake', listener);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
