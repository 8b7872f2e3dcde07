/**
 * One streaming measurement in a fresh process, so that its peak RSS is its
 * own: `node dist/bench/stream-child.js <encrypt|prepare|decrypt> <libsodium|tweetnacl> <MiB> <file>`.
 * Prints one JSON line: { seconds, bytes, peakRss } (peakRss: the process's maxRSS, startup included).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
// The minilock entry point alone: nothing else of the SDK is loaded.
import { decryptStream, encodeMiniLockId, encryptStream, sodiumBackend, tweetnaclBackend } from '@peerlock/sdk/minilock';

const [mode, backendName, sizeText, path] = process.argv.slice(2);
const MiB = 1024 * 1024;
const size = Number(sizeText) * MiB;
const backend = backendName === 'libsodium' ? sodiumBackend() : tweetnaclBackend;
if (!backend || !path || !['encrypt', 'prepare', 'decrypt'].includes(mode ?? '')) throw new Error('usage: stream-child <encrypt|prepare|decrypt> <libsodium|tweetnacl> <MiB> <file>');

export const senderSecretKey = new Uint8Array(32).fill(7);
export const readerSecretKey = new Uint8Array(32).fill(9);
const options = { senderSecretKey, recipients: [encodeMiniLockId(backend.scalarMultBase(readerSecretKey))], fileName: 'bench.bin', backend };

/** The plaintext, made on the fly: one random 1 MiB piece yielded again and again (the encryptor copies what it reads). */
async function* generated(): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(randomBytes(MiB));
  for (let done = 0; done < size; done += MiB) yield piece.subarray(0, Math.min(MiB, size - done));
}

const start = process.hrtime.bigint();
let bytes = 0;
if (mode === 'encrypt') {
  // Output discarded: what the SDK itself costs.
  const e = encryptStream(generated(), options);
  for await (const chunk of e.chunks) bytes += chunk.length;
  bytes += e.finish().header.length;
} else if (mode === 'prepare') {
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
} else {
  const d = await decryptStream(createReadStream(path), readerSecretKey, { backend });
  for await (const piece of d.plaintext) bytes += piece.length;
  if (bytes !== size) throw new Error('decrypted size differs');
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ seconds, bytes, peakRss: process.resourceUsage().maxRSS * 1024 }));
