/**
 * Blobs as files under a folder (the embedded default: `<dataDir>/blobs`).
 * A write goes to a temporary file in the same folder, is fsynced, then
 * renamed over the key's path and the folder fsynced: rename is atomic on
 * POSIX file systems, so a reader (or a restart after a crash) sees the old
 * blob or the new one, never a partial one. Leftover temporary files from a
 * crash are swept at open.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertBlobKey, assertBlobPrefix, limited, type BlobBody, type BlobStore } from './blob-store.js';

const TEMP_SUFFIX = '.partial';

export class LocalFolderBlobStore implements BlobStore {
  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<LocalFolderBlobStore> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    const store = new LocalFolderBlobStore(root);
    for (const file of await store.walk(root)) if (file.endsWith(TEMP_SUFFIX)) await rm(file, { force: true });
    return store;
  }

  async put(key: string, body: BlobBody, options: { readonly maxBytes: number }): Promise<number> {
    assertBlobKey(key);
    const target = join(this.root, key);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 }).catch(async (err: NodeJS.ErrnoException) => {
      // On a read-only file system Node's recursive mkdir says ENOENT; ask the folder itself for the real cause (EROFS, EACCES).
      if (err.code === 'ENOENT') await access(this.root, constants.W_OK);
      throw err;
    });
    const temp = `${target}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    const handle = await open(temp, 'wx', 0o600);
    let written = 0;
    try {
      for await (const piece of limited(body, options.maxBytes, () => {})) {
        let offset = 0;
        while (offset < piece.length) {
          const { bytesWritten } = await handle.write(piece, offset, piece.length - offset);
          offset += bytesWritten;
        }
        written += piece.length;
      }
      await handle.sync();
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => {});
      await rm(temp, { force: true });
      throw err;
    }
    await rename(temp, target);
    await syncDirectory(dirname(target));
    return written;
  }

  async get(key: string, options: { readonly buffer?: Uint8Array } = {}): Promise<{ size: number; body: BlobBody } | null> {
    assertBlobKey(key);
    const path = join(this.root, key);
    // Opened now, so a concurrent replace (rename) cannot mix two versions: the descriptor keeps the old inode.
    const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!handle) return null;
    const { size } = await handle.stat();
    if (options.buffer) return { size, body: readInto(handle, options.buffer) };
    return { size, body: handle.createReadStream({ highWaterMark: 256 * 1024 }) as unknown as BlobBody };
  }

  async size(key: string): Promise<number | null> {
    assertBlobKey(key);
    try {
      const s = await stat(join(this.root, key));
      return s.isFile() ? s.size : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<{ key: string; size: number }[]> {
    assertBlobPrefix(prefix);
    const out: { key: string; size: number }[] = [];
    for (const file of await this.walk(join(this.root, prefix))) {
      if (file.endsWith(TEMP_SUFFIX)) continue;
      const key = relative(this.root, file).split(sep).join('/');
      const s = await stat(file).catch(() => null);
      if (s?.isFile()) out.push({ key, size: s.size });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix);
    if (prefix === '') throw new RangeError('prefix: refusing to delete the whole store');
    await rm(join(this.root, prefix), { recursive: true, force: true });
  }

  async close(): Promise<void> {}

  private async walk(dir: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) out.push(...(await this.walk(path)));
      else if (e.isFile()) out.push(path);
    }
    return out;
  }
}

/** The file through one caller-owned buffer (see BlobStore.get); closes the file however the reader stops. */
async function* readInto(handle: FileHandle, buffer: Uint8Array): BlobBody {
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
