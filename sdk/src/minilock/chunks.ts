/**
 * The chunk stream (reference: nacl-stream with maxChunkLength = 1 MiB).
 *
 *   chunkᵢ  = uint32-LE(len(plaintextᵢ)) ‖ secretbox(plaintextᵢ, nonceᵢ, fileKey)
 *   nonceᵢ  = fileNonce(16) ‖ uint64-LE(i), byte 23 |= 0x80 on the last chunk
 *   chunk₀  = the file name, UTF-8, zero-padded to 256 bytes; never the last
 *             chunk when we encrypt (an empty file still gets an empty last chunk)
 *
 * The counter in the nonce binds each chunk to its position and the flag
 * binds the end of the file: a chunk moved, repeated or dropped, or a stream
 * cut at a chunk boundary, fails to authenticate (DESIGN.md T10).
 */
import { bytesToUtf8, utf8ToBytes } from '../crypto/bytes.js';
import { NONCE_BYTES, type NaclBackend } from '../crypto/nacl.js';
import { DecryptionError, MalformedFileError } from './errors.js';
import { CHUNK_LENGTH_BYTES, CHUNK_MAC_BYTES, CHUNK_SIZE, FILE_NAME_BYTES, FILE_NONCE_BYTES } from './format.js';
import type { HashInput } from './file-hash.js';

const LAST_CHUNK_FLAG = 0x80;

/** Writes nonceᵢ into `out` (24 bytes): fileNonce ‖ uint64-LE(index), flag on the last chunk. */
export function writeChunkNonce(out: Uint8Array, fileNonce: Uint8Array, index: number, last: boolean): Uint8Array {
  out.set(fileNonce, 0);
  const view = new DataView(out.buffer, out.byteOffset + FILE_NONCE_BYTES, 8);
  view.setUint32(0, index >>> 0, true);
  view.setUint32(4, Math.floor(index / 2 ** 32), true);
  if (last) out[NONCE_BYTES - 1]! |= LAST_CHUNK_FLAG;
  return out;
}

export function chunkNonce(fileNonce: Uint8Array, index: number, last: boolean): Uint8Array {
  return writeChunkNonce(new Uint8Array(NONCE_BYTES), fileNonce, index, last);
}

/** The 256-byte plaintext of chunk 0. Names must fit in 256 UTF-8 bytes and contain no U+0000. */
export function encodeFileName(fileName: string, name = 'fileName'): Uint8Array {
  if (typeof fileName !== 'string') throw new TypeError(`${name}: expected a string`);
  // Trailing NULs are padding, so a name containing one would not round-trip.
  if (fileName.includes('\u0000')) throw new RangeError(`${name}: must not contain U+0000`);
  if (/[\uD800-\uDFFF]/u.test(fileName)) throw new RangeError(`${name}: must be well-formed Unicode (lone surrogate)`);
  const bytes = utf8ToBytes(fileName);
  if (bytes.length > FILE_NAME_BYTES) throw new RangeError(`${name}: at most ${FILE_NAME_BYTES} UTF-8 bytes, got ${bytes.length}`);
  const padded = new Uint8Array(FILE_NAME_BYTES);
  padded.set(bytes);
  return padded;
}

/** Reference decryptFile: UTF-8 of the 256 bytes with trailing NULs removed. */
export function decodeFileName(padded: Uint8Array): string {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  try {
    return bytesToUtf8(padded.subarray(0, end));
  } catch {
    throw new MalformedFileError('file-name');
  }
}

/** Encrypts plaintext chunks in order and frames them; feeds every output byte to the file hash. */
export class ChunkSealer {
  private index = 0;
  private done = false;
  private readonly nonce = new Uint8Array(NONCE_BYTES);

  constructor(
    private readonly fileKey: Uint8Array,
    private readonly fileNonce: Uint8Array,
    private readonly hasher: HashInput,
    private readonly backend: NaclBackend,
  ) {}

