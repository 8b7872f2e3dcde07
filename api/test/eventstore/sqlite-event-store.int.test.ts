import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/eventstore/index.js';
import { eventStoreContract } from '../../src/eventstore/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'peerlock-sqlite-store-'));
const path = join(dir, 'peerlock.db');

eventStoreContract('SQLite', {
  // Every connection opens the same file, as separate server processes would.
  open: async () => new SqliteEventStore({ path }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
  densePositions: true,
  globallyUniqueEventIds: true,
});
