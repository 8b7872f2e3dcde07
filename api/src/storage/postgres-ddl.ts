import type pg from 'pg';

/**
 * Creates or migrates tables of one schema in one transaction, holding the
 * schema's DDL lock: several nodes may start at once, and every store's DDL
 * (event log, read models, ciphertexts, snapshots) takes the same lock key.
 */
export async function inDdlTransaction<T>(pool: pg.Pool, schema: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError('schema: expected a lowercase SQL identifier');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerlock-ddl:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
