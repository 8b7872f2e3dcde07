import type pg from 'pg';
import { fulfilled, turnBatcher } from '@peerlock/projections';
import { inDdlTransaction } from './postgres-ddl.js';
import { claimOutcomeOf, type CiphertextStore, type ClaimOutcome, type DueCiphertext, type StoredCiphertext } from './ciphertext-store.js';

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
        ciphertext      BYTEA NOT NULL,
        expires_at      BIGINT)`);
      await client.query(`CREATE INDEX IF NOT EXISTS message_ciphertexts_by_conversation ON ${schema}.message_ciphertexts (conversation_id)`);
      // A schema made before issue 20 has no expiry column: added, every existing row never due.
      await client.query(`ALTER TABLE ${schema}.message_ciphertexts ADD COLUMN IF NOT EXISTS expires_at BIGINT`);
      // Only the rows that will ever be due are in it (most never are).
      await client.query(`CREATE INDEX IF NOT EXISTS message_ciphertexts_by_expiry ON ${schema}.message_ciphertexts (expires_at) WHERE expires_at IS NOT NULL`);
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
    const values = rows.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6}::bigint)`).join(', ');
    const inserted = await this.pool.query<{ message_id: string }>(
      `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext, expires_at) VALUES ${values} ON CONFLICT DO NOTHING RETURNING message_id`,
      rows.flatMap((e) => [e.messageId, e.conversationId, e.sender, e.sha256, bytea(e.ciphertext), e.expiresAt]),
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
      `INSERT INTO ${this.s}.message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext, expires_at) VALUES ($1, $2, $3, $4, $5, $6::bigint) ON CONFLICT DO NOTHING`,
      [e.messageId, e.conversationId, e.sender, e.sha256, bytea(e.ciphertext), e.expiresAt],
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

  async due(now: number, limit: number): Promise<DueCiphertext[]> {
    const { rows } = await this.pool.query<{ message_id: string; conversation_id: string }>(
      `SELECT message_id, conversation_id FROM ${this.s}.message_ciphertexts WHERE expires_at IS NOT NULL AND expires_at <= $1::bigint ORDER BY expires_at, message_id LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ messageId: r.message_id, conversationId: r.conversation_id }));
  }

  async nextDue(): Promise<number | null> {
    // bigint comes back as a string (pg does not guess at precision); ms since the epoch fit a double exactly.
    const { rows } = await this.pool.query<{ next: string | null }>(`SELECT min(expires_at) AS next FROM ${this.s}.message_ciphertexts WHERE expires_at IS NOT NULL`);
    const next = rows[0]?.next ?? null;
    return next === null ? null : Number(next);
  }

  async expireAt(messageIds: readonly string[], expiresAt: number | null): Promise<void> {
    await this.pool.query(`UPDATE ${this.s}.message_ciphertexts SET expires_at = $2::bigint WHERE message_id = ANY($1::text[])`, [messageIds, expiresAt]);
  }

  /** The rows' tuples stay in the table's files, dead, until VACUUM reclaims them (autovacuum, docs/messaging.md). */
  async purgeMessages(messageIds: readonly string[]): Promise<number> {
    return (await this.pool.query(`DELETE FROM ${this.s}.message_ciphertexts WHERE message_id = ANY($1::text[])`, [messageIds])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    // The pool belongs to openStores.
  }
}
