import Database from 'better-sqlite3';
import { assertProjectionName, ProjectionVersionMismatchError } from '../projection-errors.js';
import { idBounds, type CommitOutcome, type IdRange, type ReadModelBatch, type ReadModelStore, type StoredCheckpoint } from './read-model-store.js';

interface CheckpointRow {
  position: string;
  version: number;
}

/**
 * Read models in SQLite, normally the same file as the event log. better-sqlite3
 * is synchronous, so a whole batch (load, fold, write, checkpoint) runs inside
 * one `BEGIN IMMEDIATE` transaction without yielding to the event loop.
 */
export class SqliteReadModelStore implements ReadModelStore {
  private readonly statements = new Map<string, ReturnType<SqliteReadModelStore['prepareStatements']>>();

  /** Opens (or creates) a database file with the settings the event store uses. */
  static open(path: string): SqliteReadModelStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return new SqliteReadModelStore(db, { ownsDatabase: true });
  }

  constructor(
    private readonly db: Database.Database,
    private readonly options: { ownsDatabase?: boolean } = {},
  ) {
    // Positions are text: KurrentDB positions, composed into one bigint, exceed 64 bits.
    db.exec('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, version INTEGER NOT NULL) STRICT');
  }

  async prepare(projection: { name: string; version: number }): Promise<StoredCheckpoint> {
    assertProjectionName(projection.name);
    return this.db
      .transaction((): StoredCheckpoint => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS rm_${projection.name} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT`);
        const row = this.db.prepare<[string], CheckpointRow>('SELECT position, version FROM projection_checkpoints WHERE name = ?').get(projection.name);
        if (!row) {
          this.db.prepare('INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?)').run(projection.name, '0', projection.version);
          return { position: 0n, version: projection.version };
        }
        const stored = toCheckpoint(row);
        if (stored.version === projection.version) return stored;
        if (stored.position !== 0n) throw new ProjectionVersionMismatchError(projection.name, stored.version, projection.version);
        this.db.prepare('UPDATE projection_checkpoints SET version = ? WHERE name = ?').run(projection.version, projection.name);
        return { position: 0n, version: projection.version };
      })
      .immediate();
  }

  async commit<Doc>(name: string, batch: ReadModelBatch<Doc>): Promise<CommitOutcome> {
    const s = this.statementsFor(name);
    return this.db
      .transaction((): CommitOutcome => {
        const checkpoint = s.checkpoint.get(name);
        if (!checkpoint || BigInt(checkpoint.position) !== batch.from) return 'stale';
        const loaded = new Map<string, Doc>();
        for (const id of batch.documentIds) {
          const row = s.select.get(id);
          if (row) loaded.set(id, JSON.parse(row.doc) as Doc);
        }
        const changes = batch.fold({ get: (id) => loaded.get(id) });
        for (const [id, doc] of changes) {
          if (doc === null) s.remove.run(id);
          else s.upsert.run(id, JSON.stringify(doc));
        }
        s.advance.run(batch.to.toString(), name);
        return 'committed';
      })
      .immediate();
  }

  async reset(projection: { name: string; version: number }): Promise<void> {
    assertProjectionName(projection.name);
    this.statements.delete(projection.name);
    this.db
      .transaction(() => {
        this.db.exec(`DROP TABLE IF EXISTS rm_${projection.name}`);
        this.db.exec(`CREATE TABLE rm_${projection.name} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT`);
        this.db
          .prepare('INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version')
          .run(projection.name, '0', projection.version);
      })
      .immediate();
  }

  async swap(live: string, shadow: string): Promise<void> {
    assertProjectionName(live);
    assertProjectionName(shadow);
    this.statements.delete(live);
    this.statements.delete(shadow);
    this.db
      .transaction(() => {
        const row = this.db.prepare<[string], CheckpointRow>('SELECT position, version FROM projection_checkpoints WHERE name = ?').get(shadow);
        if (!row) throw new RangeError(`no read model ${shadow} to switch to`);
        this.db.exec(`DROP TABLE IF EXISTS rm_${live}`);
        this.db.exec(`ALTER TABLE rm_${shadow} RENAME TO rm_${live}`);
        this.db
          .prepare('INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version')
          .run(live, row.position, row.version);
        this.db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(shadow);
      })
      .immediate();
  }

  async checkpoint(name: string): Promise<StoredCheckpoint | undefined> {
    const row = this.db.prepare<[string], CheckpointRow>('SELECT position, version FROM projection_checkpoints WHERE name = ?').get(name);
    return row ? toCheckpoint(row) : undefined;
  }

  async get<Doc>(name: string, id: string): Promise<Doc | undefined> {
    const row = this.statementsFor(name).select.get(id);
    return row ? (JSON.parse(row.doc) as Doc) : undefined;
  }

  async list<Doc>(name: string): Promise<{ id: string; doc: Doc }[]> {
    assertProjectionName(name);
    return this.db
      .prepare<[], { id: string; doc: string }>(`SELECT id, doc FROM rm_${name} ORDER BY id`)
      .all()
      .map((row) => ({ id: row.id, doc: JSON.parse(row.doc) as Doc }));
  }

  async range<Doc>(name: string, range: IdRange): Promise<{ id: string; doc: Doc }[]> {
    assertProjectionName(name);
    const { lower, upper, inclusive } = idBounds(range);
    return this.db
      .prepare<[string, string, number], { id: string; doc: string }>(`SELECT id, doc FROM rm_${name} WHERE id ${inclusive ? '>=' : '>'} ? AND id < ? ORDER BY id LIMIT ?`)
      .all(lower, upper, range.limit)
      .map((row) => ({ id: row.id, doc: JSON.parse(row.doc) as Doc }));
  }

  close(): void {
    if (this.options.ownsDatabase) this.db.close();
  }

  private statementsFor(name: string) {
    let statements = this.statements.get(name);
    if (!statements) {
      assertProjectionName(name);
      statements = this.prepareStatements(name);
      this.statements.set(name, statements);
    }
    return statements;
  }

  private prepareStatements(name: string) {
    return {
      checkpoint: this.db.prepare<[string], CheckpointRow>('SELECT position, version FROM projection_checkpoints WHERE name = ?'),
      advance: this.db.prepare<[string, string]>('UPDATE projection_checkpoints SET position = ? WHERE name = ?'),
      select: this.db.prepare<[string], { doc: string }>(`SELECT doc FROM rm_${name} WHERE id = ?`),
      upsert: this.db.prepare<[string, string]>(`INSERT INTO rm_${name} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`),
      remove: this.db.prepare<[string]>(`DELETE FROM rm_${name} WHERE id = ?`),
    };
  }
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({ position: BigInt(row.position), version: row.version });
