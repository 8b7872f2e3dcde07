/**
 * The state of one file encryption, shared by the streaming and the
 * whole-buffer front ends. Random draws, in the reference's order
 * (miniLock.crypto.encryptFile): fileKey (32); a 24-byte nonce whose first 16
 * bytes are fileNonce; then, when the header is sealed after the last chunk,
 * the ephemeral secret key (32) and one 24-byte nonce per recipient.
 */
import { FILE_KEY_BYTES, FILE_NONCE_BYTES, TIME_BYTES, type FormatVersion } from './format.js';
import { ChunkSealer, encodeAttributes, type FileAttributes } from './chunks.js';
import type { HashInput } from './file-hash.js';
import type { FileInfo } from './file-info.js';
import { checkOptions, draw, resolveBackend, resolveRandom, type BackendOption, type RandomOption, type RandomSource } from './options.js';
import { resolveRecipients, type Recipient } from './recipients.js';
import { sealHeader, senderFromSecretKey } from './seal-header.js';
import { LongTermKey } from '../crypto/long-term-key.js';
import type { NaclBackend } from '../crypto/nacl.js';

export interface EncryptOptions extends BackendOption, RandomOption {
  /** The sender's 32-byte miniLock secret key. */
  senderSecretKey: Uint8Array;
  /** miniLock IDs to encrypt for (1 to 256; duplicates dropped). Add the sender's own ID to keep access. */
  recipients: readonly string[];
  /** Stored in chunk 0; at most 256 UTF-8 bytes. Default ''. */
  fileName?: string;
  /** 1 (default: the miniLock reference) or 2 (miniLockLib: chunk 0 also holds mediaType and time). */
  version?: FormatVersion;
  /** Version 2 only: the media type, at most 128 UTF-8 bytes. Default ''. */
  mediaType?: string;
  /** Version 2 only: the file's time, stored as time.toJSON(). Default: now. */
  time?: Date;
}

export interface StreamOption {
  /**
   * Streams only: yield every piece from one reused buffer, so that a piece
   * is valid only until the next one is requested. Saves an allocation per
   * megabyte (memory stays lower and flatter) for consumers that are done
   * with a piece before they ask for the next, e.g. `await file.write(piece)`.
   * Default false.
   */
  reuseBuffers?: boolean;
}

export interface EncryptedHeader {
  /** magic ‖ length ‖ header JSON: prepend it to the chunk stream for a .minilock file. */
  readonly header: Uint8Array;
  /** The file's secrets, for rewrapHeader later without a recipient key. Keep it secret. */
  readonly fileInfo: FileInfo;
  readonly senderID: string;
  readonly recipients: readonly string[];
  readonly version: FormatVersion;
}

export class FileEncryptor {
  private readonly sealer: ChunkSealer;
  private readonly fileKey: Uint8Array;
  private readonly fileNonce: Uint8Array;
  private readonly namePlaintext: Uint8Array;
  private finished: EncryptedHeader | undefined;
  private readonly version: FormatVersion;
  private lastSealed = false;

  private constructor(
    private readonly sender: LongTermKey,
    private readonly recipients: readonly Recipient[],
    attributes: FileAttributes,
    private readonly random: RandomSource,
    private readonly backend: NaclBackend,
    hasher: HashInput,
  ) {
    this.version = attributes.version;
    this.namePlaintext = encodeAttributes(attributes);
    // fileKey: miniLock.crypto.getFileKey() = 32 random bytes.
    this.fileKey = draw(random, FILE_KEY_BYTES);
    // fileNonce: miniLock.crypto.getNonce().subarray(0, 16).
    this.fileNonce = draw(random, 24).slice(0, FILE_NONCE_BYTES);
    this.sealer = new ChunkSealer(this.fileKey, this.fileNonce, hasher, backend);
  }

