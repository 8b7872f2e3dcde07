/**
 * AuthStore on PostgreSQL, shared by every API node. Token consumption is a
 * single DELETE … RETURNING, which PostgreSQL executes atomically: of two
 * concurrent requests with one token, exactly one sees the row. Issuing takes
 * a per-user transaction-scoped advisory lock so the outstanding-token cap
 * holds under concurrent logins.
 */
import type pg from 'pg';
import { fulfilled, turnBatcher } from '@peerlock/projections';
import type { AuthStore, DeviceSession, IssuedTokens, RateLimitHit, SpentToken } from './auth-store.js';
import { createPostgresPool } from './postgres-pool.js';

const schemaSql = (s: string) => `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.auth_tokens (
  token_hash BYTEA PRIMARY KEY,
  username   TEXT   NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_tokens_by_user ON ${s}.auth_tokens (username, expires_at);
-- A store made before device sessions: its tokens belong to no session.
ALTER TABLE ${s}.auth_tokens ADD COLUMN IF NOT EXISTS session_id TEXT;
CREATE TABLE IF NOT EXISTS ${s}.auth_sessions (
  username     TEXT   NOT NULL,
  session_id   TEXT   NOT NULL,
  secret_hash  BYTEA  NOT NULL,
  label        TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (username, session_id)
);
CREATE TABLE IF NOT EXISTS ${s}.rate_limits (
  bucket       TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  hits         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.account_data_keys (
  key_id     TEXT PRIMARY KEY,
  data_key   BYTEA  NOT NULL,
  created_at BIGINT NOT NULL
);
`;

