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

/** The single-use token and device-session rules every auth store keeps (DESIGN §3, T3), on each adapter. */
function tokenContract(name: string, open: () => Promise<AuthStore>, cleanup: () => Promise<void>, skip = '') {
  describe.skipIf(skip !== '')(`auth store tokens on ${name}${skip}`, () => {
    const connect = connections(open, cleanup);

    it('spends a token once, only for its own user, and never after it expired', async () => {
      const store = await connect();
      const [a, b, late] = hashes(3);
      await store.issueTokens({ username: 'alice', hashes: [a!, b!], expiresAt: NOW + 60_000, sessionId: null }, NOW, 1024);
      await store.issueTokens({ username: 'carol', hashes: [late!], expiresAt: NOW + 1_000, sessionId: null }, NOW, 1024);
      expect(await store.consumeToken('mallory', a!, NOW)).toBeNull();
      expect(await store.consumeToken('alice', a!, NOW)).toEqual({ sessionId: null });
      expect(await store.consumeToken('alice', a!, NOW)).toBeNull();
      expect(await store.consumeToken('carol', late!, NOW + 1_000)).toBeNull();
      expect(await store.countTokens('alice', NOW)).toBe(1);
    });

    it('gives a token to exactly one of many requests spending it at once, and each other request its own answer', async () => {
      const store = await connect();
      const [contested, ...others] = hashes(11);
      await store.issueTokens({ username: 'bob', hashes: [contested!, ...others], expiresAt: NOW + 60_000, sessionId: null }, NOW, 1024);
      const spends = await Promise.all([
        ...Array.from({ length: 5 }, () => store.consumeToken('bob', contested!, NOW)),
        ...others.map((h) => store.consumeToken('bob', h, NOW)),
        store.consumeToken('dave', others[0]!, NOW),
      ]);
      expect(spends.slice(0, 5).filter(Boolean)).toHaveLength(1);
      expect(spends.slice(5, 15)).toEqual(others.map(() => ({ sessionId: null })));
      expect(spends[15]).toBeNull();
    });

    it('rate-limit buckets: a hit counts in its window, a peek counts nothing, a new window starts at zero', async () => {
      const store = await connect();
      const bucket = randomBytes(16).toString('base64url');
      expect(await store.peekRateLimit(bucket, 60_000, NOW)).toEqual({ count: 0, windowStart: NOW });
      expect((await store.hitRateLimit(bucket, 60_000, NOW)).count).toBe(1);
      expect(await store.hitRateLimit(bucket, 60_000, NOW + 10)).toEqual({ count: 2, windowStart: NOW });
      expect(await store.peekRateLimit(bucket, 60_000, NOW + 20)).toEqual({ count: 2, windowStart: NOW });
      expect(await store.peekRateLimit(bucket, 60_000, NOW + 30)).toEqual({ count: 2, windowStart: NOW });
      // The window ended: the peek says zero, and the next hit starts a new window.
      expect((await store.peekRateLimit(bucket, 60_000, NOW + 60_000)).count).toBe(0);
      expect(await store.hitRateLimit(bucket, 60_000, NOW + 60_001)).toEqual({ count: 1, windowStart: NOW + 60_001 });
    });

    const session = (username: string, sessionId: string, lastUsedAt = NOW, expiresAt = NOW + 86_400_000) => ({ sessionId, username, label: `${sessionId} device`, createdAt: lastUsedAt, lastUsedAt, expiresAt });
    const id = () => randomBytes(16).toString('base64url');

    it('a session: its secret gets it (marked used), another secret, user or a past expiry does not; tokens carry it', async () => {
      const store = await connect();
      const [secret, wrong, token] = hashes(3);
      const s1 = id();
      await store.openSession(session('frank', s1, NOW, NOW + 60_000), secret!, 10);
      expect(await store.useSession('frank', s1, wrong!, NOW)).toBeNull();
      expect(await store.useSession('mallory', s1, secret!, NOW)).toBeNull();
      expect(await store.useSession('frank', s1, secret!, NOW + 5_000)).toEqual({ ...session('frank', s1, NOW, NOW + 60_000), lastUsedAt: NOW + 5_000 });
      expect(await store.useSession('frank', s1, secret!, NOW + 60_000)).toBeNull();
      await store.issueTokens({ username: 'frank', hashes: [token!], expiresAt: NOW + 60_000, sessionId: s1 }, NOW, 1024);
      expect(await store.consumeToken('frank', token!, NOW)).toEqual({ sessionId: s1 });
    });

    it('lists live sessions, most recently used first; ending one deletes it and its tokens only; revoking the user ends all', async () => {
      const store = await connect();
      const [a, b, c] = [id(), id(), id()];
      const [sa, sb, sc, ta, tb, tc] = hashes(6);
      await store.openSession(session('gina', a, NOW), sa!, 10);
      await store.openSession(session('gina', b, NOW + 1), sb!, 10);
      await store.openSession(session('gina', c, NOW + 2, NOW + 3), sc!, 10);
      await store.useSession('gina', a, sa!, NOW + 2);
      expect((await store.listSessions('gina', NOW + 3)).map((x) => x.sessionId)).toEqual([a, b]);
      for (const [sessionId, hash] of [[a, ta], [b, tb]] as const) await store.issueTokens({ username: 'gina', hashes: [hash!], expiresAt: NOW + 60_000, sessionId }, NOW, 1024);
      await store.issueTokens({ username: 'gina', hashes: [tc!], expiresAt: NOW + 60_000, sessionId: null }, NOW, 1024);
      expect(await store.endSession('gina', a)).toBe(true);
      expect(await store.endSession('gina', a)).toBe(false);
      expect(await store.endSession('mallory', b)).toBe(false);
      expect(await store.consumeToken('gina', ta!, NOW)).toBeNull();
      expect((await store.listSessions('gina', NOW + 3)).map((x) => x.sessionId)).toEqual([b]);
      await store.revokeTokens('gina');
      expect(await store.listSessions('gina', NOW)).toEqual([]);
      expect(await store.useSession('gina', b, sb!, NOW)).toBeNull();
      expect(await store.consumeToken('gina', tb!, NOW)).toBeNull();
      expect(await store.consumeToken('gina', tc!, NOW)).toBeNull();
    });

    it('keeps at most `cap` sessions per user: the least recently used end, with their tokens', async () => {
      const store = await connect();
      const ids = [id(), id(), id()];
      const secrets = hashes(3);
      const [t0] = hashes(1);
      await store.openSession(session('hana', ids[0]!, NOW), secrets[0]!, 2);
      await store.issueTokens({ username: 'hana', hashes: [t0!], expiresAt: NOW + 60_000, sessionId: ids[0]! }, NOW, 1024);
      await store.openSession(session('hana', ids[1]!, NOW + 1), secrets[1]!, 2);
      await store.openSession(session('hana', ids[2]!, NOW + 2), secrets[2]!, 2);
      expect((await store.listSessions('hana', NOW + 2)).map((x) => x.sessionId)).toEqual([ids[2], ids[1]]);
      expect(await store.consumeToken('hana', t0!, NOW)).toBeNull();
    });

    it('lets two connections (two server nodes) race for one token: one wins', async () => {
      const [one, two] = [await connect(), await connect()];
      const [token] = hashes(1);
      await one.issueTokens({ username: 'erin', hashes: [token!], expiresAt: NOW + 60_000, sessionId: null }, NOW, 1024);
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
