/**
 * The SQLite event store's files are owner-only, as the auth and ciphertext
 * stores' are: the database, its WAL and shared-memory files 0600, a data
 * directory it creates 0700, and an older 0644 database tightened on open.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/index.js';
import { testEvent } from '../../src/eventstore/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'peerlock-sqlite-mode-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('SQLite event store file modes', () => {
  it('creates the data directory 0700 and the database, WAL and shm files 0600 (umask 022)', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = join(root, 'fresh', 'data');
      const path = join(dir, 'peerlock.db');
      const store = new SqliteEventStore({ path });
      await store.append('mode-1', [testEvent()]);
      expect(mode(dir)).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, mode(file)]).toEqual([file, 0o600]);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a database file left 0644 by an earlier version', async () => {
    const path = join(root, 'old.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const store = new SqliteEventStore({ path });
    expect(mode(path)).toBe(0o600);
    await store.close();
  });
});
