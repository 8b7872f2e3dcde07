import type pg from 'pg';
import type { CiphertextStore, ClaimOutcome, StoredCiphertext } from './ciphertext-store.js';

export class PostgresCiphertextStore implements CiphertextStore {
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

  async put(e: StoredCiphertext): Promise<ClaimOutcome> {
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
