/** Files on disk as the SDK's byte streams and sinks (temp file, renamed only once verified). */
import { createReadStream, createWriteStream, statSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PlaintextSink } from '@peerlock/sdk';

export function readSource(path: string): { source: AsyncIterable<Uint8Array>; size: number; name: string } {
  const size = statSync(path).size;
  return { source: createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>, size, name: basename(path) };
}

export function fileSink(path: string): PlaintextSink {
  const temp = join(dirname(path), `.${basename(path)}.peerlock-partial`);
  const stream = createWriteStream(temp, { mode: 0o600 });
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
          renameSync(temp, path);
          resolve();
        });
      }),
    abort: () =>
      new Promise<void>((resolve) => {
        stream.destroy();
        rmSync(temp, { force: true });
        resolve();
      }),
  };
}
