import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { jsonEvent, KurrentDBClient, START, type Position } from '@kurrent/kurrentdb-client';
import { benchEvent } from './bench-events.js';

/**
 * The ceiling each adapter is measured against: the same database doing the
 * plainest insert of the same rows (same columns, same unique indexes, same
 * durability settings), with none of the adapter's work: no validation, no
 * expected-revision check, no idempotency lookup, no ordering protocol.
 */
export interface BareBaseline {
  /** One event in its own transaction. */
  single(writer: number, index: number): Promise<void>;
  /** `size` events in one transaction. */
  batch(writer: number, index: number, size: number): Promise<void>;
  /** Reads `maxCount` raw rows of the adapter's own event table after `after`; returns the last position read. */
  read(after: bigint, maxCount: number): Promise<bigint | undefined>;
  close(): Promise<void>;
}

/** Rows built ahead, like the adapter's events: only the id changes per insert (ids are unique). */
const templates = Array.from({ length: 1000 }, (_, n) => {
  const event = benchEvent(n);
  return [event.type, event.schemaVersion, JSON.stringify(event.data), event.metadata.actor, event.metadata.correlationId, event.metadata.causationId, event.metadata.occurredAt] as const;
});
const row = (n: number) => [randomUUID(), `bare-${n % 8}`, ...templates[n % templates.length]!] as const;

export function sqliteBaseline(barePath: string, eventsPath: string, synchronous: 'NORMAL' | 'FULL'): BareBaseline {
  const db = new Database(barePath);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  // The adapter's checkpoint setting too: the ceiling is the same database, tuned the same way.
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(`CREATE TABLE IF NOT EXISTS bare_events (
    global_position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream_name TEXT NOT NULL, stream_revision INTEGER NOT NULL,
    event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL, actor TEXT, correlation_id TEXT NOT NULL,
    causation_id TEXT, occurred_at TEXT NOT NULL, UNIQUE (stream_name, stream_revision)) STRICT`);
  const insert = db.prepare(
    'INSERT INTO bare_events (event_id, stream_name, stream_revision, event_type, schema_version, data, actor, correlation_id, causation_id, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let revision = 0;
  let n = 0;
  const insertOne = () => {
    const [id, stream, ...rest] = row(n++);
    insert.run(id, stream, revision++, ...rest);
  };
  const single = db.transaction(insertOne);
  const batch = db.transaction((size: number) => {
    for (let i = 0; i < size; i++) insertOne();
  });
  const reader = new Database(eventsPath, { readonly: true });
  const select = reader.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?').raw();
  return {
    single: async () => void single.immediate(),
    batch: async (_w, _i, size) => void batch.immediate(size),
    async read(after, maxCount) {
      const rows = select.all(after, maxCount) as unknown[][];
      return rows.length ? BigInt(rows[rows.length - 1]![0] as number) : undefined;
    },
    async close() {
      db.close();
      reader.close();
    },
  };
}

export async function postgresBaseline(connectionString: string, schema: string): Promise<BareBaseline> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${schema}.bare_events (
    global_position bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream_name text NOT NULL, stream_revision bigint NOT NULL,
    event_type text NOT NULL, schema_version integer NOT NULL, data json NOT NULL, actor text, correlation_id text NOT NULL,
    causation_id text, occurred_at timestamptz NOT NULL, UNIQUE (stream_name, stream_revision))`);
  const revisions = new Map<number, number>();
  let n = 0;
  const nextRow = (writer: number) => {
    const revision = revisions.get(writer) ?? 0;
    revisions.set(writer, revision + 1);
    const [id, , ...rest] = row(n++);
    return [id, `bare-${writer}-${schema}`, revision, ...rest];
  };
  const columns = 'event_id, stream_name, stream_revision, event_type, schema_version, data, actor, correlation_id, causation_id, occurred_at';
  return {
    async single(writer) {
      await pool.query({ name: 'bare-single', text: `INSERT INTO ${schema}.bare_events (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, values: nextRow(writer) });
    },
    async batch(writer, _index, size) {
      const rows = Array.from({ length: size }, () => nextRow(writer));
      const column = (i: number) => rows.map((r) => r[i]);
      await pool.query({
        name: 'bare-batch',
        text: `INSERT INTO ${schema}.bare_events (${columns})
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::integer[], $6::json[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])`,
        values: Array.from({ length: 10 }, (_, i) => column(i)),
      });
    },
    async read(after, maxCount) {
      const { rows } = await pool.query<{ global_position: string }>({
        name: 'bare-read',
        text: `SELECT * FROM ${schema}.events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        values: [after.toString(), maxCount],
      });
      return rows.length ? BigInt(rows[rows.length - 1]!.global_position) : undefined;
    },
    close: () => pool.end(),
  };
}

export function kurrentDbBaseline(connectionString: string): BareBaseline {
  const client = KurrentDBClient.connectionString(connectionString);
  const prefix = `bare-${randomUUID()}`;
  const toData = (n: number) => {
    const event = benchEvent(n);
    return jsonEvent({ id: event.id, type: event.type, data: { ...event.data }, metadata: { $correlationId: event.metadata.correlationId, occurredAt: event.metadata.occurredAt, schemaVersion: '1' } });
  };
  let n = 0;
  return {
    async single(writer) {
      await client.appendToStream(`${prefix}-${writer}`, toData(n++));
    },
    async batch(writer, _index, size) {
      await client.appendToStream(`${prefix}-${writer}`, Array.from({ length: size }, () => toData(n++)));
    },
    async read(after, maxCount) {
      let last: Position | undefined;
      const fromPosition = after === 0n ? START : { commit: after >> 64n, prepare: after & ((1n << 64n) - 1n) };
      for await (const resolved of client.readAll({ fromPosition, maxCount })) last = resolved.event?.position ?? last;
      return last ? (last.commit << 64n) | last.prepare : undefined;
    },
    close: () => client.dispose(),
  };
}
