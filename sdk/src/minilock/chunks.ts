/**
 * The chunk stream (reference: nacl-stream with maxChunkLength = 1 MiB).
 *
 *   chunkᵢ  = uint32-LE(len(plaintextᵢ)) ‖ secretbox(plaintextᵢ, nonceᵢ, fileKey)
 *   nonceᵢ  = fileNonce(16) ‖ uint64-LE(i), byte 23 |= 0x80 on the last chunk
 *   chunk₀  = the file name, UTF-8, zero-padded to 256 bytes (version 2:
 *             then media type, 128, and time, 24); never the last chunk when
 *             we encrypt (an empty file still gets an empty last chunk)
 *
 * The counter in the nonce binds each chunk to its position and the flag
 * binds the end of the file: a chunk moved, repeated or dropped, or a stream
 * cut at a chunk boundary, fails to authenticate (DESIGN.md T10).
 */
import { bytesToUtf8, utf8ToBytes } from '../crypto/bytes.js';
import { NONCE_BYTES, type NaclBackend } from '../crypto/nacl.js';
import { DecryptionError, MalformedFileError } from './errors.js';
import {
  ATTRIBUTES_BYTES,
  CHUNK_LENGTH_BYTES,
  CHUNK_MAC_BYTES,
  CHUNK_SIZE,
  FILE_NAME_BYTES,
  FILE_NONCE_BYTES,
  MEDIA_TYPE_BYTES,
  TIME_BYTES,
  type FormatVersion,
} from './format.js';
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

/** A text field of chunk 0: UTF-8, at most `size` bytes, no U+0000 (NULs are padding), zero-padded. */
function encodeField(value: string, size: number, name: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`${name}: expected a string`);
  // Trailing NULs are padding, so a value containing one would not round-trip.
  if (value.includes('\u0000')) throw new RangeError(`${name}: must not contain U+0000`);
  if (/[\uD800-\uDFFF]/u.test(value)) throw new RangeError(`${name}: must be well-formed Unicode (lone surrogate)`);
  const bytes = utf8ToBytes(value);
  if (bytes.length > size) throw new RangeError(`${name}: at most ${size} UTF-8 bytes, got ${bytes.length}`);
  const padded = new Uint8Array(size);
  padded.set(bytes);
  return padded;
}

/** As the reference reads a field: UTF-8 of the bytes with trailing NULs removed. */
function decodeField(padded: Uint8Array): string {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  try {
    return bytesToUtf8(padded.subarray(0, end));
  } catch {
    throw new MalformedFileError('file-name');
  }
}

/** The 256-byte plaintext of chunk 0 in version 1. */
export function encodeFileName(fileName: string, name = 'fileName'): Uint8Array {
  return encodeField(fileName, FILE_NAME_BYTES, name);
}

/** The attributes in chunk 0: the file name; in version 2 also the media type and the time. */
export interface FileAttributes {
  readonly version: FormatVersion;
  readonly fileName: string;
  /** Version 2 only. */
  readonly mediaType?: string;
  /** Version 2 only: as stored, normally Date.prototype.toJSON() form. */
  readonly time?: string;
}

/** The plaintext of chunk 0: 256 bytes (version 1) or 408 (version 2). */
export function encodeAttributes(attributes: FileAttributes): Uint8Array {
  const name = encodeField(attributes.fileName, FILE_NAME_BYTES, 'options.fileName');
  if (attributes.version === 1) return name;
  const out = new Uint8Array(ATTRIBUTES_BYTES[2]);
  out.set(name, 0);
  out.set(encodeField(attributes.mediaType ?? '', MEDIA_TYPE_BYTES, 'options.mediaType'), FILE_NAME_BYTES);
  out.set(encodeField(attributes.time ?? '', TIME_BYTES, 'options.time'), FILE_NAME_BYTES + MEDIA_TYPE_BYTES);
  return out;
}

/** Reads chunk 0; its authenticated length (256 or 408) tells the version. */
export function decodeAttributes(plaintext: Uint8Array): FileAttributes {
  const fileName = decodeField(plaintext.subarray(0, FILE_NAME_BYTES));
  if (plaintext.length === ATTRIBUTES_BYTES[1]) return { version: 1, fileName };
  if (plaintext.length !== ATTRIBUTES_BYTES[2]) throw new MalformedFileError('chunk-length');
  return {
    version: 2,
    fileName,
    mediaType: decodeField(plaintext.subarray(FILE_NAME_BYTES, FILE_NAME_BYTES + MEDIA_TYPE_BYTES)),
    time: decodeField(plaintext.subarray(FILE_NAME_BYTES + MEDIA_TYPE_BYTES)),
  };
}

/** Version 1 chunk 0: the file name. */
export function decodeFileName(padded: Uint8Array): string {
  return decodeField(padded);
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

/** Plaintext length announced by a chunk's 4-byte prefix; over 1 MiB (or not 256/408 for chunk 0) is malformed. */
export function parseChunkLength(prefix: Uint8Array, index: number): number {
  const length = new DataView(prefix.buffer, prefix.byteOffset, CHUNK_LENGTH_BYTES).getUint32(0, true);
  if (length > CHUNK_SIZE || (index === 0 && length !== ATTRIBUTES_BYTES[1] && length !== ATTRIBUTES_BYTES[2])) {
    throw new MalformedFileError('chunk-length');
  }
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
 * Failing both is a DecryptionError. The caller feeds each framed chunk
 * (prefix ‖ box) to the file hash, checks end-of-stream against `last`, and
 * compares the file hash after the last chunk.
 */
export class ChunkOpener {
  private index = 0;
  private readonly nonce = new Uint8Array(NONCE_BYTES);

  constructor(
    private readonly fileKey: Uint8Array,
    private readonly fileNonce: Uint8Array,
    private readonly backend: NaclBackend,
  ) {}

  get nextIndex(): number {
    return this.index;
  }

  /**
   * Opens the next chunk's box (its length + 16 bytes) into `out` (its
   * length; box.subarray(16) decrypts in place) and returns `out` as the
   * plaintext. Nothing is written to `out` unless a tag verified.
   */
  open(box: Uint8Array, out: Uint8Array): OpenedChunk {
    const index = this.index++;
    const likelyLast = index !== 0 && box.length - CHUNK_MAC_BYTES < CHUNK_SIZE;
    for (const last of [likelyLast, !likelyLast]) {
      writeChunkNonce(this.nonce, this.fileNonce, index, last);
      try {
        this.backend.secretboxOpenInto(out, box, this.nonce, this.fileKey);
        return { plaintext: out, last };
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
      }
    }
    throw new DecryptionError();
  }
}
