import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteCheckpointer } from '../../src/storage/sqlite-checkpointer.js';

describe('SQLite checkpointer (a worker thread)', () => {
  it('copies the WAL into the database file while the main connection keeps writing, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-checkpointer-'));
    const path = join(dir, 'db.sqlite');
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      // No checkpoint from the writer itself: whatever reaches the database file was copied by the worker.
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)');
      const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
      const write = (n: number) => db.transaction(() => { for (let i = 0; i < n; i++) insert.run(Buffer.alloc(1024, i)); })();
      write(2000);
      const before = statSync(path).size;
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(2_000_000);

      const checkpointer = new SqliteCheckpointer([path], 20);
      const deadline = Date.now() + 10_000;
      while (statSync(path).size < before + 2_000_000 && Date.now() < deadline) {
        write(10);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(statSync(path).size).toBeGreaterThan(before + 2_000_000);
      await checkpointer.stop();
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toMatchObject({ n: expect.any(Number) });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('truncates one file’s WAL to nothing on request, while the main connection stays open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-checkpointer-'));
    const path = join(dir, 'db.sqlite');
    const other = join(dir, 'other.sqlite');
    const db = new Database(path);
    const untouched = new Database(other);
    const checkpointer = new SqliteCheckpointer([other, path], 60_000);
    try {
      for (const d of [db, untouched]) {
        d.pragma('journal_mode = WAL');
        d.pragma('wal_autocheckpoint = 0');
        d.exec('CREATE TABLE t (blob BLOB NOT NULL)');
        d.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(100_000, 1));
      }
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(100_000);
      expect(await checkpointer.truncate(path)).toBe(true);
      expect(statSync(`${path}-wal`).size).toBe(0);
      expect(statSync(`${other}-wal`).size).toBeGreaterThan(100_000);
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      await expect(checkpointer.truncate(join(dir, 'unknown.sqlite'))).rejects.toThrow(/not a checkpointed file/);
    } finally {
      await checkpointer.stop();
      db.close();
      untouched.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
