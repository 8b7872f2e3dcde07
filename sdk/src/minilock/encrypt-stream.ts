/**
 * Streaming encryption: plaintext pieces in, encrypted chunks out, memory
 * bounded by about two chunks whatever the file size.
 *
 * The header depends on fileHash, which covers every chunk, so it can only be
 * made after the last chunk: read `chunks` to the end, then call `finish()`
 * for the header. Peerlock stores the two apart (DESIGN.md §5); for a single
 * .minilock file write header ‖ chunks: into a file, leave headerLength()
 * bytes, write the chunks after them and the header last (one pass); into a
 * pipe, the chunks must wait somewhere (the CLI spools them to a temp file).
 */
import { assertBytes } from '../crypto/bytes.js';
import { ByteReader, type ByteSource } from './byte-reader.js';
import { CHUNK_SIZE } from './format.js';
import { FileEncryptor, type EncryptedHeader, type EncryptOptions, type StreamOption } from './encryptor.js';
import { CHUNK_LENGTH_BYTES, CHUNK_MAC_BYTES } from './format.js';
import { checkOptions } from './options.js';
import { concatBytes } from '../crypto/bytes.js';
import { createFileHasher, StreamHasher } from './file-hash.js';

export interface EncryptStream {
  /** The chunk stream, one Uint8Array per chunk (≤ 1 MiB + 20 bytes). Single use. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** The header, once `chunks` has been read to the end; throws before. */
  finish(): EncryptedHeader;
  /**
   * How long the header will be, before any chunk: a writer that can seek
   * leaves that much room, writes the chunks after it and the header last,
   * in one pass (peerlock-minilock encrypt into a file).
   */
  headerLength(): number;
}

export function encryptStream(source: ByteSource, options: EncryptOptions & StreamOption): EncryptStream {
  const reader = new ByteReader(source, 'source');
  const reuse = checkOptions(options).reuseBuffers;
  if (reuse !== undefined && typeof reuse !== 'boolean') throw new TypeError('options.reuseBuffers: expected a boolean');
  const hasher = new StreamHasher();
  const encryptor = FileEncryptor.create(options, hasher);
  let started = false;
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (started) throw new Error('encryptStream: chunks can be read only once');
    started = true;
    // One plaintext buffer for the whole stream, zeroed at the end.
    const buffer = new Uint8Array(CHUNK_SIZE);
    const output = reuse ? new Uint8Array(CHUNK_LENGTH_BYTES + CHUNK_MAC_BYTES + CHUNK_SIZE) : undefined;
    try {
      yield encryptor.nameChunk();
      // Data chunks of exactly 1 MiB; the one that reaches the end of the
      // input is flagged last (reference: dataPosition >= size - chunkSize),
      // so a file of k MiB ends with a full last chunk, an empty file with an
      // empty one. Knowing "last" takes a look one byte ahead.
      for (;;) {
        const plaintext = await reader.read(CHUNK_SIZE, buffer);
        const last = plaintext.length < CHUNK_SIZE || (await reader.atEnd());
        // A file of more than one data chunk hashes on a worker thread.
        hasher.choose(!last);
        const chunk = encryptor.dataChunk(plaintext, last, output);
        if (last) {
          encryptor.complete(await hasher.digest());
          yield chunk;
          return;
        }
        yield chunk;
        await hasher.drain();
      }
    } finally {
      buffer.fill(0);
      hasher.dispose();
      await reader.cancel();
    }
  }
  return { chunks: chunks(), finish: () => encryptor.finish(), headerLength: () => encryptor.headerLength() };
}

export interface EncryptedFileParts extends EncryptedHeader {
  /** The whole chunk stream. */
  readonly chunks: Uint8Array;
}

/** Whole-buffer encryption, header and chunk stream apart. */
export function encryptFileParts(plaintext: Uint8Array, options: EncryptOptions): EncryptedFileParts {
  assertBytes(plaintext, 'plaintext');
  const hasher = createFileHasher();
  const encryptor = FileEncryptor.create(options, hasher);
  const framed: Uint8Array[] = [encryptor.nameChunk()];
  let offset = 0;
  for (;;) {
    const end = Math.min(offset + CHUNK_SIZE, plaintext.length);
    const last = end === plaintext.length;
    framed.push(encryptor.dataChunk(plaintext.subarray(offset, end), last));
    if (last) break;
    offset = end;
  }
  return { ...encryptor.complete(hasher.digest()), chunks: concatBytes(...framed) };
}

/** Whole-buffer encryption to a complete .minilock file (header ‖ chunks). */
export function encryptFile(plaintext: Uint8Array, options: EncryptOptions): Uint8Array {
  const parts = encryptFileParts(plaintext, options);
  return concatBytes(parts.header, parts.chunks);
}
