/**
 * The archive as ONE miniLock file (docs/archive.md), written so that an
 * interrupted export can go on where it stopped:
 *
 *   partial  = room for the header (zeros, headerLength bytes) ‖ chunk₀ ‖ chunk₁ ‖ …
 *   archive  = header ‖ chunk₀ ‖ … ‖ chunkₙ      (the header written into its room last)
 *
 * Chunks are the miniLock reference's (chunks.ts: nonceᵢ = fileNonce ‖
 * uint64-LE(i), the last flagged; chunk₀ the padded name), the header is
 * sealed by the SDK's sealHeader to one recipient, the user's own key, from
 * the same key: so `peerlock-minilock decrypt` and the miniLock reference
 * open the archive with the passphrase alone.
 *
 * Resuming needs what the miniLock encryptor keeps in memory: the file key
 * and nonce, how many chunks were sealed, the BLAKE2s state of the chunk
 * stream so far (fileHash covers every chunk), and the plaintext not yet
 * sealed (less than one chunk). A checkpoint holds exactly that, plus the
 * exporter's cursor, sealed to the user's own key (sealCheckpoint), so no
 * key is ever on disk in the clear. BLAKE2s is blakejs here, not the native
 * or worker hash of encrypt-stream.ts, because only its state can be saved.
 *
 * The writer seals a chunk only when it is full AND more plaintext comes, so
 * the chunk that ends the stream is always sealed by finish(), flagged last.
 */
