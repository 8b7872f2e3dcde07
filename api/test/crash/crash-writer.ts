/**
 * A writer process for the crash test: appends generated account events as
 * fast as it can from several concurrent loops while a projection runner follows
 * the log, until the test kills it with SIGKILL. Before each append it logs the
 * intent (the event ids), after the store acknowledges it logs the ack; both
 * with a synchronous write, so the log on disk is exactly what the process
 * knew when it died.
 *
 * Configuration (environment): CRASH_STORE=sqlite|postgres, CRASH_SQLITE_PATH,
 * CRASH_DATABASE_URL, CRASH_SCHEMA, CRASH_ACK_LOG, CRASH_RUN (a short tag, distinct per run).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import pg from 'pg';
import { PostgresReadModelStore, ProjectionRunner, SqliteReadModelStore, userDirectoryProjection, type ReadModelStore } from '@peerlock/projections';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';
import { accountEventGenerator } from '../support/random-account-events.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function open(): Promise<{ events: EventStore; readModels: ReadModelStore }> {
  if (env('CRASH_STORE') === 'sqlite') {
    const path = env('CRASH_SQLITE_PATH');
    return { events: new SqliteEventStore({ path }), readModels: SqliteReadModelStore.open(path) };
  }
  const connectionString = env('CRASH_DATABASE_URL');
  const schema = env('CRASH_SCHEMA');
  return {
    events: await PostgresEventStore.open({ connectionString, schema }),
    readModels: new PostgresReadModelStore(new pg.Pool({ connectionString, max: 4 }), { schema }),
  };
}

const run = env('CRASH_RUN');
const log = openSync(env('CRASH_ACK_LOG'), 'a');
const record = (entry: object) => writeSync(log, `${JSON.stringify(entry)}\n`);

const { events, readModels } = await open();
new ProjectionRunner({ source: events, store: readModels, projection: userDirectoryProjection, batchSize: 50, onError: (error) => console.error(error) }).start();

await Promise.all(
  [0, 1, 2, 3].map(async (loop) => {
    const generator = accountEventGenerator(Number.parseInt(run.replace(/\D/g, ''), 10) * 10 + loop, { prefix: `${run}w${loop}u`, usernames: 40 });
    for (;;) {
      // As requests arrive in a server, through the event loop: with SQLite an append settles in
      // microtasks, so without this the four loops would never let the runner (which yields between
      // its batches) take a turn before the kill.
      await new Promise((resolve) => setImmediate(resolve));
      const append = generator.next();
      const ids = append.events.map((event) => event.id);
      record({ kind: 'intent', ids });
      const result = await events.append(append.streamName, append.events, { expectedRevision: append.expectedRevision });
      record({ kind: 'ack', ids, position: result.position.toString() });
    }
  }),
).catch((error: unknown) => {
  console.error(error);
  closeSync(log);
  process.exit(1);
});
