/**
 * Everything a server keeps, as bytes to search: every file under its data
 * folder (SQLite databases, their WAL, the blob folder) and, on PostgreSQL,
 * every row of every table of its schema as text. The storage scans (T1,
 * issue 21's links) play a curious operator with full access to storage.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export async function postgresDump(schema: string): Promise<Buffer<ArrayBufferLike>> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(tables.rows.length).toBeGreaterThan(3);
    const rows = await Promise.all(tables.rows.map((t) => client.query(`SELECT t::text AS row FROM ${schema}."${t.table_name}" t`)));
    return Buffer.from(rows.flatMap((r) => r.rows.map((x: { row: string }) => x.row)).join('\n'), 'utf8');
  } finally {
    await client.end();
  }
}

/** Every store of `server`, by where it was found. Stop the server first to have SQLite's WAL and every buffered write on disk. */
export async function storedBytes(server: TestServer): Promise<{ path: string; bytes: Buffer<ArrayBufferLike> }[]> {
  const stored: { path: string; bytes: Buffer<ArrayBufferLike> }[] = filesUnder(server.dataDir).map((path) => ({ path, bytes: readFileSync(path) }));
  if (server.databaseSchema) stored.push({ path: `postgres:${server.databaseSchema}`, bytes: await postgresDump(server.databaseSchema) });
  return stored;
}
