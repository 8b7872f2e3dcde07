import type pg from 'pg';
import type { CiphertextStore, ClaimOutcome, StoredCiphertext } from './ciphertext-store.js';

export class PostgresCiphertextStore implements CiphertextStore {
  private pending: { entry: StoredCiphertext; resolve: (outcome: ClaimOutcome) => void; reject: (error: unknown) => void }[] = [];
  private constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
  ) {}

  static async open(pool: pg.Pool, schema: string): Promise<PostgresCiphertextStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError('schema: expected a lowercase SQL identifier');
    const client = await pool.connect();
    try {
      // Several nodes may start at once: serialise the DDL as the other stores do.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerlock-ddl:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.message_ciphertexts (
        message_id      TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        sender          TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        ciphertext      BYTEA NOT NULL)`);
      await client.query(`CREATE INDEX IF NOT EXISTS message_ciphertexts_by_conversation ON ${schema}.message_ciphertexts (conversation_id)`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return new PostgresCiphertextStore(pool, schema);
  }

  /**
   * Group commit, as in the SQLite store: the puts of one event-loop turn go
   * to the database as one multi-row insert (one round trip instead of one
   * per message); the ids it did not insert are then compared with what is
   * stored. Within a burst, the first put of an id is the one that may claim it.
   */
  put(e: StoredCiphertext): Promise<ClaimOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry: e, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const first = new Map<string, StoredCiphertext>();
      for (const { entry } of batch) if (!first.has(entry.messageId)) first.set(entry.messageId, entry);
      const rows = [...first.values()];
      const values = rows.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
      const params = rows.flatMap((e) => [e.messageId, e.conversationId, e.sender, e.sha256, Buffer.from(e.ciphertext.buffer, e.ciphertext.byteOffset, e.ciphertext.byteLength)]);
      const inserted = await this.pool.query<{ message_id: string }>(
        `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext) VALUES ${values} ON CONFLICT DO NOTHING RETURNING message_id`,
        params,
      );
      const claimed = new Set(inserted.rows.map((r) => r.message_id));
      const others = batch.filter(({ entry }) => !(claimed.has(entry.messageId) && first.get(entry.messageId) === entry));
      const stored = new Map<string, { conversation_id: string; sender: string; sha256: string }>();
      if (others.length > 0) {
        const { rows: found } = await this.pool.query<{ message_id: string; conversation_id: string; sender: string; sha256: string }>(
          `SELECT message_id, conversation_id, sender, sha256 FROM ${this.s}.message_ciphertexts WHERE message_id = ANY($1::text[])`,
          [[...new Set(others.map(({ entry }) => entry.messageId))]],
        );
        for (const row of found) stored.set(row.message_id, row);
      }
      for (const { entry, resolve } of batch) {
        if (claimed.has(entry.messageId) && first.get(entry.messageId) === entry) {
          resolve('stored');
          continue;
        }
        const row = stored.get(entry.messageId);
        resolve(row && row.conversation_id === entry.conversationId && row.sender === entry.sender && row.sha256 === entry.sha256 ? 'same' : 'taken');
      }
    } catch (error) {
      // One statement: none of the burst is in. Alone, each put gets its own outcome (one bad row fails only itself).
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const { entry, resolve, reject } of batch) this.claimOne(entry).then(resolve, reject);
    }
  }

  private async claimOne(e: StoredCiphertext): Promise<ClaimOutcome> {
    const inserted = await this.pool.query(
      `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [e.messageId, e.conversationId, e.sender, e.sha256, Buffer.from(e.ciphertext.buffer, e.ciphertext.byteOffset, e.ciphertext.byteLength)],
    );
    if (inserted.rowCount === 1) return 'stored';
    const { rows } = await this.pool.query<{ conversation_id: string; sender: string; sha256: string }>(
      `SELECT conversation_id, sender, sha256 FROM ${this.s}.message_ciphertexts WHERE message_id = $1`,
      [e.messageId],
    );
    const row = rows[0];
    return row && row.conversation_id === e.conversationId && row.sender === e.sender && row.sha256 === e.sha256 ? 'same' : 'taken';
  }

  async release(messageId: string, sender: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.s}.message_ciphertexts WHERE message_id = $1 AND sender = $2`, [messageId, sender]);
  }

  async get(messageIds: readonly string[]): Promise<Map<string, Uint8Array>> {
    const { rows } = await this.pool.query<{ message_id: string; ciphertext: Buffer }>(
      `SELECT message_id, ciphertext FROM ${this.s}.message_ciphertexts WHERE message_id = ANY($1::text[])`,
      [messageIds],
    );
    return new Map(rows.map((r) => [r.message_id, new Uint8Array(r.ciphertext.buffer, r.ciphertext.byteOffset, r.ciphertext.byteLength)]));
  }

  async purgeConversation(conversationId: string): Promise<number> {
    return (await this.pool.query(`DELETE FROM ${this.s}.message_ciphertexts WHERE conversation_id = $1`, [conversationId])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    // The pool belongs to openStores.
  }
}