import blake from 'blakejs';
import { assertBytes, base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, randomBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { DecryptionError } from '../crypto/errors.js';
import { defaultBackend, NONCE_BYTES, secretbox, secretboxOpenFramed, type NaclBackend } from '../crypto/nacl.js';
import { encodeAttributes, writeChunkNonce } from '../minilock/chunks.js';
import { FileEncryptor } from '../minilock/encryptor.js';
import { CHUNK_LENGTH_BYTES, CHUNK_SIZE, FILE_KEY_BYTES, FILE_NONCE_BYTES } from '../minilock/format.js';
import { resolveRecipients } from '../minilock/recipients.js';
import { sealHeader, senderFromSecretKey } from '../minilock/seal-header.js';
import { ArchiveResumeError } from './errors.js';

/** The name in chunk 0 of every archive (what `peerlock-minilock decrypt` names the output). */
export const ARCHIVE_FILE_NAME = 'peerlock-archive';

/**
 * Where an archive is written: platform-neutral (the CLI writes a file
 * `<file>.partial` and `<file>.resume`; the web client keeps the pieces in
 * memory for a download; tests use memory). Calls come one at a time.
 */
export interface ArchiveTarget {
  /** The sealed checkpoint of an interrupted export, or null. */
  loadCheckpoint(): Promise<Uint8Array | null>;
  /** Stores a checkpoint; called only after sync(), so it never covers bytes that are not durable. */
  saveCheckpoint(sealed: Uint8Array): Promise<void>;
  /** Bytes in the partial archive now (0 when there is none). */
  partialLength(): Promise<number>;
  /** Cuts the partial archive to `length` bytes (0: starts it afresh). */
  truncate(length: number): Promise<void>;
  append(bytes: Uint8Array): Promise<void>;
  /** Makes what was appended durable (fsync). */
  sync(): Promise<void>;
  /** Writes `header` over the room left at the front, makes the archive final (rename, mode 0600) and drops the checkpoint. */
  complete(header: Uint8Array): Promise<void>;
}

interface HashState {
  readonly h: number[];
  readonly b: string;
  readonly c: number;
  readonly t: number;
}

/** What a checkpoint holds besides the exporter's cursor. */
export interface EncryptorState {
  readonly fileKey: string;
  readonly fileNonce: string;
  /** The index of the next chunk to seal. */
  readonly nextChunk: number;
  /** Bytes of the partial archive (header room included) that this state covers. */
  readonly written: number;
  readonly hash: HashState;
  /** Plaintext not yet sealed (< one chunk). */
  readonly pending: string;
  /** Plaintext bytes written in all (progress). */
  readonly plaintextBytes: number;
}

export interface ArchiveCheckpoint<Cursor> {
  readonly v: 1;
  readonly encryptor: EncryptorState;
  readonly cursor: Cursor;
}

type BlakeContext = ReturnType<typeof blake.blake2sInit>;
/** blakejs's context, as it is (blakejs.blake2sInit): what a checkpoint saves. */
interface Blake2sContext {
  h: Uint32Array;
  b: Uint8Array;
  c: number;
  t: number;
  outlen: number;
}
const newContext = (): Blake2sContext => blake.blake2sInit(32, null) as unknown as Blake2sContext;
const asBlake = (ctx: Blake2sContext): BlakeContext => ctx as unknown as BlakeContext;

export class ArchiveWriter {
  private readonly pending = new Uint8Array(CHUNK_SIZE);
  private pendingLength = 0;
  private readonly nonce = new Uint8Array(NONCE_BYTES);
  private done = false;

  private constructor(
    private readonly secretKey: Uint8Array,
    private readonly target: ArchiveTarget,
    private readonly fileKey: Uint8Array,
    private readonly fileNonce: Uint8Array,
    private nextChunk: number,
    private written: number,
    private readonly hash: Blake2sContext,
    private plaintextBytes: number,
    private readonly backend: NaclBackend,
  ) {}

  /** The header's length for an archive of `secretKey`'s: fixed, since every field is a fixed-size value. */
  static headerLength(secretKey: Uint8Array): number {
    const id = senderFromSecretKey(secretKey, defaultBackend()).id;
    const constant = (length: number) => new Uint8Array(length).fill(1);
    return FileEncryptor.create({ senderSecretKey: secretKey, recipients: [id], random: constant }, { update: () => undefined }).headerLength();
  }

  /** Starts a new archive: the partial is cut to nothing, the header's room and chunk₀ written. */
  static async start(secretKey: Uint8Array, target: ArchiveTarget, backend = defaultBackend()): Promise<ArchiveWriter> {
    assertBytes(secretKey, 'secretKey', 32);
    const room = ArchiveWriter.headerLength(secretKey);
    const writer = new ArchiveWriter(secretKey, target, randomBytes(FILE_KEY_BYTES), randomBytes(FILE_NONCE_BYTES), 0, 0, newContext(), 0, backend);
    await target.truncate(0);
    await target.append(new Uint8Array(room));
    writer.written = room;
    await writer.seal(encodeAttributes({ version: 1, fileName: ARCHIVE_FILE_NAME }), false);
    return writer;
  }

  /**
   * Continues from a checkpoint: the partial is cut back to what the
   * checkpoint covers (a crash may have left a chunk written after it);
   * shorter than that, it cannot be continued.
   */
  static async resume(secretKey: Uint8Array, target: ArchiveTarget, state: EncryptorState, backend = defaultBackend()): Promise<ArchiveWriter> {
    const length = await target.partialLength();
    if (length < state.written) throw new ArchiveResumeError('partial-short');
    if (length > state.written) await target.truncate(state.written);
    const hash = newContext();
    hash.h.set(state.hash.h);
    hash.b.set(base64ToBytes(state.hash.b));
    hash.c = state.hash.c;
    hash.t = state.hash.t;
    const writer = new ArchiveWriter(secretKey, target, base64ToBytes(state.fileKey), base64ToBytes(state.fileNonce), state.nextChunk, state.written, hash, state.plaintextBytes, backend);
    const pending = base64ToBytes(state.pending);
    writer.pending.set(pending);
    writer.pendingLength = pending.length;
    return writer;
  }

  get bytesWritten(): number {
    return this.written;
  }

  get plaintextWritten(): number {
    return this.plaintextBytes;
  }

  /** Appends plaintext; full chunks are sealed and written as soon as more follows them. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.done) throw new Error('archive: write after finish');
    let offset = 0;
    while (offset < bytes.length) {
      if (this.pendingLength === CHUNK_SIZE) {
        await this.seal(this.pending, false);
        this.pendingLength = 0;
      }
      const take = Math.min(CHUNK_SIZE - this.pendingLength, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
    }
    this.plaintextBytes += bytes.length;
  }

  /** The state to resume from, with the cursor of what the plaintext so far covers. Makes the partial durable first. */
  async checkpoint<Cursor>(cursor: Cursor): Promise<void> {
    await this.target.sync();
    const state: ArchiveCheckpoint<Cursor> = {
      v: 1,
      encryptor: {
        fileKey: bytesToBase64(this.fileKey),
        fileNonce: bytesToBase64(this.fileNonce),
        nextChunk: this.nextChunk,
        written: this.written,
        hash: { h: [...this.hash.h], b: bytesToBase64(this.hash.b), c: this.hash.c, t: this.hash.t },
        pending: bytesToBase64(this.pending.subarray(0, this.pendingLength)),
        plaintextBytes: this.plaintextBytes,
      },
      cursor,
    };
    await this.target.saveCheckpoint(sealCheckpoint(state, this.secretKey));
  }

  /** Seals the last chunk, then the header, and hands both to the target. */
  async finish(): Promise<void> {
    if (this.done) return;
    await this.seal(this.pending.subarray(0, this.pendingLength), true);
    this.done = true;
    const fileHash = blake.blake2sFinal(asBlake(this.hash));
    const backend = this.backend;
    const sender = senderFromSecretKey(this.secretKey, backend);
    const header = sealHeader({ fileKey: this.fileKey, fileNonce: this.fileNonce, fileHash }, sender, resolveRecipients([sender.id]), randomBytes, backend, 1);
    if (header.length !== ArchiveWriter.headerLength(this.secretKey)) throw new Error('archive: header length changed');
    await this.target.sync();
    await this.target.complete(header);
    this.pending.fill(0);
  }

  /** chunkᵢ = uint32-LE(len) ‖ secretbox(plaintext, nonceᵢ, fileKey), fed to the file hash, appended. */
  private async seal(plaintext: Uint8Array, last: boolean): Promise<void> {
    writeChunkNonce(this.nonce, this.fileNonce, this.nextChunk++, last);
    const box = secretbox(plaintext, this.nonce, this.fileKey, this.backend);
    const framed = new Uint8Array(CHUNK_LENGTH_BYTES + box.length);
    new DataView(framed.buffer).setUint32(0, plaintext.length, true);
    framed.set(box, CHUNK_LENGTH_BYTES);
    blake.blake2sUpdate(asBlake(this.hash), framed);
    await this.target.append(framed);
    this.written += framed.length;
  }
}

// ---- the checkpoint, sealed to the user's own key ---------------------------
//
//   checkpointKey = BLAKE2s-256(key = identitySecret, message = utf8("peerlock/archive-resume/v1"))
//   sealed        = nonce(24) ‖ secretbox(utf8(JSON(checkpoint)), nonce, checkpointKey)
//
// As the pin set is sealed (pin-sync.ts), under a key of its own label: a
// checkpoint can never be opened as anything else, nor anything else as one.

const CHECKPOINT_LABEL = utf8ToBytes('peerlock/archive-resume/v1');
/** The largest checkpoint opened: the pending chunk, the plan of what to export (a long file list) and room. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

export function sealCheckpoint<Cursor>(checkpoint: ArchiveCheckpoint<Cursor>, secretKey: Uint8Array): Uint8Array {
  const key = blake2s(CHECKPOINT_LABEL, 32, secretKey);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    return concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify(checkpoint)), nonce, key));
  } finally {
    wipe(key);
  }
}

export function openCheckpoint<Cursor>(sealed: Uint8Array, secretKey: Uint8Array): ArchiveCheckpoint<Cursor> {
  if (sealed.length > MAX_CHECKPOINT_BYTES) throw new ArchiveResumeError('checkpoint-unreadable');
  const key = blake2s(CHECKPOINT_LABEL, 32, secretKey);
  let value: unknown;
  try {
    value = JSON.parse(bytesToUtf8(secretboxOpenFramed(sealed, key)));
  } catch (error) {
    if (error instanceof DecryptionError || error instanceof SyntaxError || error instanceof RangeError || error instanceof TypeError) throw new ArchiveResumeError('checkpoint-unreadable');
    throw error;
  } finally {
    wipe(key);
  }
  const c = value as ArchiveCheckpoint<Cursor>;
  const e = c?.encryptor;
  // Sealed by this user's key, so well-formed unless this SDK wrote it wrong; checked anyway, it is read from disk.
  const ok =
    c?.v === 1 &&
    e !== undefined &&
    typeof e.fileKey === 'string' &&
    typeof e.fileNonce === 'string' &&
    Number.isSafeInteger(e.nextChunk) &&
    Number.isSafeInteger(e.written) &&
    Number.isSafeInteger(e.plaintextBytes) &&
    typeof e.pending === 'string' &&
    Array.isArray(e.hash?.h) &&
    e.hash.h.length === 8 &&
    typeof e.hash.b === 'string' &&
    Number.isSafeInteger(e.hash.c) &&
    Number.isSafeInteger(e.hash.t);
  if (!ok) throw new ArchiveResumeError('checkpoint-unreadable');
  return c;
}