  /** Checks every option before any random draw or chunk; every sealed chunk is fed to `hasher`. */
  static create(options: EncryptOptions, hasher: HashInput): FileEncryptor {
    const o = checkOptions(options);
    if (options === undefined) throw new TypeError('options: expected an object');
    const backend = resolveBackend(o.backend);
    const random = resolveRandom(o.random);
    const sender = senderFromSecretKey(o.senderSecretKey, backend, 'options.senderSecretKey');
    const recipients = resolveRecipients(o.recipients, 'options.recipients');
    const attributes = resolveAttributes(o);
    encodeAttributes(attributes); // checks the fields before any random draw
    return new FileEncryptor(sender, recipients, attributes, random, backend, hasher);
  }

  /** chunk₀: the padded attributes (file name; v2 also media type and time), never flagged last. */
  nameChunk(): Uint8Array {
    return this.sealer.seal(this.namePlaintext, false);
  }

  dataChunk(plaintext: Uint8Array, last: boolean, into?: Uint8Array): Uint8Array {
    const framed = this.sealer.seal(plaintext, last, into);
    if (last) this.lastSealed = true;
    return framed;
  }

  /**
   * The header's length in bytes, known before any chunk: only fileHash is
   * still to come, and every field is a fixed-size value in base64 (the IDs
   * are the known sender's and recipients'). Measured by sealing a
   * throwaway header (constant keys, nonces and hash) without drawing from
   * the random source, so a seeded source still gives the reference's bytes.
   */
  headerLength(): number {
    const constant: RandomSource = (length) => new Uint8Array(length).fill(1);
    const throwaway: FileInfo = { fileKey: constant(FILE_KEY_BYTES), fileNonce: constant(FILE_NONCE_BYTES), fileHash: constant(32) };
    // A throwaway sender key too (never the real one under constant nonces), under the real ID.
    const stand = new LongTermKey(constant(32), this.backend);
    return sealHeader(throwaway, { id: this.sender.id, sharedKey: (publicKey) => stand.sharedKey(publicKey) }, this.recipients, constant, this.backend, this.version).length;
  }

  /** After the last chunk, with the digest of everything fed to the hasher: seals the header. */
  complete(fileHash: Uint8Array): EncryptedHeader {
    if (this.finished) return this.finished;
    if (!this.lastSealed) throw new Error('encryption: the last chunk has not been sealed');
    const fileInfo: FileInfo = { fileKey: this.fileKey, fileNonce: this.fileNonce, fileHash };
    const header = sealHeader(fileInfo, this.sender, this.recipients, this.random, this.backend, this.version);
    this.finished = { header, fileInfo, senderID: this.sender.id, recipients: this.recipients.map((r) => r.id), version: this.version };
    return this.finished;
  }

  /** The header, once complete() ran. */
  finish(): EncryptedHeader {
    if (!this.finished) throw new Error('encryption: the chunk stream has not been fully read yet');
    return this.finished;
  }
}

export function resolveVersion(version: unknown, name = 'options.version'): FormatVersion {
  if (version === undefined) return 1;
  if (typeof version !== 'number') throw new TypeError(`${name}: expected 1 or 2`);
  if (version !== 1 && version !== 2) throw new RangeError(`${name}: expected 1 or 2`);
  return version;
}

function resolveAttributes(o: Record<string, unknown>): FileAttributes {
  const version = resolveVersion(o.version);
  const fileName = o.fileName ?? '';
  if (typeof fileName !== 'string') throw new TypeError('options.fileName: expected a string');
  if (version === 1) {
    if (o.mediaType !== undefined) throw new RangeError('options.mediaType: only in version 2');
    if (o.time !== undefined) throw new RangeError('options.time: only in version 2');
    return { version, fileName };
  }
  const mediaType = o.mediaType ?? '';
  if (typeof mediaType !== 'string') throw new TypeError('options.mediaType: expected a string');
  const time = o.time ?? new Date();
  if (!(time instanceof Date)) throw new TypeError('options.time: expected a Date');
  const json = Number.isNaN(time.getTime()) ? null : time.toJSON();
  if (json === null || json.length > TIME_BYTES) throw new RangeError('options.time: not a representable date');
  return { version, fileName, mediaType, time: json };
}