  /** Returns the framed chunk, in a fresh array or in the front of `into` (1 MiB + 20 bytes, reused by the caller). */
  seal(plaintext: Uint8Array, last: boolean, into?: Uint8Array): Uint8Array {
    if (this.done) throw new Error('ChunkSealer: chunk after the last chunk');
    if (plaintext.length > CHUNK_SIZE) throw new RangeError('chunk: at most 1 MiB');
    writeChunkNonce(this.nonce, this.fileNonce, this.index++, last);
    const length = CHUNK_LENGTH_BYTES + CHUNK_MAC_BYTES + plaintext.length;
    const framed = into ? into.subarray(0, length) : new Uint8Array(length);
    new DataView(framed.buffer, framed.byteOffset, CHUNK_LENGTH_BYTES).setUint32(0, plaintext.length, true);
    if (this.backend.secretboxInto) {
      this.backend.secretboxInto(framed.subarray(CHUNK_LENGTH_BYTES), plaintext, this.nonce, this.fileKey);
    } else {
      framed.set(this.backend.secretbox(plaintext, this.nonce, this.fileKey), CHUNK_LENGTH_BYTES);
    }
    this.hasher.update(framed);
    this.done = last;
    return framed;
  }
}

/** Plaintext length announced by a chunk's 4-byte prefix; over 1 MiB (or ≠ 256 for chunk 0) is malformed. */
export function parseChunkLength(prefix: Uint8Array, index: number): number {
  const length = new DataView(prefix.buffer, prefix.byteOffset, CHUNK_LENGTH_BYTES).getUint32(0, true);
  if (length > CHUNK_SIZE || (index === 0 && length !== FILE_NAME_BYTES)) throw new MalformedFileError('chunk-length');
  return length;
}

export interface OpenedChunk {
  readonly plaintext: Uint8Array;
  /** The chunk authenticated with the last-chunk flag. */
  readonly last: boolean;
}

/**
 * Authenticates chunks in order. Whether a chunk is the last one is read
 * from the nonce flag it authenticates under: we try the likely flag first
 * (full-size chunks and the name chunk are usually not last), then the other.
 * Failing both is a DecryptionError. The caller checks end-of-stream against
 * `last`, and calls verifyFileHash() after the last chunk.
 */
export class ChunkOpener {
  private index = 0;
  private readonly nonce = new Uint8Array(NONCE_BYTES);

  constructor(
    private readonly fileKey: Uint8Array,
    private readonly fileNonce: Uint8Array,
    private readonly hasher: HashInput,
    private readonly backend: NaclBackend,
  ) {}

  get nextIndex(): number {
    return this.index;
  }

  /** True when open() can decrypt in place into a box the caller gives away (saves an allocation per chunk). */
  get opensInPlace(): boolean {
    return this.backend.secretboxOpenInto !== undefined;
  }

  /**
   * `prefix` is the 4-byte length, `box` the secretbox (length + 16 bytes)
   * that follows it. With `boxIsOurs`, the plaintext may be decrypted in
   * place and returned as box.subarray(16).
   */
  open(prefix: Uint8Array, box: Uint8Array, boxIsOurs = false): OpenedChunk {
    const index = this.index++;
    this.hasher.update(prefix);
    this.hasher.update(box);
    const likelyLast = index !== 0 && box.length - CHUNK_MAC_BYTES < CHUNK_SIZE;
    const openInto = boxIsOurs ? this.backend.secretboxOpenInto : undefined;
    for (const last of [likelyLast, !likelyLast]) {
      writeChunkNonce(this.nonce, this.fileNonce, index, last);
      if (openInto) {
        const plaintext = box.subarray(CHUNK_MAC_BYTES);
        if (openInto(plaintext, box, this.nonce, this.fileKey)) return { plaintext, last };
        continue;
      }
      const plaintext = this.backend.secretboxOpen(box, this.nonce, this.fileKey);
      if (plaintext !== null) return { plaintext, last };
    }
    throw new DecryptionError();
  }
}
