/**
 * One streaming measurement in a fresh process, so that its peak RSS is its
 * own: `node dist/bench/stream-child.js <encrypt|prepare|decrypt> <libsodium|tweetnacl> <MiB> <file> [reps] [reuse]`.
 * Prints one JSON line: { seconds, rawSeconds, peakRss }: the best of `reps` runs of the stream, the
 * best of as many runs of raw libsodium crypto_secretbox_easy (or _open_easy) over the same number of
 * bytes in 1 MiB pieces, interleaved so that load from other processes hits both alike, and the
 * process's maxRSS (startup included).
 */
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
// The minilock entry point alone: nothing else of the SDK is loaded.
import { decryptStream, encodeMiniLockId, encryptStream, sodiumBackend, tweetnaclBackend } from '@peerlock/sdk/minilock';

const [mode, backendName, sizeText, path, repsText] = process.argv.slice(2);
const reps = Number(repsText ?? 1);
const reuseBuffers = process.argv[7] === 'reuse';
const MiB = 1024 * 1024;
const size = Number(sizeText) * MiB;
const chosen = backendName === 'libsodium' ? sodiumBackend() : tweetnaclBackend;
if (!chosen || !path || !['encrypt', 'prepare', 'decrypt'].includes(mode ?? '')) throw new Error('usage: stream-child <encrypt|prepare|decrypt> <libsodium|tweetnacl> <MiB> <file>');

const backend = chosen;
export const senderSecretKey = new Uint8Array(32).fill(7);
export const readerSecretKey = new Uint8Array(32).fill(9);
const options = { senderSecretKey, recipients: [encodeMiniLockId(backend.scalarMultBase(readerSecretKey))], fileName: 'bench.bin', backend, reuseBuffers };

/** The plaintext, made on the fly: one random 1 MiB piece yielded again and again (the encryptor copies what it reads). */
async function* generated(): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(randomBytes(MiB));
  for (let done = 0; done < size; done += MiB) yield piece.subarray(0, Math.min(MiB, size - done));
}

interface SodiumRaw {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
}
const sodium = createRequire(import.meta.url)('sodium-native') as SodiumRaw;

/** The baseline: the same bytes through libsodium alone, buffers allocated once. */
function raw(): number {
  const m = new Uint8Array(randomBytes(MiB));
  const c = new Uint8Array(MiB + 16);
  const n = new Uint8Array(24);
  const k = new Uint8Array(32);
  sodium.crypto_secretbox_easy(c, m, n, k);
  const start = process.hrtime.bigint();
  for (let done = 0; done < size; done += MiB) {
    if (mode === 'encrypt') sodium.crypto_secretbox_easy(c, m, n, k);
    else if (!sodium.crypto_secretbox_open_easy(m, c, n, k)) throw new Error('raw open failed');
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The ceiling: BLAKE2s-256 (OpenSSL, as the SDK uses) over the same bytes, which the format requires. */
function hashOnly(): number {
  const m = new Uint8Array(randomBytes(MiB));
  const start = process.hrtime.bigint();
  const h = createHash('blake2s256');
  for (let done = 0; done < size; done += MiB) h.update(m);
  h.digest();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function stream(): Promise<number> {
  const start = process.hrtime.bigint();
  let bytes = 0;
  if (mode === 'encrypt') {
    // Output discarded: what the SDK itself costs.
    const e = encryptStream(generated(), options);
    for await (const chunk of e.chunks) bytes += chunk.length;
    bytes += e.finish().header.length;
  } else {
    // 1 MiB reads: one read per chunk rather than sixteen.
    const d = await decryptStream(createReadStream(path!, { highWaterMark: MiB }), readerSecretKey, { backend, reuseBuffers });
    for await (const piece of d.plaintext) bytes += piece.length;
    if (bytes !== size) throw new Error('decrypted size differs');
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

if (mode === 'prepare') {
  // header ‖ chunks, written with a placeholder header first: its length is known only at the end,
  // so the chunks go to `path.chunks` and are appended after the header.
  const chunksPath = `${path}.chunks`;
  const e = encryptStream(generated(), options);
  const chunkFile = await open(chunksPath, 'w');
  for await (const chunk of e.chunks) await chunkFile.write(chunk);
  await chunkFile.close();
  const file = await open(path, 'w');
  await file.write(e.finish().header);
  for await (const piece of createReadStream(chunksPath)) await file.write(piece as Buffer);
  await file.close();
  console.log('{}');
} else {
  let seconds = Infinity;
  let rawSeconds = Infinity;
  let hashSeconds = Infinity;
  const startupRss = process.memoryUsage.rss();
  for (let i = 0; i < reps; i++) {
    rawSeconds = Math.min(rawSeconds, raw());
    hashSeconds = Math.min(hashSeconds, hashOnly());
    seconds = Math.min(seconds, await stream());
  }
  console.log(JSON.stringify({ seconds, rawSeconds, hashSeconds, startupRss, peakRss: process.resourceUsage().maxRSS * 1024 }));
}
