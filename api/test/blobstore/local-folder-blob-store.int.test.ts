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
});
