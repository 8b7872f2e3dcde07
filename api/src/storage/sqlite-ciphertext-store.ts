import type Database from 'better-sqlite3';
import { fulfilled, rejected, turnBatcher } from '@peerlock/projections';
import { openSqliteFile } from './sqlite-file.js';
import { claimOutcomeOf, type CiphertextStore, type ClaimOutcome, type StoredCiphertext } from './ciphertext-store.js';

/** Its own file, so purges can overwrite freed pages (`secure_delete`) without slowing the event log. */
export class SqliteCiphertextStore implements CiphertextStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS message_ciphertexts (
        message_id      TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        sender          TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        ciphertext      BLOB NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS message_ciphertexts_by_conversation ON message_ciphertexts (conversation_id);
    `);
    this.stmts = {
      insert: this.db.prepare('INSERT INTO message_ciphertexts (message_id, conversation_id, sender, sha256, ciphertext) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      claimOf: this.db.prepare<[string], { conversation_id: string; sender: string; sha256: string }>('SELECT conversation_id, sender, sha256 FROM message_ciphertexts WHERE message_id = ?'),
      release: this.db.prepare('DELETE FROM message_ciphertexts WHERE message_id = ? AND sender = ?'),
      get: this.db.prepare<[string], { ciphertext: Buffer }>('SELECT ciphertext FROM message_ciphertexts WHERE message_id = ?'),
      purge: this.db.prepare('DELETE FROM message_ciphertexts WHERE conversation_id = ?'),
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
    if (this.stmts.insert.run(e.messageId, e.conversationId, e.sender, e.sha256, e.ciphertext).changes === 1) return 'stored';
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
    return this.stmts.purge.run(conversationId).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