export class PostgresAuthStore implements AuthStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
  ) {}

  static async open(connectionString: string, schema: string, log?: (line: string) => void): Promise<PostgresAuthStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError('schema: expected a lowercase SQL identifier');
    // Tokens and rate limits: like every pool here it survives a database restart (postgres-pool.ts).
    const pool = createPostgresPool({ connectionString, name: 'peerlock-auth', max: 10, ...(log ? { log } : {}) });
    try {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        // Serialise concurrent first starts: CREATE … IF NOT EXISTS is not race-free in PostgreSQL.
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [`peerlock-auth-schema:${schema}`]);
        await client.query(schemaSql(schema));
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`peerlock-auth-schema:${schema}`]);
      } catch (error) {
        failed = error as Error;
        throw error;
      } finally {
        // A failed connection is discarded, and with it the session lock it may still hold.
        client.release(failed);
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresAuthStore(pool, schema);
  }

  async issueTokens(batch: IssuedTokens, now: number, cap: number): Promise<void> {
    await this.perUser(batch.username, async (client) => {
      await client.query(`DELETE FROM ${this.s}.auth_tokens WHERE username = $1 AND expires_at <= $2`, [batch.username, now]);
      await client.query(
        `INSERT INTO ${this.s}.auth_tokens (token_hash, username, expires_at, session_id) SELECT h, $2, $3, $4 FROM unnest($1::bytea[]) AS h`,
        [batch.hashes.map((h) => Buffer.from(h)), batch.username, batch.expiresAt, batch.sessionId],
      );
      await client.query(
        `DELETE FROM ${this.s}.auth_tokens WHERE token_hash IN (
           SELECT token_hash FROM ${this.s}.auth_tokens WHERE username = $1 ORDER BY expires_at DESC, token_hash OFFSET $2)`,
        [batch.username, cap],
      );
    });
  }

  /** One transaction under the user's advisory lock: the caps on tokens and sessions hold under concurrent logins. */
  private async perUser<T>(username: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerlock-tokens:${username}`]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A connection that cannot even roll back (the database went away) is discarded, not pooled.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Every authenticated request spends a token, so the spends of one
   * event-loop turn go to the database as one DELETE (one round trip instead
   * of one per request). A row is deleted once: if the same token comes twice
   * in one group, only the first caller gets it; the others see it spent.
   */
  consumeToken(username: string, hash: Uint8Array, now: number): Promise<SpentToken | null> {
    return this.spend({ username, hash: Buffer.from(hash), now });
  }

  private readonly spend = turnBatcher(async (group: readonly { username: string; hash: Buffer; now: number }[]) => {
    const r = await this.pool.query<{ token_hash: Buffer; username: string; expires_at: string; session_id: string | null }>(
      `DELETE FROM ${this.s}.auth_tokens t USING unnest($1::bytea[], $2::text[]) AS x(h, u)
       WHERE t.token_hash = x.h AND t.username = x.u RETURNING t.token_hash, t.username, t.expires_at, t.session_id`,
      [group.map((g) => g.hash), group.map((g) => g.username)],
    );
    const deleted = new Map(r.rows.map((row) => [`${row.username}:${row.token_hash.toString('base64')}`, { expiresAt: Number(row.expires_at), sessionId: row.session_id }]));
    return group.map((g) => {
      const key = `${g.username}:${g.hash.toString('base64')}`;
      const row = deleted.get(key);
      deleted.delete(key);
      return fulfilled<SpentToken | null>(row !== undefined && row.expiresAt > g.now ? { sessionId: row.sessionId } : null);
    });
  });

  async countTokens(username: string, now: number): Promise<number> {
    const r = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.s}.auth_tokens WHERE username = $1 AND expires_at > $2`, [username, now]);
    return (r.rows[0] as { n: number }).n;
  }

  async revokeTokens(username: string): Promise<void> {
    await this.perUser(username, async (client) => {
      await client.query(`DELETE FROM ${this.s}.auth_tokens WHERE username = $1`, [username]);
      await client.query(`DELETE FROM ${this.s}.auth_sessions WHERE username = $1`, [username]);
    });
  }

  async openSession(session: DeviceSession, secretHash: Uint8Array, cap: number): Promise<void> {
    await this.perUser(session.username, async (client) => {
      await client.query(`DELETE FROM ${this.s}.auth_sessions WHERE username = $1 AND expires_at <= $2`, [session.username, session.createdAt]);
      await client.query(
        `INSERT INTO ${this.s}.auth_sessions (username, session_id, secret_hash, label, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [session.username, session.sessionId, Buffer.from(secretHash), session.label, session.createdAt, session.lastUsedAt, session.expiresAt],
      );
      await client.query(
        `DELETE FROM ${this.s}.auth_sessions WHERE username = $1 AND session_id IN (
           SELECT session_id FROM ${this.s}.auth_sessions WHERE username = $1 ORDER BY last_used_at DESC, session_id OFFSET $2)`,
        [session.username, cap],
      );
      await client.query(
        `DELETE FROM ${this.s}.auth_tokens WHERE username = $1 AND session_id IS NOT NULL
           AND session_id NOT IN (SELECT session_id FROM ${this.s}.auth_sessions WHERE username = $1)`,
        [session.username],
      );
    });
  }

  async useSession(username: string, sessionId: string, secretHash: Uint8Array, now: number): Promise<DeviceSession | null> {
    const r = await this.pool.query<SessionRow>(
      `UPDATE ${this.s}.auth_sessions SET last_used_at = $4
       WHERE username = $1 AND session_id = $2 AND secret_hash = $3 AND expires_at > $4
       RETURNING username, session_id, label, created_at, last_used_at, expires_at`,
      [username, sessionId, Buffer.from(secretHash), now],
    );
    return r.rows[0] ? sessionOf(r.rows[0]) : null;
  }

  async listSessions(username: string, now: number): Promise<DeviceSession[]> {
    const r = await this.pool.query<SessionRow>(
      `SELECT username, session_id, label, created_at, last_used_at, expires_at FROM ${this.s}.auth_sessions
       WHERE username = $1 AND expires_at > $2 ORDER BY last_used_at DESC, session_id`,
      [username, now],
    );
    return r.rows.map(sessionOf);
  }

  async endSession(username: string, sessionId: string): Promise<boolean> {
    return this.perUser(username, async (client) => {
      await client.query(`DELETE FROM ${this.s}.auth_tokens WHERE username = $1 AND session_id = $2`, [username, sessionId]);
      const r = await client.query(`DELETE FROM ${this.s}.auth_sessions WHERE username = $1 AND session_id = $2`, [username, sessionId]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  private hits = 0;
  async hitRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit> {
    if (++this.hits % 1000 === 0) await this.pool.query(`DELETE FROM ${this.s}.rate_limits WHERE window_start <= $1`, [now - 86_400_000]);
    const r = await this.pool.query(
      `INSERT INTO ${this.s}.rate_limits AS r (bucket, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (bucket) DO UPDATE SET
         hits         = CASE WHEN r.window_start <= $3 THEN 1 ELSE r.hits + 1 END,
         window_start = CASE WHEN r.window_start <= $3 THEN $2 ELSE r.window_start END
       RETURNING hits, window_start`,
      [bucket, now, now - windowMs],
    );
    const row = r.rows[0] as { hits: number; window_start: string };
    return { count: row.hits, windowStart: Number(row.window_start) };
  }

  async peekRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit> {
    const r = await this.pool.query(`SELECT hits, window_start FROM ${this.s}.rate_limits WHERE bucket = $1`, [bucket]);
    const row = r.rows[0] as { hits: number; window_start: string } | undefined;
    if (!row || Number(row.window_start) <= now - windowMs) return { count: 0, windowStart: now };
    return { count: row.hits, windowStart: Number(row.window_start) };
  }

  async putDataKey(keyId: string, key: Uint8Array, now: number): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}.account_data_keys (key_id, data_key, created_at) VALUES ($1, $2, $3)`, [keyId, Buffer.from(key), now]);
  }

  async getDataKey(keyId: string): Promise<Uint8Array | null> {
    const r = await this.pool.query(`SELECT data_key FROM ${this.s}.account_data_keys WHERE key_id = $1`, [keyId]);
    const row = r.rows[0] as { data_key: Buffer } | undefined;
    return row ? new Uint8Array(row.data_key) : null;
  }

  async destroyDataKey(keyId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.s}.account_data_keys WHERE key_id = $1`, [keyId]);
    // Dead tuples keep the bytes until vacuumed; vacuum this small table now (outside any transaction).
    await this.pool.query(`VACUUM ${this.s}.account_data_keys`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface SessionRow {
  username: string;
  session_id: string;
  label: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

const sessionOf = (r: SessionRow): DeviceSession => ({
  sessionId: r.session_id,
  username: r.username,
  label: r.label,
  createdAt: Number(r.created_at),
  lastUsedAt: Number(r.last_used_at),
  expiresAt: Number(r.expires_at),
});
