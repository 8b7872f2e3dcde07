import type pg from 'pg';
import { fulfilled, turnBatcher } from '@peerlock/projections';
import { inDdlTransaction } from './postgres-ddl.js';
import { claimOutcomeOf, type CiphertextStore, type ClaimOutcome, type StoredCiphertext } from './ciphertext-store.js';

/** A view of the bytes as a Buffer, which pg sends as bytea (no copy). */
const bytea = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class PostgresCiphertextStore implements CiphertextStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
  ) {}

  static async open(pool: pg.Pool, schema: string): Promise<PostgresCiphertextStore> {
    await inDdlTransaction(pool, schema, async (client) => {
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.message_ciphertexts (
        message_id      TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        sender          TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        ciphertext      BYTEA NOT NULL)`);
      await client.query(`CREATE INDEX IF NOT EXISTS message_ciphertexts_by_conversation ON ${schema}.message_ciphertexts (conversation_id)`);
    });
    return new PostgresCiphertextStore(pool, schema);
  }

  /**
   * Group commit, as in the SQLite store: the puts of one event-loop turn go
   * to the database as one multi-row insert (one round trip instead of one
   * per message); the ids it did not insert are then compared with what is
   * stored. Within a burst, the first put of an id is the one that may claim it.
   */
  readonly put: (entry: StoredCiphertext) => Promise<ClaimOutcome> = turnBatcher(async (group) => {
    try {
      return await this.claimGroup(group);
    } catch {
      // One statement: none of the burst is in. Alone, each put gets its own outcome (one bad row fails only itself).
      return Promise.allSettled(group.map((entry) => this.claimOne(entry)));
    }
  });

  private async claimGroup(group: readonly StoredCiphertext[]): Promise<PromiseSettledResult<ClaimOutcome>[]> {
    const first = new Map<string, StoredCiphertext>();
    for (const entry of group) if (!first.has(entry.messageId)) first.set(entry.messageId, entry);
    const rows = [...first.values()];
    const values = rows.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
    const inserted = await this.pool.query<{ message_id: string }>(
      `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext) VALUES ${values} ON CONFLICT DO NOTHING RETURNING message_id`,
      rows.flatMap((e) => [e.messageId, e.conversationId, e.sender, e.sha256, bytea(e.ciphertext)]),
    );
    const claimed = new Set(inserted.rows.map((r) => r.message_id));
    const won = (entry: StoredCiphertext) => claimed.has(entry.messageId) && first.get(entry.messageId) === entry;
    const others = group.filter((entry) => !won(entry));
    const stored = new Map<string, { conversation_id: string; sender: string; sha256: string }>();
    if (others.length > 0) {
      const { rows: found } = await this.pool.query<{ message_id: string; conversation_id: string; sender: string; sha256: string }>(
        `SELECT message_id, conversation_id, sender, sha256 FROM ${this.s}.message_ciphertexts WHERE message_id = ANY($1::text[])`,
        [[...new Set(others.map((entry) => entry.messageId))]],
      );
      for (const row of found) stored.set(row.message_id, row);
    }
    return group.map((entry) => fulfilled(won(entry) ? 'stored' : claimOutcomeOf(stored.get(entry.messageId), entry)));
  }

  private async claimOne(e: StoredCiphertext): Promise<ClaimOutcome> {
    const inserted = await this.pool.query(
      `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [e.messageId, e.conversationId, e.sender, e.sha256, bytea(e.ciphertext)],
    );
    if (inserted.rowCount === 1) return 'stored';
    const { rows } = await this.pool.query<{ conversation_id: string; sender: string; sha256: string }>(
      `SELECT conversation_id, sender, sha256 FROM ${this.s}.message_ciphertexts WHERE message_id = $1`,
      [e.messageId],
    );
    return claimOutcomeOf(rows[0], e);
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
