import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobStoreContract } from '../../src/blobstore/testing/index.js';
import { LocalFolderBlobStore } from '../../src/blobstore/local-folder-blob-store.js';

const root = mkdtempSync(join(tmpdir(), 'peerlock-blobs-'));
blobStoreContract({ name: 'local folder', open: () => LocalFolderBlobStore.open(root), teardown: async () => rmSync(root, { recursive: true, force: true }) });

describe('local folder blob store', () => {
  it('sweeps temporary files a crash left behind, and never lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-blobs-'));
    try {
      const store = await LocalFolderBlobStore.open(dir);
      writeFileSync(join(dir, 'x.abc.partial'), 'half');
      expect(await store.list('')).toEqual([]);
      await LocalFolderBlobStore.open(dir);
      expect(existsSync(join(dir, 'x.abc.partial'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads through a caller-owned buffer when given one: every piece is a view of it, the bytes are the blob', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-blobs-'));
    try {
      const store = await LocalFolderBlobStore.open(dir);
      const blob = new Uint8Array(10_000).map((_, i) => i % 251);
      await store.put('a/b', (async function* () { yield blob.subarray(0, 3000); yield blob.subarray(3000); })(), { maxBytes: 20_000 });
      const buffer = new Uint8Array(4096);
      const got = (await store.get('a/b', { buffer }))!;
      expect(got.size).toBe(10_000);
      const copies: Uint8Array[] = [];
      for await (const piece of got.body) {
        // A view of the caller's buffer, valid until the next piece: copy it to keep it.
        expect(piece.buffer).toBe(buffer.buffer);
        copies.push(piece.slice());
      }
      expect(copies.map((c) => c.length)).toEqual([4096, 4096, 1808]);
      expect(Buffer.concat(copies).equals(Buffer.from(blob))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
