/** Files on disk as the SDK's byte streams and sinks (temp file, placed only once verified). */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, createWriteStream, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { PlaintextSink } from '@peerlock/sdk';

export function readSource(path: string): { source: AsyncIterable<Uint8Array>; size: number; name: string } {
  const size = statSync(path).size;
  return { source: createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>, size, name: basename(path) };
}

export interface DownloadTarget extends PlaintextSink {
  /**
   * After commit: gives the verified file its name, atomically. Never
   * replaces an existing file unless `force`: it takes the first free name
   * of `target`, `target (1)`, `target (2)` … (before the extension), and
   * returns the path it used.
   */
  place(target: string, options: { force: boolean }): string;
  /** Removes the temporary file if it was not placed (safe to call always). */
  discard(): void;
}

const MAX_NAME_ATTEMPTS = 1000;

/**
 * A private temporary file (0600, created exclusively) in `directory`, the
 * directory the file will end up in, so that placing it is a link or a
 * rename within one file system: a reader sees the whole verified file or
 * nothing. Without `force`, link(2) places it: it fails with EEXIST instead
 * of replacing a file that appeared meanwhile (where rename(2) would
 * clobber it). With `force`, rename(2) replaces the target atomically and
 * the file keeps the replaced file's mode.
 */
export function downloadTarget(directory: string): DownloadTarget {
  const temp = join(directory, `.peerlock-${randomBytes(6).toString('hex')}.partial`);
  // Opened here, synchronously: a directory we cannot write to fails before anything is downloaded.
  const stream = createWriteStream(temp, { fd: openSync(temp, 'wx', 0o600) });
  // Failures reach write() and commit() through their callbacks; this only keeps a late one from crashing the process.
  stream.on('error', () => undefined);
  let placed = false;
  return {
    write: (piece) =>
      new Promise<void>((resolve, reject) => {
        // The decryptor may reuse its buffer after write returns: hand the stream a copy.
        stream.write(Buffer.from(piece), (error) => (error ? reject(error) : resolve()));
      }),
    commit: () =>
      new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => {
          if (error) return reject(error);
          // On disk before it gets its name: a crash leaves the old state or the whole file.
          const fd = openSync(temp, 'r');
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
          resolve();
        });
      }),
    abort: () =>
      new Promise<void>((resolve) => {
        stream.destroy();
        rmSync(temp, { force: true });
        resolve();
      }),
    place(target, { force }) {
      if (force) {
        const existing = statOrNull(target);
        if (existing?.isDirectory()) throw Object.assign(new Error(`${target} is a directory`), { code: 'EISDIR' });
        if (existing) chmodSync(temp, existing.mode & 0o7777);
        renameSync(temp, target);
        placed = true;
        return target;
      }
      for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
        const candidate = numbered(target, n);
        try {
          linkSync(temp, candidate);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw error;
        }
        rmSync(temp, { force: true });
        placed = true;
        return candidate;
      }
      throw Object.assign(new Error(`${target}: no free name up to (${MAX_NAME_ATTEMPTS - 1}); use -o or --force`), { code: 'EEXIST' });
    },
    discard() {
      if (placed) return;
      stream.destroy();
      rmSync(temp, { force: true });
    },
  };
}

/** `report.pdf`, `report (1).pdf`, `report (2).pdf` …; a dot file or a name without extension gets the number at the end. */
export function numbered(path: string, n: number): string {
  if (n === 0) return path;
  const name = basename(path);
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return join(dirname(path), `${stem} (${n})${ext}`);
}

export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
