/**
 * Streaming decryption, with memory bounded by about two chunks.
 *
 * What a streamed plaintext chunk means: every chunk is released only after
 * its own Poly1305 tag verified under its position-bound nonce, so each piece
 * is authentic and in its place. The FILE is complete and authentic only when
 * the plaintext iterator ends without an error: truncation, trailing bytes
 * and a fileHash mismatch can only be seen at the end. (The last chunk is
 * released only after those end checks passed.) Callers that write pieces out
 * as they come must discard what they wrote when iteration throws;
 * decryptToSink() does that bookkeeping through commit()/abort().
 */
import { assertBytes, equalBytes } from '../crypto/bytes.js';
import { KEY_BYTES, type NaclBackend } from '../crypto/nacl.js';
import { ByteReader, type ByteSource } from './byte-reader.js';
import { ChunkOpener, decodeAttributes, parseChunkLength, type FileAttributes, type OpenedChunk } from './chunks.js';
import { DecryptionError, MalformedFileError } from './errors.js';
import { StreamHasher } from './file-hash.js';
import { assertFileInfo, type FileInfo } from './file-info.js';
import { CHUNK_LENGTH_BYTES, CHUNK_MAC_BYTES, CHUNK_SIZE, HEADER_START } from './format.js';
import { parseHeaderPrefix } from './header.js';
import { openHeader, type OpenedHeader } from './open-header.js';
import { checkOptions, resolveBackend, type BackendOption } from './options.js';
import type { StreamOption } from './encryptor.js';
import { concatBytes } from '../crypto/bytes.js';

export interface DecryptedChunkStream extends FileAttributes {
  /** From chunk 0, authenticated (as are version, mediaType and time). */
  readonly fileName: string;
  /** Authenticated plaintext pieces; complete only if iteration ends without error. Single use. */
  readonly plaintext: AsyncIterable<Uint8Array>;
}

export interface DecryptedStream extends DecryptedChunkStream, OpenedHeader {}

/**
 * Reads and opens one chunk. Each box is read into `scratch` (reuseBuffers:
 * the caller reads every piece before asking for the next) or a fresh buffer
 * the caller may keep, and decrypted in place. When the file hash runs on a
 * worker (files of more than one data chunk), the box is read into one of
 * the worker's slots instead (copied once, network → slot, and read there by
 * both threads) and decrypted out of it, since the worker may still be
 * reading it.
 */
async function readChunk(reader: ByteReader, opener: ChunkOpener, hasher: StreamHasher, scratch: Uint8Array | undefined): Promise<OpenedChunk> {
  const prefix = await reader.read(CHUNK_LENGTH_BYTES);
  // The stream ended before a chunk flagged last: cut at a chunk boundary or inside one.
  if (prefix.length < CHUNK_LENGTH_BYTES) throw new MalformedFileError('truncated');
  const length = parseChunkLength(prefix, opener.nextIndex);
  const boxLength = length + CHUNK_MAC_BYTES;
  // A full first data chunk means a large file: hash it on a worker thread.
  if (opener.nextIndex === 1) hasher.choose(length === CHUNK_SIZE);
  // The hash covers prefix ‖ box, so the slot holds both. It is not written
  // again until the worker is done with it.
  const slot = hasher.borrow(CHUNK_LENGTH_BYTES + boxLength);
  if (slot) {
    slot.set(prefix, 0);
    const box = await reader.read(boxLength, slot.subarray(CHUNK_LENGTH_BYTES));
    // (The slot goes back with the session, which the caller disposes of on this error.)
    if (box.length < boxLength) throw new MalformedFileError('truncated');
    hasher.updateBorrowed(slot);
    return opener.open(box, scratch ? scratch.subarray(0, length) : new Uint8Array(length));
  }
  const box = await reader.read(boxLength, scratch);
  if (box.length < boxLength) throw new MalformedFileError('truncated');
  hasher.update(prefix);
  hasher.update(box);
  return opener.open(box, box.subarray(CHUNK_MAC_BYTES));
}

/** After the last chunk: nothing may follow, and fileHash must match (constant-time). */
async function checkEnd(reader: ByteReader, hasher: StreamHasher, fileInfo: FileInfo): Promise<void> {
  if (!(await reader.atEnd())) throw new MalformedFileError('trailing-data');
  if (!equalBytes(await hasher.digest(), fileInfo.fileHash)) throw new DecryptionError();
}

