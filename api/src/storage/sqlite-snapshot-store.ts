import type Database from 'better-sqlite3';
import type { AggregateSnapshot, SnapshotStore } from './snapshot-store.js';
import { openSqliteFile } from './sqlite-file.js';

/** In the event log's file (snapshots are small and few: one per stream, rewritten every so many events). */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS aggregate_snapshots (
        key      TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        position INTEGER NOT NULL,
        state    TEXT NOT NULL
      ) STRICT;
    `);
    this.stmts = {
      get: this.db.prepare<[string], { revision: bigint; position: bigint; state: string }>('SELECT revision, position, state FROM aggregate_snapshots WHERE key = ?').safeIntegers(true),
      put: this.db.prepare(
        `INSERT INTO aggregate_snapshots (key, revision, position, state) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, position = excluded.position, state = excluded.state
         WHERE excluded.revision > aggregate_snapshots.revision`,
      ),
    };
  }

  async get(key: string): Promise<AggregateSnapshot | undefined> {
    const row = this.stmts.get.get(key);
    return row ? { revision: row.revision, position: row.position, state: JSON.parse(row.state) as unknown } : undefined;
  }

  async put(key: string, snapshot: AggregateSnapshot): Promise<void> {
    this.stmts.put.run(key, snapshot.revision, snapshot.position, JSON.stringify(snapshot.state));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
