import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  foldEvents,
  PostgresReadModelStore,
  ProjectionRunner,
  SqliteReadModelStore,
  userDirectoryProjection,
  type ReadModelStore,
  type UserDirectoryEntry,
} from '@peerlock/projections';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';
import { accountEventGenerator, appendGenerated } from '../support/random-account-events.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

interface Backend {
  events: EventStore;
  readModels: () => ReadModelStore;
  close(): Promise<void>;
}

/** The read model as a plain fold over the whole log, in memory: the reference both runs must match. */
async function foldInMemory(events: EventStore): Promise<{ id: string; doc: UserDirectoryEntry }[]> {
  const documents = new Map<string, UserDirectoryEntry>();
  for (let after = 0n; ; ) {
    const batch = await events.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.globalPosition;
    const handled = batch.filter((event) => userDirectoryProjection.handles.has(event.type)).map((event) => userDirectoryProjection.decode(event));
    for (const [id, doc] of foldEvents(userDirectoryProjection, { get: (id) => documents.get(id) }, handled)) {
      if (doc === null) documents.delete(id);
      else documents.set(id, doc);
    }
  }
  return [...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, doc]) => ({ id, doc }));
}

function equivalenceSuite(name: string, open: () => Promise<Backend>, skip = '') {
  describe.skipIf(skip !== '')(`user directory on ${name}: incremental equals rebuilt${skip}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(async () => {
      await backend?.close();
    });

    it('follows thousands of random account events live, then rebuilds from zero to the same rows', async () => {
      const errors: unknown[] = [];
      // Two live runners on one read model, as on two server nodes: each event must still land once.
      const runners = [1, 2].map(
        (i) => new ProjectionRunner({ source: backend.events, store: backend.readModels(), projection: userDirectoryProjection, batchSize: 40 * i, onError: (e) => errors.push(e) }),
      );
      for (const runner of runners) runner.start();
      try {
        // Three concurrent writers on disjoint accounts, ~3000 events in appends of 1–3.
        const written = await Promise.all(['alpha', 'bravo', 'charlie'].map((prefix, seed) => appendGenerated(backend.events, accountEventGenerator(seed + 1, { prefix, usernames: 60 }), 500)));
        expect(written.reduce((a, b) => a + b)).toBeGreaterThan(2500);
        const head = await backend.events.headPosition();
        while ((await runners[0]!.lag()).checkpoint < head) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await Promise.all(runners.map((runner) => runner.stop()));
      }
      expect(errors).toEqual([]);

      const store = backend.readModels();
      const incremental = await store.list<UserDirectoryEntry>(userDirectoryProjection.name);
      expect(incremental.length).toBeGreaterThan(100);
      expect(incremental).toEqual(await foldInMemory(backend.events));

      await runners[0]!.rebuild();
      expect(await store.list(userDirectoryProjection.name)).toEqual(incremental);
      expect((await runners[0]!.lag()).behind).toBe(0n);
    });
  });
}

equivalenceSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-rebuild-'));
  const path = join(dir, 'peerlock.db');
  const events = new SqliteEventStore({ path });
  const stores: SqliteReadModelStore[] = [];
  return {
    events,
    readModels: () => {
      const store = SqliteReadModelStore.open(path);
      stores.push(store);
      return store;
    },
    async close() {
      await events.close();
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

equivalenceSuite(
  'PostgreSQL',
  async () => {
    const schema = testSchemaName();
    const events = await PostgresEventStore.open({ connectionString: DATABASE_URL!, schema });
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 6 });
    return {
      events,
      readModels: () => new PostgresReadModelStore(pool, { schema }),
      async close() {
        await events.close();
        await pool.end();
        await dropSchema(schema);
      },
    };
  },
  DATABASE_URL ? '' : POSTGRES_SKIP,
);
