import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { CiphertextStore, StoredCiphertext } from '../../src/storage/ciphertext-store.js';
import { SqliteCiphertextStore } from '../../src/storage/sqlite-ciphertext-store.js';
import { PostgresCiphertextStore } from '../../src/storage/postgres-ciphertext-store.js';
import { connections } from '../support/connections.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

const entry = (overrides: Partial<StoredCiphertext> = {}): StoredCiphertext => ({
  messageId: randomUUID(),
  conversationId: randomUUID(),
  sender: 'alice',
  sha256: 'A'.repeat(43) + '=',
  ciphertext: new Uint8Array([1, 2, 3]),
  expiresAt: null,
  ...overrides,
});

/** The contract every ciphertext store keeps; the same tests run on each adapter. */
/** `badEntry`: a put this adapter's database refuses (each refuses different things). */
function ciphertextStoreContract(name: string, open: () => Promise<CiphertextStore>, cleanup: () => Promise<void>, badEntry: () => StoredCiphertext, skip = '') {
  describe.skipIf(skip !== '')(`ciphertext store on ${name}${skip}`, () => {
    const connect = connections(open, cleanup);

    it('claims a free id, recognises a retry of the same bytes, and refuses anything else under that id', async () => {
      const store = await connect();
      const first = entry();
      expect(await store.put(first)).toBe('stored');
      expect(await store.put(first)).toBe('same');
      expect(await store.put({ ...first, sha256: 'B'.repeat(43) + '=' })).toBe('taken');
      expect(await store.put({ ...first, sender: 'mallory' })).toBe('taken');
      expect(await store.put({ ...first, conversationId: randomUUID() })).toBe('taken');
      expect([...(await store.get([first.messageId])).values()].map((b) => [...b])).toEqual([[1, 2, 3]]);
    });

    it('gives every put of one burst its own outcome, also when two race for one id', async () => {
      const store = await connect();
      const contested = entry();
      const rival = { ...contested, sender: 'bob' };
      const others = Array.from({ length: 20 }, () => entry());
      const outcomes = await Promise.all([store.put(contested), store.put(rival), ...others.map((e) => store.put(e))]);
      expect(outcomes.slice(0, 2).sort()).toEqual(['stored', 'taken']);
      expect(outcomes.slice(2)).toEqual(others.map(() => 'stored'));
      const stored = await store.get([contested.messageId, ...others.map((e) => e.messageId)]);
      expect(stored.size).toBe(21);
    });

    it('releases only the sender’s own claim, and purges a whole conversation', async () => {
      const store = await connect();
      const conversationId = randomUUID();
      const a = entry({ conversationId });
      const b = entry({ conversationId, sender: 'bob' });
      const elsewhere = entry();
      for (const e of [a, b, elsewhere]) expect(await store.put(e)).toBe('stored');
      await store.release(a.messageId, 'mallory');
      expect((await store.get([a.messageId])).size).toBe(1);
      await store.release(a.messageId, 'alice');
      expect((await store.get([a.messageId])).size).toBe(0);
      // The released id is free again.
      expect(await store.put(a)).toBe('stored');
      expect(await store.purgeConversation(conversationId)).toBe(2);
      expect((await store.get([a.messageId, b.messageId, elsewhere.messageId])).size).toBe(1);
    });

    it('fails only the put whose insert fails when a burst is written together; the others are stored', async () => {
      const store = await connect();
      const good = [entry(), entry()];
      const bad = badEntry();
      const results = await Promise.allSettled([store.put(good[0]!), store.put(bad), store.put(good[1]!)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store.get(good.map((e) => e.messageId))).size).toBe(2);
      expect((await store.get([bad.messageId])).size).toBe(0);
    });

    it('lists the rows due, earliest first and in batches, says when the next one is due, and purges single messages', async () => {
      const store = await connect();
      const t = 1_780_000_000_000;
      expect(await store.nextDue()).toBeNull();
      const conversationId = randomUUID();
      const later = entry({ conversationId, expiresAt: t + 300_000 });
      const soon = entry({ conversationId, expiresAt: t + 1000 });
      const sooner = entry({ expiresAt: t });
      const never = entry({ conversationId });
      for (const e of [later, soon, sooner, never]) expect(await store.put(e)).toBe('stored');
      expect(await store.nextDue()).toBe(t);
      expect(await store.due(t - 1, 10)).toEqual([]);
      expect(await store.due(t + 1000, 1)).toEqual([{ messageId: sooner.messageId, conversationId: sooner.conversationId }]);
      expect(await store.due(t + 1000, 10)).toEqual([
        { messageId: sooner.messageId, conversationId: sooner.conversationId },
        { messageId: soon.messageId, conversationId },
      ]);
      // Made due at once (a deletion's target), or never again.
      await store.expireAt([later.messageId, 'no such row'], t - 5);
      await store.expireAt([sooner.messageId], null);
      expect((await store.due(t + 1000, 10)).map((r) => r.messageId)).toEqual([later.messageId, soon.messageId]);
      expect(await store.nextDue()).toBe(t - 5);
      expect(await store.purgeMessages([later.messageId, soon.messageId, 'no such row'])).toBe(2);
      expect(await store.purgeMessages([later.messageId])).toBe(0);
      expect(await store.due(t + 1_000_000, 10)).toEqual([]);
      expect(await store.nextDue()).toBeNull();
      expect([...(await store.get([later.messageId, soon.messageId, sooner.messageId, never.messageId])).keys()].sort()).toEqual([sooner.messageId, never.messageId].sort());
      // A purged id is free again for the store (the conversation, not the store, remembers it was posted).
      expect(await store.put(later)).toBe('stored');
      expect(await store.purgeConversation(conversationId)).toBe(2);
    });

    it('sees what another connection (another server node) stored', async () => {
      const [one, two] = [await connect(), await connect()];
      const e = entry();
      expect(await one.put(e)).toBe('stored');
      expect(await two.put({ ...e, sender: 'bob' })).toBe('taken');
      expect(await two.put(e)).toBe('same');
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'peerlock-ciphertexts-'));
ciphertextStoreContract(
  'SQLite',
  async () => new SqliteCiphertextStore(join(dir, 'peerlock-messages.db')),
  async () => rmSync(dir, { recursive: true, force: true }),
  // The STRICT table refuses a text where a blob belongs.
  () => entry({ ciphertext: 'not bytes' as unknown as Uint8Array }),
);

describe('SQLite ciphertext store: what a purge leaves in the files', () => {
  const here = mkdtempSync(join(tmpdir(), 'peerlock-ciphertext-purge-'));
  const path = join(here, 'peerlock-messages.db');
  afterAll(() => rmSync(here, { recursive: true, force: true }));
  const onDisk = (needle: Buffer) => readdirSync(here).filter((name) => readFileSync(join(here, name)).includes(needle));

  it('a purged message’s bytes are in neither the database file nor its WAL, which is cut to nothing', async () => {
    const store = new SqliteCiphertextStore(path);
    try {
      const kept = entry({ ciphertext: randomBytes(3000) });
      const purged = entry({ ciphertext: randomBytes(3000), expiresAt: 1 });
      const small = entry({ ciphertext: randomBytes(200), expiresAt: 1 });
      for (const e of [kept, purged, small]) expect(await store.put(e)).toBe('stored');
      const slice = (e: StoredCiphertext) => Buffer.from(e.ciphertext.subarray(100, 148));
      // The search works: every message is somewhere on disk before the purge.
      for (const e of [kept, purged, small]) expect(onDisk(slice(e)).length).toBeGreaterThan(0);
      expect(await store.purgeMessages([purged.messageId, small.messageId])).toBe(2);
      expect(onDisk(slice(purged))).toEqual([]);
      expect(onDisk(slice(small))).toEqual([]);
      expect(statSync(`${path}-wal`).size).toBe(0);
      expect(onDisk(slice(kept))).toEqual(['peerlock-messages.db']);
    } finally {
      await store.close();
    }
  });

  it('a file made before expiries gets the column, its rows never due', async () => {
    const legacyPath = join(here, 'legacy.db');
    const legacy = new Database(legacyPath);
    legacy.exec('CREATE TABLE message_ciphertexts (message_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, sender TEXT NOT NULL, sha256 TEXT NOT NULL, ciphertext BLOB NOT NULL) STRICT');
    legacy.prepare('INSERT INTO message_ciphertexts VALUES (?, ?, ?, ?, ?)').run('old', 'c', 'alice', 'A'.repeat(43) + '=', Buffer.from([7]));
    legacy.close();
    const store = new SqliteCiphertextStore(legacyPath);
    try {
      expect(await store.nextDue()).toBeNull();
      expect([...(await store.get(['old'])).values()].map((b) => [...b])).toEqual([[7]]);
      expect(await store.put(entry({ messageId: 'new', expiresAt: 5 }))).toBe('stored');
      expect(await store.due(5, 10)).toEqual([{ messageId: 'new', conversationId: expect.any(String) }]);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!DATABASE_URL)(`PostgreSQL ciphertext store: a schema made before expiries${POSTGRES_SKIP}`, () => {
  const legacySchema = testSchemaName();
  afterAll(async () => dropSchema(legacySchema));

  it('gets the column, its rows never due', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    try {
      await pool.query(`CREATE SCHEMA ${legacySchema}`);
      await pool.query(`CREATE TABLE ${legacySchema}.message_ciphertexts (message_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, sender TEXT NOT NULL, sha256 TEXT NOT NULL, ciphertext BYTEA NOT NULL)`);
      await pool.query(`INSERT INTO ${legacySchema}.message_ciphertexts VALUES ('old', 'c', 'alice', $1, $2)`, ['A'.repeat(43) + '=', Buffer.from([7])]);
      const store = await PostgresCiphertextStore.open(pool, legacySchema);
      expect(await store.nextDue()).toBeNull();
      expect([...(await store.get(['old'])).values()].map((b) => [...b])).toEqual([[7]]);
      expect(await store.put(entry({ messageId: 'new', expiresAt: 5 }))).toBe('stored');
      expect(await store.due(5, 10)).toEqual([{ messageId: 'new', conversationId: expect.any(String) }]);
    } finally {
      await pool.end();
    }
  });
});

const schema = testSchemaName();
const pools: pg.Pool[] = [];
ciphertextStoreContract(
  'PostgreSQL',
  async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    pools.push(pool);
    return PostgresCiphertextStore.open(pool, schema);
  },
  async () => {
    if (DATABASE_URL) await dropSchema(schema);
    await Promise.all(pools.map((p) => p.end()));
  },
  // PostgreSQL text cannot hold a NUL character.
  () => entry({ conversationId: 'nul\u0000' }),
  DATABASE_URL ? '' : POSTGRES_SKIP,
);
