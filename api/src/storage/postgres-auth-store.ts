/**
 * AuthStore on PostgreSQL, shared by every API node. Token consumption is a
 * single DELETE … RETURNING, which PostgreSQL executes atomically: of two
 * concurrent requests with one token, exactly one sees the row. Issuing takes
 * a per-user transaction-scoped advisory lock so the outstanding-token cap
 * holds under concurrent logins.
 */
import type pg from 'pg';
import { fulfilled, turnBatcher } from '@peerlock/projections';
import type { AuthStore, IssuedTokens, RateLimitHit } from './auth-store.js';
import { createPostgresPool } from './postgres-pool.js';

const schemaSql = (s: string) => `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.auth_tokens (
  token_hash BYTEA PRIMARY KEY,
  username   TEXT   NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_tokens_by_user ON ${s}.auth_tokens (username, expires_at);
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

  static async open(connectionString: string, schema: string): Promise<PostgresAuthStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError('schema: expected a lowercase SQL identifier');
    // Tokens and rate limits: like every pool here it survives a database restart (postgres-pool.ts).
    const pool = createPostgresPool({ connectionString, name: 'peerlock-auth', max: 10 });
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
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerlock-tokens:${batch.username}`]);
      await client.query(`DELETE FROM ${this.s}.auth_tokens WHERE username = $1 AND expires_at <= $2`, [batch.username, now]);
      await client.query(
        `INSERT INTO ${this.s}.auth_tokens (token_hash, username, expires_at) SELECT h, $2, $3 FROM unnest($1::bytea[]) AS h`,
        [batch.hashes.map((h) => Buffer.from(h)), batch.username, batch.expiresAt],
      );
      await client.query(
        `DELETE FROM ${this.s}.auth_tokens WHERE token_hash IN (
           SELECT token_hash FROM ${this.s}.auth_tokens WHERE username = $1 ORDER BY expires_at DESC, token_hash OFFSET $2)`,
        [batch.username, cap],
      );
      await client.query('COMMIT');
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
  consumeToken(username: string, hash: Uint8Array, now: number): Promise<boolean> {
    return this.spend({ username, hash: Buffer.from(hash), now });
  }

  private readonly spend = turnBatcher(async (group: readonly { username: string; hash: Buffer; now: number }[]) => {
    const r = await this.pool.query<{ token_hash: Buffer; username: string; expires_at: string }>(
      `DELETE FROM ${this.s}.auth_tokens t USING unnest($1::bytea[], $2::text[]) AS x(h, u)
       WHERE t.token_hash = x.h AND t.username = x.u RETURNING t.token_hash, t.username, t.expires_at`,
      [group.map((g) => g.hash), group.map((g) => g.username)],
    );
    const deleted = new Map(r.rows.map((row) => [`${row.username}:${row.token_hash.toString('base64')}`, Number(row.expires_at)]));
    return group.map((g) => {
      const key = `${g.username}:${g.hash.toString('base64')}`;
      const expiresAt = deleted.get(key);
      deleted.delete(key);
      return fulfilled(expiresAt !== undefined && expiresAt > g.now);
    });
  });

  async countTokens(username: string, now: number): Promise<number> {
    const r = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.s}.auth_tokens WHERE username = $1 AND expires_at > $2`, [username, now]);
    return (r.rows[0] as { n: number }).n;
  }

  async revokeTokens(username: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.s}.auth_tokens WHERE username = $1`, [username]);
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
