/**
 * The state of one file encryption, shared by the streaming and the
 * whole-buffer front ends. Random draws, in the reference's order
 * (miniLock.crypto.encryptFile): fileKey (32); a 24-byte nonce whose first 16
 * bytes are fileNonce; then, when the header is sealed after the last chunk,
 * the ephemeral secret key (32) and one 24-byte nonce per recipient.
 */
import { FILE_KEY_BYTES, FILE_NONCE_BYTES } from './format.js';
import { ChunkSealer, encodeFileName } from './chunks.js';
import type { HashInput } from './file-hash.js';
import type { FileInfo } from './file-info.js';
import { checkOptions, draw, resolveBackend, resolveRandom, type BackendOption, type RandomOption, type RandomSource } from './options.js';
import { resolveRecipients, type Recipient } from './recipients.js';
import { sealHeader, senderFromSecretKey, type Sender } from './seal-header.js';
import type { NaclBackend } from '../crypto/nacl.js';

export interface EncryptOptions extends BackendOption, RandomOption {
  /** The sender's 32-byte miniLock secret key. */
  senderSecretKey: Uint8Array;
  /** miniLock IDs to encrypt for (1 to 256; duplicates dropped). Add the sender's own ID to keep access. */
  recipients: readonly string[];
  /** Stored in chunk 0; at most 256 UTF-8 bytes. Default ''. */
  fileName?: string;
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
}

export class FileEncryptor {
  private readonly sealer: ChunkSealer;
  private readonly fileKey: Uint8Array;
  private readonly fileNonce: Uint8Array;
  private readonly namePlaintext: Uint8Array;
  private finished: EncryptedHeader | undefined;
  private lastSealed = false;

  private constructor(
    private readonly sender: Sender,
    private readonly recipients: readonly Recipient[],
    fileName: string,
    private readonly random: RandomSource,
    private readonly backend: NaclBackend,
    hasher: HashInput,
  ) {
    this.namePlaintext = encodeFileName(fileName, 'options.fileName');
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
    const fileName = o.fileName === undefined ? '' : o.fileName;
    if (typeof fileName !== 'string') throw new TypeError('options.fileName: expected a string');
    return new FileEncryptor({ id: sender.id, secretKey: sender.secretKey.slice() }, recipients, fileName, random, backend, hasher);
  }

  /** chunk₀: the padded file name, never flagged last. */
  nameChunk(): Uint8Array {
    return this.sealer.seal(this.namePlaintext, false);
  }

  dataChunk(plaintext: Uint8Array, last: boolean, into?: Uint8Array): Uint8Array {
    const framed = this.sealer.seal(plaintext, last, into);
    if (last) this.lastSealed = true;
    return framed;
  }

  /** After the last chunk, with the digest of everything fed to the hasher: seals the header. */
  complete(fileHash: Uint8Array): EncryptedHeader {
    if (this.finished) return this.finished;
    if (!this.lastSealed) throw new Error('encryption: the last chunk has not been sealed');
    const fileInfo: FileInfo = { fileKey: this.fileKey, fileNonce: this.fileNonce, fileHash };
    const header = sealHeader(fileInfo, this.sender, this.recipients, this.random, this.backend);
    this.sender.secretKey.fill(0);
    this.finished = { header, fileInfo, senderID: this.sender.id, recipients: this.recipients.map((r) => r.id) };
    return this.finished;
  }

  /** The header, once complete() ran. */
  finish(): EncryptedHeader {
    if (!this.finished) throw new Error('encryption: the chunk stream has not been fully read yet');
    return this.finished;
  }
}
