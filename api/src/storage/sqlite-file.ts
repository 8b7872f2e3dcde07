import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A SQLite file of the server's: owner-only from its first byte (SQLite gives
 * -wal and -shm the database file's mode; an existing file is tightened too),
 * WAL mode, `synchronous = NORMAL` (commits survive a process crash; a power
 * loss may lose the last few, as for the event log), and a wait instead of an
 * error when another connection holds the write lock.
 */
export function openSqliteFile(path: string): Database.Database {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
