/**
 * The one contract every BlobStore adapter passes (STYLE §5). Each test works
 * under its own random prefix, so adapters may share a container or folder.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobTooLargeError, type BlobBody, type BlobStore } from '../blob-store.js';

export interface BlobStoreContractOptions {
  readonly name: string;
  readonly open: () => Promise<BlobStore>;
  readonly teardown?: () => Promise<void>;
}

async function* pieces(...parts: Uint8Array[]): BlobBody {
  for (const p of parts) yield p;
}

async function readAll(body: BlobBody): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of body) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

export function blobStoreContract(options: BlobStoreContractOptions): void {
  describe(`BlobStore contract: ${options.name}`, () => {
    let store: BlobStore;
    const prefix = () => `t${randomBytes(6).toString('hex')}/`;

    beforeAll(async () => {
      store = await options.open();
    });
    afterAll(async () => {
      await store?.close();
      await options.teardown?.();
    });

    it('stores a streamed body and gives back the same bytes and size', async () => {
      const key = `${prefix()}a/0`;
      const a = randomBytes(700_000);
      const b = randomBytes(900_000);
      expect(await store.put(key, pieces(a, b), { maxBytes: 2_000_000 })).toBe(1_600_000);
      expect(await store.size(key)).toBe(1_600_000);
      const got = await store.get(key);
      expect(got?.size).toBe(1_600_000);
      expect(Buffer.from(await readAll(got!.body)).equals(Buffer.concat([a, b]))).toBe(true);
    });

    it('stores an empty blob', async () => {
      const key = `${prefix()}empty`;
      expect(await store.put(key, pieces(), { maxBytes: 10 })).toBe(0);
      expect(await store.size(key)).toBe(0);
      expect((await readAll((await store.get(key))!.body)).length).toBe(0);
    });

    it('answers null for a missing key', async () => {
      const key = `${prefix()}missing`;
      expect(await store.get(key)).toBeNull();
      expect(await store.size(key)).toBeNull();
    });

    it('replaces a blob whole', async () => {
      const key = `${prefix()}r`;
      await store.put(key, pieces(randomBytes(1000)), { maxBytes: 10_000 });
      const second = randomBytes(3000);
      await store.put(key, pieces(second), { maxBytes: 10_000 });
      expect(Buffer.from(await readAll((await store.get(key))!.body)).equals(second)).toBe(true);
    });

    it('refuses a body over maxBytes and stores nothing, keeping the previous blob', async () => {
      const p = prefix();
      await expect(store.put(`${p}big`, pieces(randomBytes(600), randomBytes(600)), { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await store.size(`${p}big`)).toBeNull();
      const old = randomBytes(10);
      await store.put(`${p}kept`, pieces(old), { maxBytes: 1000 });
      await expect(store.put(`${p}kept`, pieces(randomBytes(2000)), { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(Buffer.from(await readAll((await store.get(`${p}kept`))!.body)).equals(old)).toBe(true);
      expect((await store.list(p)).map((e) => e.key)).toEqual([`${p}kept`]);
    });

    it('never shows a partial blob: while a write is in flight, and after it fails midway', async () => {
      const key = `${prefix()}partial`;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let failNow = false;
      async function* slow(): BlobBody {
        yield randomBytes(1_200_000);
        await gate;
        if (failNow) throw new Error('client went away');
        yield randomBytes(10);
      }
      const writing = store.put(key, slow(), { maxBytes: 2_000_000 });
      await new Promise((r) => setTimeout(r, 50));
      expect(await store.size(key)).toBeNull();
      expect(await store.get(key)).toBeNull();
      expect(await store.list(key.slice(0, key.indexOf('/') + 1))).toEqual([]);
      failNow = true;
      release();
      await expect(writing).rejects.toThrow('client went away');
      expect(await store.size(key)).toBeNull();
    });

    it('lists by prefix in key order with sizes, and deletes by prefix', async () => {
      const p = prefix();
      for (const k of ['b/1', 'a/2', 'a/10']) await store.put(`${p}${k}`, pieces(randomBytes(k.length)), { maxBytes: 100 });
      await store.put(`${prefix()}other`, pieces(randomBytes(1)), { maxBytes: 100 });
      expect(await store.list(p)).toEqual([
        { key: `${p}a/10`, size: 4 },
        { key: `${p}a/2`, size: 3 },
        { key: `${p}b/1`, size: 3 },
      ]);
      expect((await store.list(`${p}a/`)).length).toBe(2);
      await store.deletePrefix(`${p}a/`);
      expect((await store.list(p)).map((e) => e.key)).toEqual([`${p}b/1`]);
      await store.deletePrefix(`${p}nothing/`);
      await store.deletePrefix(p);
      expect(await store.list(p)).toEqual([]);
    });

    it('refuses keys that could escape the namespace', async () => {
      await expect(store.put('../x', pieces(), { maxBytes: 1 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.get('a//b')).rejects.toBeInstanceOf(RangeError);
      await expect(store.deletePrefix('')).rejects.toBeInstanceOf(RangeError);
    });
  });
}
