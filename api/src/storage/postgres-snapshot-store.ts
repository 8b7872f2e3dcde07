import type pg from 'pg';
import type { AggregateSnapshot, SnapshotStore } from './snapshot-store.js';
import { inDdlTransaction } from './postgres-ddl.js';

export class PostgresSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
  ) {}

  static async open(pool: pg.Pool, schema: string): Promise<PostgresSnapshotStore> {
    await inDdlTransaction(pool, schema, (client) =>
      client.query(`CREATE TABLE IF NOT EXISTS ${schema}.aggregate_snapshots (
        key      TEXT PRIMARY KEY,
        revision BIGINT NOT NULL,
        position BIGINT NOT NULL,
        state    JSONB NOT NULL)`),
    );
    return new PostgresSnapshotStore(pool, schema);
  }

  async get(key: string): Promise<AggregateSnapshot | undefined> {
    const { rows } = await this.pool.query<{ revision: string; position: string; state: unknown }>(`SELECT revision, position, state FROM ${this.s}.aggregate_snapshots WHERE key = $1`, [key]);
    const row = rows[0];
    return row ? { revision: BigInt(row.revision), position: BigInt(row.position), state: row.state } : undefined;
  }

  async put(key: string, snapshot: AggregateSnapshot): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.aggregate_snapshots (key, revision, position, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, position = excluded.position, state = excluded.state
       WHERE excluded.revision > ${this.s}.aggregate_snapshots.revision`,
      [key, snapshot.revision.toString(), snapshot.position.toString(), JSON.stringify(snapshot.state)],
    );
  }

  /** The pool is the read models' and is closed with them. */
  async close(): Promise<void> {}
}
