import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
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
