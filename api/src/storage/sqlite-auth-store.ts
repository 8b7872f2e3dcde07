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
import type { AuthStore, DeviceSession, IssuedTokens, RateLimitHit, SpentToken } from './auth-store.js';
import { fulfilled, turnBatcher } from '@peerlock/projections';

const SCHEMA = `
-- One b-tree keyed by (username, hash): spending a token touches a single leaf, and a user's
-- tokens (at most the cap plus a batch) are contiguous for counting and eviction.
CREATE TABLE IF NOT EXISTS auth_tokens (
  username   TEXT    NOT NULL,
  token_hash BLOB    NOT NULL,
  expires_at INTEGER NOT NULL,
  session_id TEXT,
  PRIMARY KEY (username, token_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS auth_sessions (
  username     TEXT    NOT NULL,
  session_id   TEXT    NOT NULL,
  secret_hash  BLOB    NOT NULL,
  label        TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (username, session_id)
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
  private readonly openSessionTx;
  private readonly endSessionTx;
  private readonly revokeTx;

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
    // A store made before device sessions: its tokens belong to no session.
    const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('auth_tokens') as { name: string }[];
    if (!columns.some((c) => c.name === 'session_id')) this.db.exec('ALTER TABLE auth_tokens ADD COLUMN session_id TEXT');
    const db = this.db;
    this.stmts = {
      deleteExpired: db.prepare('DELETE FROM auth_tokens WHERE username = ? AND expires_at <= ?'),
      insertToken: db.prepare('INSERT INTO auth_tokens (username, token_hash, expires_at, session_id) VALUES (?, ?, ?, ?)'),
      evict: db.prepare(
        `DELETE FROM auth_tokens WHERE username = @username AND token_hash IN (
           SELECT token_hash FROM auth_tokens WHERE username = @username ORDER BY expires_at DESC, token_hash LIMIT -1 OFFSET @cap)`,
      ),
      consume: db.prepare('DELETE FROM auth_tokens WHERE username = ? AND token_hash = ? RETURNING expires_at, session_id'),
      count: db.prepare('SELECT count(*) AS n FROM auth_tokens WHERE username = ? AND expires_at > ?'),
      revoke: db.prepare('DELETE FROM auth_tokens WHERE username = ?'),
      revokeSessions: db.prepare('DELETE FROM auth_sessions WHERE username = ?'),
      deleteExpiredSessions: db.prepare('DELETE FROM auth_sessions WHERE username = ? AND expires_at <= ?'),
      insertSession: db.prepare(
        `INSERT INTO auth_sessions (username, session_id, secret_hash, label, created_at, last_used_at, expires_at)
         VALUES (@username, @sessionId, @secretHash, @label, @createdAt, @lastUsedAt, @expiresAt)`,
      ),
      evictSessions: db.prepare(
        `DELETE FROM auth_sessions WHERE username = @username AND session_id IN (
           SELECT session_id FROM auth_sessions WHERE username = @username ORDER BY last_used_at DESC, session_id LIMIT -1 OFFSET @cap)`,
      ),
      orphanTokens: db.prepare(
        'DELETE FROM auth_tokens WHERE username = ? AND session_id IS NOT NULL AND session_id NOT IN (SELECT session_id FROM auth_sessions WHERE username = ?)',
      ),
      useSession: db.prepare(
        `UPDATE auth_sessions SET last_used_at = @now
         WHERE username = @username AND session_id = @sessionId AND secret_hash = @secretHash AND expires_at > @now
         RETURNING username, session_id, label, created_at, last_used_at, expires_at`,
      ),
      listSessions: db.prepare(
        'SELECT username, session_id, label, created_at, last_used_at, expires_at FROM auth_sessions WHERE username = ? AND expires_at > ? ORDER BY last_used_at DESC, session_id',
      ),
      endSession: db.prepare('DELETE FROM auth_sessions WHERE username = ? AND session_id = ?'),
      endSessionTokens: db.prepare('DELETE FROM auth_tokens WHERE username = ? AND session_id = ?'),
      hit: db.prepare(
        `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (@bucket, @now, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits         = CASE WHEN rate_limits.window_start <= @expired THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= @expired THEN @now ELSE rate_limits.window_start END
         RETURNING hits, window_start`,
      ),
      peek: db.prepare('SELECT hits, window_start FROM rate_limits WHERE bucket = ?'),
      sweepRateLimits: db.prepare('DELETE FROM rate_limits WHERE window_start <= ?'),
      putKey: db.prepare('INSERT INTO account_data_keys (key_id, data_key, created_at) VALUES (?, ?, ?)'),
      getKey: db.prepare('SELECT data_key FROM account_data_keys WHERE key_id = ?'),
      destroyKey: db.prepare('DELETE FROM account_data_keys WHERE key_id = ?'),
    };
    this.openSessionTx = db.transaction((session: DeviceSession, secretHash: Uint8Array, cap: number) => {
      this.stmts.deleteExpiredSessions.run(session.username, session.createdAt);
      this.stmts.insertSession.run({ ...session, secretHash: Buffer.from(secretHash) });
      this.stmts.evictSessions.run({ username: session.username, cap });
      this.stmts.orphanTokens.run(session.username, session.username);
    });
    this.endSessionTx = db.transaction((username: string, sessionId: string) => {
      this.stmts.endSessionTokens.run(username, sessionId);
      return this.stmts.endSession.run(username, sessionId).changes > 0;
    });
    this.revokeTx = db.transaction((username: string) => {
      this.stmts.revoke.run(username);
      this.stmts.revokeSessions.run(username);
    });
    this.issueTx = db.transaction((batch: IssuedTokens, now: number, cap: number) => {
      this.stmts.deleteExpired.run(batch.username, now);
      for (const h of batch.hashes) this.stmts.insertToken.run(batch.username, Buffer.from(h), batch.expiresAt, batch.sessionId);
      this.stmts.evict.run({ username: batch.username, cap });
    });
  }

  async issueTokens(batch: IssuedTokens, now: number, cap: number): Promise<void> {
    this.issueTx.immediate(batch, now, cap);
  }

  consumeToken(username: string, hash: Uint8Array, now: number): Promise<SpentToken | null> {
    return this.spend({ username, hash: Buffer.from(hash), now });
  }

  /** The spends of one event-loop turn in one transaction (one commit, not one per request), as PostgreSQL's. */
  private readonly spend = turnBatcher((group: readonly { username: string; hash: Buffer; now: number }[]) => {
    const outcomes: PromiseSettledResult<SpentToken | null>[] = [];
    this.db.transaction(() => {
      for (const { username, hash, now } of group) {
        const row = this.stmts.consume.get(username, hash) as { expires_at: number; session_id: string | null } | undefined;
        outcomes.push(fulfilled(row !== undefined && row.expires_at > now ? { sessionId: row.session_id } : null));
      }
    })();
    return outcomes;
  });

  async countTokens(username: string, now: number): Promise<number> {
    return (this.stmts.count.get(username, now) as { n: number }).n;
  }

  async revokeTokens(username: string): Promise<void> {
    this.revokeTx.immediate(username);
  }

  async openSession(session: DeviceSession, secretHash: Uint8Array, cap: number): Promise<void> {
    this.openSessionTx.immediate(session, secretHash, cap);
  }

  async useSession(username: string, sessionId: string, secretHash: Uint8Array, now: number): Promise<DeviceSession | null> {
    const row = this.stmts.useSession.get({ username, sessionId, secretHash: Buffer.from(secretHash), now }) as SessionRow | undefined;
    return row ? sessionOf(row) : null;
  }

  async listSessions(username: string, now: number): Promise<DeviceSession[]> {
    return (this.stmts.listSessions.all(username, now) as SessionRow[]).map(sessionOf);
  }

  async endSession(username: string, sessionId: string): Promise<boolean> {
    return this.endSessionTx.immediate(username, sessionId);
  }

  private hits = 0;
  async hitRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit> {
    // Stale buckets are swept now and then rather than on every hit.
    if (++this.hits % 1000 === 0) this.stmts.sweepRateLimits.run(now - 86_400_000);
    const row = this.stmts.hit.get({ bucket, now, expired: now - windowMs }) as { hits: number; window_start: number };
    return { count: row.hits, windowStart: row.window_start };
  }

  async peekRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit> {
    const row = this.stmts.peek.get(bucket) as { hits: number; window_start: number } | undefined;
    if (!row || row.window_start <= now - windowMs) return { count: 0, windowStart: now };
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

interface SessionRow {
  username: string;
  session_id: string;
  label: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
}

const sessionOf = (r: SessionRow): DeviceSession => ({
  sessionId: r.session_id,
  username: r.username,
  label: r.label,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
});
