import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL;
/** Appended to suite names so a skipped PostgreSQL suite says why. */
export const POSTGRES_SKIP = DATABASE_URL ? '' : ' (skipped: DATABASE_URL is not set; CI sets it, e.g. postgres://postgres@127.0.0.1:5432/test)';

/** A fresh schema name per test file, so concurrent runs never share tables. */
export const testSchemaName = (): string => `peerlock_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
