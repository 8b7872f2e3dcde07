import type Database from 'better-sqlite3';
import { fulfilled, rejected, turnBatcher } from '@peerlock/projections';
import { openSqliteFile } from './sqlite-file.js';
import { claimOutcomeOf, type CiphertextStore, type ClaimOutcome, type DueCiphertext, type StoredCiphertext } from './ciphertext-store.js';

export interface SqliteCiphertextStoreOptions {
  /**
   * Checkpoints the file's WAL into it and truncates the WAL to nothing,
   * resolving true once done. A purge calls it: the WAL still holds the pages
   * as they were before (the purged bytes among them) until its frames are
   * overwritten, which may be never. By default the store's own connection
   * does it; the server hands it to its checkpoint worker (sqlite-checkpointer.ts),
   * off the event loop.
   */
  readonly truncateWal?: () => Promise<boolean>;
}

/** Its own file, so purges can overwrite freed pages (`secure_delete`) without slowing the event log. */
export class SqliteCiphertextStore implements CiphertextStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly truncateWal: () => Promise<boolean>;

  constructor(path: string, options: SqliteCiphertextStoreOptions = {}) {
    this.db = openSqliteFile(path);
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS message_ciphertexts (
        message_id      TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        sender          TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        ciphertext      BLOB NOT NULL,
        expires_at      INTEGER
      ) STRICT;
      CREATE INDEX IF NOT EXISTS message_ciphertexts_by_conversation ON message_ciphertexts (conversation_id);
    `);
    // A file made before issue 20 has no expiry column: added, every existing row never due.
    const columns = this.db.pragma('table_info(message_ciphertexts)') as { name: string }[];
    if (!columns.some((c) => c.name === 'expires_at')) this.db.exec('ALTER TABLE message_ciphertexts ADD COLUMN expires_at INTEGER');
    // Only the rows that will ever be due are in it (most never are).
    this.db.exec('CREATE INDEX IF NOT EXISTS message_ciphertexts_by_expiry ON message_ciphertexts (expires_at) WHERE expires_at IS NOT NULL');
    this.truncateWal =
      options.truncateWal ??
      (async () => {
        const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        return result?.busy === 0;
      });
    this.stmts = {
      insert: this.db.prepare('INSERT INTO message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      claimOf: this.db.prepare<[string], { conversation_id: string; sender: string; sha256: string }>('SELECT conversation_id, sender, sha256 FROM message_ciphertexts WHERE message_id = ?'),
      release: this.db.prepare('DELETE FROM message_ciphertexts WHERE message_id = ? AND sender = ?'),
      get: this.db.prepare<[string], { ciphertext: Buffer }>('SELECT ciphertext FROM message_ciphertexts WHERE message_id = ?'),
      purge: this.db.prepare('DELETE FROM message_ciphertexts WHERE conversation_id = ?'),
      due: this.db.prepare<[number, number], { message_id: string; conversation_id: string }>(
        'SELECT message_id, conversation_id FROM message_ciphertexts WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, message_id LIMIT ?',
      ),
      nextDue: this.db.prepare<[], { next: number | null }>('SELECT min(expires_at) AS next FROM message_ciphertexts WHERE expires_at IS NOT NULL'),
      expireAt: this.db.prepare('UPDATE message_ciphertexts SET expires_at = ? WHERE message_id = ?'),
      purgeOne: this.db.prepare('DELETE FROM message_ciphertexts WHERE message_id = ?'),
    };
  }

  /**
   * Group commit: the puts of every request handled in one turn of the event
   * loop go into one transaction, written after that turn. A commit costs
   * about as much as the insert itself, so under load this nearly halves the
   * cost of storing a message; alone, a put waits one turn more. Each put
   * still has its own outcome: a failing insert rolls back only itself.
   */
  readonly put: (entry: StoredCiphertext) => Promise<ClaimOutcome> = turnBatcher((group) => {
    const outcomes: PromiseSettledResult<ClaimOutcome>[] = [];
    // If the commit itself throws, nothing of the group is stored and every put fails with it.
    this.db.transaction(() => {
      for (const entry of group) {
        try {
          outcomes.push(fulfilled(this.claim(entry)));
        } catch (error) {
          outcomes.push(rejected(error));
        }
      }
    })();
    return outcomes;
  });

  private claim(e: StoredCiphertext): ClaimOutcome {
    if (this.stmts.insert.run(e.messageId, e.conversationId, e.sender, e.sha256, e.ciphertext, e.expiresAt).changes === 1) return 'stored';
    return claimOutcomeOf(this.stmts.claimOf.get(e.messageId), e);
  }

  async release(messageId: string, sender: string): Promise<void> {
    this.stmts.release.run(messageId, sender);
  }

  async get(messageIds: readonly string[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const id of messageIds) {
      const row = this.stmts.get.get(id);
      if (row) out.set(id, new Uint8Array(row.ciphertext.buffer, row.ciphertext.byteOffset, row.ciphertext.byteLength));
    }
    return out;
  }

  async purgeConversation(conversationId: string): Promise<number> {
    const purged = this.stmts.purge.run(conversationId).changes;
    if (purged > 0) await this.truncateWal();
    return purged;
  }

  async due(now: number, limit: number): Promise<DueCiphertext[]> {
    return this.stmts.due.all(now, limit).map((r) => ({ messageId: r.message_id, conversationId: r.conversation_id }));
  }

  async nextDue(): Promise<number | null> {
    return this.stmts.nextDue.get()?.next ?? null;
  }

  async expireAt(messageIds: readonly string[], expiresAt: number | null): Promise<void> {
    this.db.transaction(() => {
      for (const id of messageIds) this.stmts.expireAt.run(expiresAt, id);
    })();
  }

  /**
   * secure_delete zeroes the rows' bytes in the pages it writes, but the WAL
   * keeps the pages as they were until a checkpoint copies the new ones back
   * and the log is truncated; a busy WAL (a reader on an older snapshot) is
   * truncated by the next purge or at the latest when the store closes.
   */
  async purgeMessages(messageIds: readonly string[]): Promise<number> {
    let purged = 0;
    this.db.transaction(() => {
      for (const id of messageIds) purged += this.stmts.purgeOne.run(id).changes;
    })();
    if (purged > 0) await this.truncateWal();
    return purged;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
