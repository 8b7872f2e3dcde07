/**
 * AuthStore on SQLite (better-sqlite3, WAL): the embedded default. Its own
 * file beside the event store, so `secure_delete` can be on for it alone:
 * destroyed data keys are overwritten with zeros on disk, not just unlinked
 * from the b-tree.
 *
 * better-sqlite3 is synchronous, so each method runs to completion before
 * any other JavaScript; across processes, SQLite's write lock serialises.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AuthStore, IssuedTokens, RateLimitHit } from './auth-store.js';

const SCHEMA = `
-- One b-tree keyed by (username, hash): spending a token touches a single leaf, and a user's
-- tokens (at most the cap plus a batch) are contiguous for counting and eviction.
CREATE TABLE IF NOT EXISTS auth_tokens (
  username   TEXT    NOT NULL,
  token_hash BLOB    NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (username, token_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rate_limits (
  bucket       TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS account_data_keys (
  key_id     TEXT PRIMARY KEY,
  data_key   BLOB    NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

export class SqliteAuthStore implements AuthStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly issueTx;

  constructor(path: string) {
    // Data keys live here: owner-only from the first byte (SQLite gives -wal and -shm the same mode).
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // As the event store: commits survive a process crash; a power loss may lose the last few.
    // For this table that means at worst a token spent in the last moment before power loss
    // becomes spendable again until it expires (minutes); data-key destruction checkpoints anyway.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmts = {
      deleteExpired: db.prepare('DELETE FROM auth_tokens WHERE username = ? AND expires_at <= ?'),
      insertToken: db.prepare('INSERT INTO auth_tokens (username, token_hash, expires_at) VALUES (?, ?, ?)'),
      evict: db.prepare(
        `DELETE FROM auth_tokens WHERE username = @username AND token_hash IN (
           SELECT token_hash FROM auth_tokens WHERE username = @username ORDER BY expires_at DESC, token_hash LIMIT -1 OFFSET @cap)`,
      ),
      consume: db.prepare('DELETE FROM auth_tokens WHERE username = ? AND token_hash = ? RETURNING expires_at'),
      count: db.prepare('SELECT count(*) AS n FROM auth_tokens WHERE username = ? AND expires_at > ?'),
      revoke: db.prepare('DELETE FROM auth_tokens WHERE username = ?'),
      hit: db.prepare(
        `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (@bucket, @now, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits         = CASE WHEN rate_limits.window_start <= @expired THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= @expired THEN @now ELSE rate_limits.window_start END
         RETURNING hits, window_start`,
      ),
      sweepRateLimits: db.prepare('DELETE FROM rate_limits WHERE window_start <= ?'),
      putKey: db.prepare('INSERT INTO account_data_keys (key_id, data_key, created_at) VALUES (?, ?, ?)'),
      getKey: db.prepare('SELECT data_key FROM account_data_keys WHERE key_id = ?'),
      destroyKey: db.prepare('DELETE FROM account_data_keys WHERE key_id = ?'),
    };
    this.issueTx = db.transaction((batch: IssuedTokens, now: number, cap: number) => {
      this.stmts.deleteExpired.run(batch.username, now);
      for (const h of batch.hashes) this.stmts.insertToken.run(batch.username, Buffer.from(h), batch.expiresAt);
      this.stmts.evict.run({ username: batch.username, cap });
    });
  }

  async issueTokens(batch: IssuedTokens, now: number, cap: number): Promise<void> {
    this.issueTx.immediate(batch, now, cap);
  }

  async consumeToken(username: string, hash: Uint8Array, now: number): Promise<boolean> {
    const row = this.stmts.consume.get(username, Buffer.from(hash)) as { expires_at: number } | undefined;
    return row !== undefined && row.expires_at > now;
  }

  async countTokens(username: string, now: number): Promise<number> {
    return (this.stmts.count.get(username, now) as { n: number }).n;
  }

  async revokeTokens(username: string): Promise<void> {
    this.stmts.revoke.run(username);
  }

  private hits = 0;
  async hitRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit> {
    // Stale buckets are swept now and then rather than on every hit.
    if (++this.hits % 1000 === 0) this.stmts.sweepRateLimits.run(now - 86_400_000);
    const row = this.stmts.hit.get({ bucket, now, expired: now - windowMs }) as { hits: number; window_start: number };
    return { count: row.hits, windowStart: row.window_start };
  }

  async putDataKey(keyId: string, key: Uint8Array, now: number): Promise<void> {
    this.stmts.putKey.run(keyId, Buffer.from(key), now);
  }

  async getDataKey(keyId: string): Promise<Uint8Array | null> {
    const row = this.stmts.getKey.get(keyId) as { data_key: Buffer } | undefined;
    return row ? new Uint8Array(row.data_key) : null;
  }

  async destroyDataKey(keyId: string): Promise<void> {
    this.stmts.destroyKey.run(keyId);
    // Push the overwritten page out of the WAL into the main file, so no old copy lingers there.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