async function openChunks(reader: ByteReader, fileInfo: FileInfo, backend: NaclBackend, reuse: boolean, headerVersion?: number): Promise<DecryptedChunkStream> {
  const hasher = new StreamHasher();
  const opener = new ChunkOpener(fileInfo.fileKey, fileInfo.fileNonce, backend);
  const scratch = reuse ? new Uint8Array(CHUNK_SIZE + CHUNK_MAC_BYTES) : undefined;
  let first: OpenedChunk;
  try {
    first = await readChunk(reader, opener, hasher, scratch);
    // A name chunk flagged last is a file with no data; the reference reads it as empty.
    if (first.last) await checkEnd(reader, hasher, fileInfo);
  } catch (error) {
    hasher.dispose();
    await reader.cancel();
    throw error;
  }
  let attributes: FileAttributes;
  try {
    // Decoded now, before a reused buffer is overwritten.
    attributes = decodeAttributes(first.plaintext);
    // The header's version is not authenticated; chunk 0's length is. They must agree.
    if (headerVersion !== undefined && attributes.version !== headerVersion) throw new MalformedFileError('version');
  } catch (error) {
    hasher.dispose();
    await reader.cancel();
    throw error;
  }
  let started = false;
  async function* plaintext(): AsyncGenerator<Uint8Array, void, undefined> {
    if (started) throw new Error('decryption: plaintext can be read only once');
    started = true;
    try {
      if (first.last) return;
      for (;;) {
        const chunk = await readChunk(reader, opener, hasher, scratch);
        if (chunk.last) {
          await checkEnd(reader, hasher, fileInfo);
          yield chunk.plaintext;
          return;
        }
        yield chunk.plaintext;
        await hasher.drain();
      }
    } finally {
      hasher.dispose();
      await reader.cancel();
    }
  }
  return { ...attributes, plaintext: plaintext() };
}

/** Decrypts a chunk stream stored apart from its header, given the fileInfo from openHeader. */
export type DecryptStreamOptions = BackendOption & StreamOption;

function resolveReuse(o: Record<string, unknown>): boolean {
  if (o.reuseBuffers !== undefined && typeof o.reuseBuffers !== 'boolean') throw new TypeError('options.reuseBuffers: expected a boolean');
  return o.reuseBuffers === true;
}

export async function decryptChunkStream(chunks: ByteSource, fileInfo: FileInfo, options?: DecryptStreamOptions): Promise<DecryptedChunkStream> {
  const reader = new ByteReader(chunks, 'chunks');
  assertFileInfo(fileInfo);
  const o = checkOptions(options);
  const backend = resolveBackend(o.backend);
  return openChunks(reader, fileInfo, backend, resolveReuse(o));
}

/** Reads exactly the header (magic ‖ length ‖ JSON) from the front of a stream. */
export async function readHeader(reader: ByteReader): Promise<Uint8Array> {
  const prefix = await reader.read(HEADER_START);
  const length = parseHeaderPrefix(prefix);
  const json = await reader.read(length);
  if (json.length < length) throw new MalformedFileError('truncated');
  return concatBytes(prefix, json);
}

/** Decrypts a whole .minilock stream: header, then chunks. */
export async function decryptStream(source: ByteSource, secretKey: Uint8Array, options?: DecryptStreamOptions): Promise<DecryptedStream> {
  const reader = new ByteReader(source, 'source');
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  const o = checkOptions(options);
  const backend = resolveBackend(o.backend);
  const reuse = resolveReuse(o);
  let opened: OpenedHeader;
  try {
    opened = openHeader(await readHeader(reader), secretKey, { backend });
  } catch (error) {
    await reader.cancel();
    throw error;
  }
  const chunks = await openChunks(reader, opened.fileInfo, backend, reuse, opened.version);
  return { ...opened, ...chunks };
}

/** Where decryptToSink writes: pieces as they authenticate, then exactly one of commit() or abort(). */
export interface PlaintextSink {
  write(piece: Uint8Array): void | Promise<void>;
  /** The whole file verified: make it visible (rename the temp file, …). */
  commit(): void | Promise<void>;
  /** Decryption failed after some writes: throw away what was written. */
  abort(reason: unknown): void | Promise<void>;
}

export interface DecryptedFileInfo extends FileAttributes {
  readonly senderID: string;
  readonly recipientID: string;
}

/**
 * Streams plaintext into `sink` and commits only if the whole file
 * verified; on any failure calls sink.abort(error) and rethrows the error.
 */
export async function decryptToSink(source: ByteSource, secretKey: Uint8Array, sink: PlaintextSink, options?: DecryptStreamOptions): Promise<DecryptedFileInfo> {
  if (sink === null || typeof sink !== 'object' || typeof sink.write !== 'function' || typeof sink.commit !== 'function' || typeof sink.abort !== 'function') {
    throw new TypeError('sink: expected { write, commit, abort }');
  }
  try {
    const file = await decryptStream(source, secretKey, options);
    for await (const piece of file.plaintext) await sink.write(piece);
    await sink.commit();
    const { plaintext: _, fileInfo: __, ...info } = file;
    return info;
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
}
