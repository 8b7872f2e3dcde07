import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL;
export const postgresSkipReason = DATABASE_URL ? '' : ' (skipped: DATABASE_URL is not set; CI sets it)';

/** A schema of its own per test file, so concurrent runs never share tables; dropped afterwards. */
export async function createTestSchema(): Promise<{ pool: pg.Pool; schema: string; drop(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const schema = `peerlock_test_${randomBytes(6).toString('hex')}`;
  return {
    pool,
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}
