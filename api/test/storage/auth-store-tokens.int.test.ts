import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthStore } from '../../src/storage/auth-store.js';
import { SqliteAuthStore } from '../../src/storage/sqlite-auth-store.js';
import { PostgresAuthStore } from '../../src/storage/postgres-auth-store.js';
import { connections } from '../support/connections.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

const NOW = 1_800_000_000_000;
const hashes = (n: number) => Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));

/** The single-use token rules every auth store keeps (DESIGN §3, T3), on each adapter. */
function tokenContract(name: string, open: () => Promise<AuthStore>, cleanup: () => Promise<void>, skip = '') {
  describe.skipIf(skip !== '')(`auth store tokens on ${name}${skip}`, () => {
    const connect = connections(open, cleanup);

    it('spends a token once, only for its own user, and never after it expired', async () => {
      const store = await connect();
      const [a, b, late] = hashes(3);
      await store.issueTokens({ username: 'alice', hashes: [a!, b!], expiresAt: NOW + 60_000 }, NOW, 1024);
      await store.issueTokens({ username: 'carol', hashes: [late!], expiresAt: NOW + 1_000 }, NOW, 1024);
      expect(await store.consumeToken('mallory', a!, NOW)).toBe(false);
      expect(await store.consumeToken('alice', a!, NOW)).toBe(true);
      expect(await store.consumeToken('alice', a!, NOW)).toBe(false);
      expect(await store.consumeToken('carol', late!, NOW + 1_000)).toBe(false);
      expect(await store.countTokens('alice', NOW)).toBe(1);
    });

    it('gives a token to exactly one of many requests spending it at once, and each other request its own answer', async () => {
      const store = await connect();
      const [contested, ...others] = hashes(11);
      await store.issueTokens({ username: 'bob', hashes: [contested!, ...others], expiresAt: NOW + 60_000 }, NOW, 1024);
      const spends = await Promise.all([
        ...Array.from({ length: 5 }, () => store.consumeToken('bob', contested!, NOW)),
        ...others.map((h) => store.consumeToken('bob', h, NOW)),
        store.consumeToken('dave', others[0]!, NOW),
      ]);
      expect(spends.slice(0, 5).filter(Boolean)).toHaveLength(1);
      expect(spends.slice(5, 15)).toEqual(others.map(() => true));
      expect(spends[15]).toBe(false);
    });

    it('lets two connections (two server nodes) race for one token: one wins', async () => {
      const [one, two] = [await connect(), await connect()];
      const [token] = hashes(1);
      await one.issueTokens({ username: 'erin', hashes: [token!], expiresAt: NOW + 60_000 }, NOW, 1024);
      const spends = await Promise.all([one.consumeToken('erin', token!, NOW), two.consumeToken('erin', token!, NOW)]);
      expect(spends.filter(Boolean)).toHaveLength(1);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'peerlock-auth-store-'));
tokenContract(
  'SQLite',
  async () => new SqliteAuthStore(join(dir, 'peerlock-auth.db')),
  async () => rmSync(dir, { recursive: true, force: true }),
);

const schema = testSchemaName();
tokenContract(
  'PostgreSQL',
  () => PostgresAuthStore.open(DATABASE_URL!, schema),
  async () => {
    if (DATABASE_URL) await dropSchema(schema);
  },
  DATABASE_URL ? '' : POSTGRES_SKIP,
);
