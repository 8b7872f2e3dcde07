import type pg from 'pg';
import { fulfilled, turnBatcher, type TurnBatch } from './turn-batcher.js';
import { assertProjectionName, ProjectionVersionMismatchError } from '../projection-errors.js';
import { idBounds, type CommitOutcome, type IdRange, type ReadModelBatch, type ReadModelStore, type StoredCheckpoint } from './read-model-store.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresReadModelStoreOptions {
  /** The PostgreSQL schema holding the tables, normally the event store's. Default `public`. */
  readonly schema?: string;
}

interface CheckpointRow {
  position: string;
  version: number;
}

/**
 * Read models in PostgreSQL. Each commit is one transaction that locks the
 * projection's checkpoint row (`FOR UPDATE`), so runners of the same projection
 * on several server processes take turns, and a runner whose batch was read
 * after an older checkpoint finds out (`stale`) instead of applying it twice.
 *
 * The pool is the caller's: the API gives one that survives a database
 * restart (api/src/storage/postgres-pool.ts). A transaction cut by a restart
 * rolls back whole and its connection is discarded, never pooled again; the
 * runner retries the batch from the stored checkpoint.
 */
export class PostgresReadModelStore implements ReadModelStore {
  /** One batcher per read model: the lookups of one turn are one query per model. */
  private readonly lookups = new Map<string, TurnBatch<string, unknown>>();
  private readonly schema: string;
  private initialized: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresReadModelStoreOptions = {},
  ) {
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) throw new RangeError(`invalid PostgreSQL schema name ${JSON.stringify(this.schema)}`);
  }

  async prepare(projection: { name: string; version: number }): Promise<StoredCheckpoint> {
    assertProjectionName(projection.name);
    await this.init();
    return this.transaction(async (client) => {
      await this.lockDdl(client);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table(projection.name)} (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL)`);
      const { rows } = await client.query<CheckpointRow>(`SELECT position, version FROM ${this.schema}.projection_checkpoints WHERE name = $1 FOR UPDATE`, [projection.name]);
      const row = rows[0];
      if (!row) {
        await client.query(`INSERT INTO ${this.schema}.projection_checkpoints (name, position, version) VALUES ($1, '0', $2)`, [projection.name, projection.version]);
        return { position: 0n, version: projection.version };
      }
      const stored = toCheckpoint(row);
      if (stored.version === projection.version) return stored;
      if (stored.position !== 0n) throw new ProjectionVersionMismatchError(projection.name, stored.version, projection.version);
      await client.query(`UPDATE ${this.schema}.projection_checkpoints SET version = $2 WHERE name = $1`, [projection.name, projection.version]);
      return { position: 0n, version: projection.version };
    });
  }

  async commit<Doc>(name: string, batch: ReadModelBatch<Doc>): Promise<CommitOutcome> {
    assertProjectionName(name);
    const table = this.table(name);
    return this.transaction(async (client) => {
      const { rows } = await client.query<CheckpointRow>(`SELECT position, version FROM ${this.schema}.projection_checkpoints WHERE name = $1 FOR UPDATE`, [name]);
      if (!rows[0] || BigInt(rows[0].position) !== batch.from) return 'stale';
      const loaded = new Map<string, Doc>();
      if (batch.documentIds.length > 0) {
        const result = await client.query<{ id: string; doc: Doc }>(`SELECT id, doc FROM ${table} WHERE id = ANY($1::text[])`, [batch.documentIds]);
        for (const row of result.rows) loaded.set(row.id, row.doc);
      }
      const changes = batch.fold({ get: (id) => loaded.get(id) });
      const putIds: string[] = [];
      const putDocs: string[] = [];
      const deleteIds: string[] = [];
      for (const [id, doc] of changes) {
        if (doc === null) deleteIds.push(id);
        else {
          putIds.push(id);
          putDocs.push(JSON.stringify(doc));
        }
      }
      if (putIds.length > 0) {
        await client.query(
          `INSERT INTO ${table} (id, doc) SELECT id, doc::jsonb FROM unnest($1::text[], $2::text[]) AS t(id, doc) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`,
          [putIds, putDocs],
        );
      }
      if (deleteIds.length > 0) await client.query(`DELETE FROM ${table} WHERE id = ANY($1::text[])`, [deleteIds]);
      await client.query(`UPDATE ${this.schema}.projection_checkpoints SET position = $2 WHERE name = $1`, [name, batch.to.toString()]);
      return 'committed';
    }, { rebuildable: true });
  }

  async reset(projection: { name: string; version: number }): Promise<void> {
    assertProjectionName(projection.name);
    await this.init();
    await this.transaction(async (client) => {
      await this.lockDdl(client);
      // The checkpoint row lock first: a runner mid-commit finishes before the table goes, and sees `stale` after.
      await client.query(`SELECT 1 FROM ${this.schema}.projection_checkpoints WHERE name = $1 FOR UPDATE`, [projection.name]);
      await client.query(`DROP TABLE IF EXISTS ${this.table(projection.name)}`);
      await client.query(`CREATE TABLE ${this.table(projection.name)} (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL)`);
      await client.query(
        `INSERT INTO ${this.schema}.projection_checkpoints (name, position, version) VALUES ($1, '0', $2)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, version = EXCLUDED.version`,
        [projection.name, projection.version],
      );
    });
  }

  async swap(live: string, shadow: string): Promise<void> {
    assertProjectionName(live);
    assertProjectionName(shadow);
    await this.init();
    await this.transaction(async (client) => {
      await this.lockDdl(client);
      // The live checkpoint row first, as reset does: a runner mid-commit finishes before the table goes.
      await client.query(`SELECT 1 FROM ${this.schema}.projection_checkpoints WHERE name = $1 FOR UPDATE`, [live]);
      const { rows } = await client.query<CheckpointRow>(`SELECT position, version FROM ${this.schema}.projection_checkpoints WHERE name = $1 FOR UPDATE`, [shadow]);
      if (!rows[0]) throw new RangeError(`no read model ${shadow} to switch to`);
      await client.query(`DROP TABLE IF EXISTS ${this.table(live)}`);
      await client.query(`ALTER TABLE ${this.table(shadow)} RENAME TO rm_${live}`);
      await client.query(
        `INSERT INTO ${this.schema}.projection_checkpoints (name, position, version) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, version = EXCLUDED.version`,
        [live, rows[0].position, rows[0].version],
      );
      await client.query(`DELETE FROM ${this.schema}.projection_checkpoints WHERE name = $1`, [shadow]);
    });
  }

  async checkpoint(name: string): Promise<StoredCheckpoint | undefined> {
    await this.init();
    const { rows } = await this.pool.query<CheckpointRow>(`SELECT position, version FROM ${this.schema}.projection_checkpoints WHERE name = $1`, [name]);
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  /**
   * The lookups of one event-loop turn go to the database as one query per
   * read model (`id = ANY(...)`): under load, many requests each look up a
   * few documents, and one round trip serves them all.
   */
  get<Doc>(name: string, id: string): Promise<Doc | undefined> {
    assertProjectionName(name);
    let lookup = this.lookups.get(name);
    if (!lookup) this.lookups.set(name, (lookup = turnBatcher((ids) => this.lookUp(name, ids))));
    return lookup(id) as Promise<Doc | undefined>;
  }

  private async lookUp(name: string, ids: readonly string[]): Promise<PromiseSettledResult<unknown>[]> {
    const { rows } = await this.pool.query<{ id: string; doc: unknown }>(`SELECT id, doc FROM ${this.table(name)} WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
    const docs = new Map(rows.map((r) => [r.id, r.doc]));
    // Two callers of one id in one group each get their own copy, as two queries would give them.
    const given = new Set<string>();
    return ids.map((id) => {
      const doc = docs.get(id);
      const copy = given.has(id) ? structuredClone(doc) : doc;
      given.add(id);
      return fulfilled(copy);
    });
  }

  async list<Doc>(name: string): Promise<{ id: string; doc: Doc }[]> {
    assertProjectionName(name);
    // COLLATE "C": byte order, the same order SQLite gives, whatever the database's locale.
    const { rows } = await this.pool.query<{ id: string; doc: Doc }>(`SELECT id, doc FROM ${this.table(name)} ORDER BY id COLLATE "C"`);
    return rows;
  }

  async range<Doc>(name: string, range: IdRange): Promise<{ id: string; doc: Doc }[]> {
    assertProjectionName(name);
    const { lower, upper, inclusive } = idBounds(range);
    const { rows } = await this.pool.query<{ id: string; doc: Doc }>(
      `SELECT id, doc FROM ${this.table(name)} WHERE id COLLATE "C" ${inclusive ? '>=' : '>'} $1 AND id COLLATE "C" < $2 ORDER BY id COLLATE "C" LIMIT $3`,
      [lower, upper, range.limit],
    );
    return rows;
  }

  private init(): Promise<void> {
    this.initialized ??= this.transaction(async (client) => {
      await this.lockDdl(client);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.projection_checkpoints (name text PRIMARY KEY, position text NOT NULL, version integer NOT NULL)`);
    }).catch((error: unknown) => {
      this.initialized = undefined;
      throw error;
    });
    return this.initialized;
  }

  /** Concurrent `CREATE ... IF NOT EXISTS` can still collide in the catalog; one lock per schema serializes our DDL. */
  private async lockDdl(client: pg.PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerlock-ddl:${this.schema}`]);
  }

  private table(name: string): string {
    return `${this.schema}.rm_${name}`;
  }

  /**
   * `rebuildable`: the transaction only folds events into a read model, which
   * the log can always rebuild, so its commit does not wait for the WAL flush
   * (synchronous_commit off, for this transaction only). A crash may lose the
   * last few hundred milliseconds of such commits, rows and checkpoint
   * together (a commit stays atomic and in order): the runner then folds those
   * events again from the older checkpoint. Nothing a client was told depends
   * on it: acknowledged writes are the events, committed durably.
   */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, options: { rebuildable?: boolean } = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // One round trip either way (a simple query may hold several statements).
      await client.query(options.rebuildable ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back goes back to the pool as broken, so it is discarded.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({ position: BigInt(row.position), version: row.version });
