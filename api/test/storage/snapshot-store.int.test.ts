/** The contract every aggregate snapshot store keeps (storage/snapshot-store.ts); the same tests run on each adapter. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../../src/storage/snapshot-store.js';
import { SqliteSnapshotStore } from '../../src/storage/sqlite-snapshot-store.js';
import { PostgresSnapshotStore } from '../../src/storage/postgres-snapshot-store.js';
import { connections } from '../support/connections.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

function snapshotStoreContract(name: string, open: () => Promise<SnapshotStore>, cleanup: () => Promise<void>, skip = '') {
  describe.skipIf(skip !== '')(`snapshot store on ${name}${skip}`, () => {
    const connect = connections(open, cleanup);

    it('has nothing for a key never written, and gives back what was written, 64-bit positions included', async () => {
      const store = await connect();
      expect(await store.get('conversation@2:none')).toBeUndefined();
      const state = { status: 'open', participants: ['alice', 'bob'], messageCount: 100_000, removedThrough: { alice: 3 } };
      await store.put('conversation@2:c1', { revision: 99_999n, position: 2n ** 60n, state });
      expect(await store.get('conversation@2:c1')).toEqual({ revision: 99_999n, position: 2n ** 60n, state });
    });

    it('keeps the newest revision per key: a late, older snapshot (another node’s) does not replace it', async () => {
      const store = await connect();
      const other = await connect();
      await store.put('k:s', { revision: 2000n, position: 5000n, state: { n: 2000 } });
      await other.put('k:s', { revision: 1000n, position: 4000n, state: { n: 1000 } });
      expect(await store.get('k:s')).toEqual({ revision: 2000n, position: 5000n, state: { n: 2000 } });
      await other.put('k:s', { revision: 3000n, position: 6000n, state: { n: 3000 } });
      expect(await store.get('k:s')).toEqual({ revision: 3000n, position: 6000n, state: { n: 3000 } });
    });

    it('keeps keys apart: another decider version or stream is another snapshot', async () => {
      const store = await connect();
      await store.put('conversation@1:x', { revision: 10n, position: 10n, state: { v: 1 } });
      await store.put('conversation@2:x', { revision: 5n, position: 11n, state: { v: 2 } });
      expect((await store.get('conversation@1:x'))?.state).toEqual({ v: 1 });
      expect((await store.get('conversation@2:x'))?.state).toEqual({ v: 2 });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'peerlock-snapshots-'));
snapshotStoreContract(
  'SQLite',
  async () => new SqliteSnapshotStore(join(dir, 'peerlock.db')),
  async () => rmSync(dir, { recursive: true, force: true }),
);

const schema = testSchemaName();
const pools: pg.Pool[] = [];
snapshotStoreContract(
  'PostgreSQL',
  async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    pools.push(pool);
    return PostgresSnapshotStore.open(pool, schema);
  },
  async () => {
    for (const pool of pools) await pool.end();
    await dropSchema(schema);
  },
  POSTGRES_SKIP,
);
