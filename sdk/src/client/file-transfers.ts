/**
 * Files as streams with progress callbacks, over the files engineer's
 * helpers (sdk/src/files): each HTTP call spends one token from the pool,
 * recipients' keys come from the pins (a changed key blocks sharing as it
 * blocks sending).
 *
 * What a flow may act on (DESIGN §5, T11): a header the client vouches for
 * itself. Anyone can encrypt a file to a public key, and the server serves
 * whatever header it likes under an id, so a header that merely opens proves
 * nothing about which file it is. Vouched headers are: the fileInfo of our
 * own upload (local); a header whose file hash and key commitment equal the
 * sealed file index's entry for that id (files/file-index.ts); the header a
 * verified message carried, made by its sender's key at the message's time;
 * and a header whose sender the user was shown and accepted. Every file
 * vouched for the first time is recorded in the index, so later downloads
 * and re-shares by id need nothing else. The file hash in a vouched header
 * then pins every chunk the server sends (checked by the miniLock reader).
 */
import { decryptStream, openHeader, type ByteSource, type DecryptedFileInfo, type DecryptedStream, type FileInfo, type OpenedHeader, type PlaintextSink } from '../minilock/index.js';
import { parseHeaderPrefix } from '../minilock/header.js';
import { HEADER_START } from '../minilock/format.js';
import { MalformedFileError } from '../minilock/errors.js';
import { base64ToBytes, concatBytes } from '../crypto/bytes.js';
import { keysValidAt } from '../contacts/key-pins.js';
import { fetchEncryptedFile } from '../files/download-file.js';
import { fileIndexEntry, matchesEntry, type FileIndexEntry, type FileOrigin } from '../files/file-index.js';
import { AttachmentRejectedError, FileRejectedError } from './errors.js';
import type { FileReference } from '../messages/message-plaintext.js';
import { saveFile, shareFile, uploadFile, type DownloadProgress, type FileEndpoint, type ShareTimer, type UploadedFile, type UploadProgress } from '../files/index.js';
import { DestroyFileDocument, FileQuotaDocument, FilesDocument, RemoveFileDocument, type FileFieldsFragment } from './generated/graphql.js';
import type { PeerlockClient } from './peerlock-client.js';

export type StoredFile = FileFieldsFragment;

export interface UploadInput {
  readonly source: ByteSource;
  readonly size: number;
  readonly name?: string;
  readonly onProgress?: (progress: UploadProgress) => void;
}

export interface DownloadOptions {
  readonly onProgress?: (progress: DownloadProgress) => void;
  /**
   * The miniLock ID the user was shown (FileRejectedError `unvouched`,
   * `senderID`) and accepts as the sender of a file not in the index. Only a
   * header made by exactly this key is accepted; it is then recorded
   * ('accepted') once the whole file verified.
   */
  readonly acceptSender?: string;
}

/** The verified message that carried an attachment: who sent it, and when the server received it (ms). */
export interface AttachmentMessage {
  readonly sender: string;
  readonly receivedAt: number;
}

export class FileTransfers {
  constructor(private readonly client: PeerlockClient) {}

  private endpoint(): FileEndpoint {
    return { graphqlUrl: this.client.url, authorize: () => this.client.authorization() };
  }

  /**
   * Encrypts to yourself, uploads, and records the file in the index
   * ('uploaded', from the fileInfo made here: trusted, it is local).
   * Share it afterwards (re-wraps the header only).
   */
  async upload(input: UploadInput): Promise<UploadedFile> {
    const uploaded = await uploadFile(this.endpoint(), {
      source: input.source,
      size: input.size,
      ...(input.name !== undefined ? { fileName: input.name } : {}),
      senderSecretKey: this.client.secretKey(),
      recipients: [this.client.miniLockId],
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    await this.record(uploaded.fileId, uploaded.fileInfo, { name: input.name ?? '', size: input.size, origin: 'uploaded', sender: this.client.miniLockId });
    return uploaded;
  }

  /**
   * Gives contacts access to a file you just uploaded and returns the
   * reference to put in a message. Trusts `fileInfo`: it is the upload's
   * own (local). To share a file by id, use shareById.
   *
   * For a message under a disappearing-messages timer, pass its timer
   * (`expiresIn`): the recipients lose access then (server time) unless they
   * save the file; with `destroyWithShare`, so do you (a file uploaded for
   * this message alone), and once nobody holds it, it is deleted.
   */
  async share(fileId: string, fileInfo: UploadedFile['fileInfo'], usernames: readonly string[], timer: ShareTimer = {}): Promise<FileReference> {
    return this.rewrap(fileId, fileInfo, usernames, timer);
  }

  /**
   * Keeps a file you hold (yours or shared with you) past the timer of any
   * share that would end your access. Saving again changes nothing.
   */
  async save(fileId: string): Promise<void> {
    await saveFile(this.endpoint(), fileId);
  }

  /**
   * Re-shares a file by id (no re-upload). Trusts: the sealed file index's
   * entry for the id, or a verified attachment (`options.attachment`: the
   * reference and the verified message that carried it). Verifies: the
   * header the server serves opens for us and has that entry's file hash and
   * key commitment (FileRejectedError `header-mismatch`); with no entry and
   * no attachment nothing is fetched (`not-in-index`). Only then is the
   * file key re-wrapped for the recipients (pinned keys).
   */
  async shareById(fileId: string, usernames: readonly string[], options: ShareTimer & { attachment?: { ref: FileReference; message: AttachmentMessage } } = {}): Promise<FileReference> {
    const attachment = options.attachment;
    let fileInfo: FileInfo;
    if (attachment) {
      if (attachment.ref.fileId !== fileId) throw new AttachmentRejectedError(fileId, 'not-in-message');
      fileInfo = (await this.openCarriedHeader(attachment.ref, attachment.message)).fileInfo;
    } else {
      fileInfo = await this.indexedFileInfo(fileId);
    }
    return this.rewrap(fileId, fileInfo, usernames, options);
  }

  /**
   * The fileInfo of a file in the sealed index, for re-wrapping it (to
   * contacts, or to a link's key). Verifies: the header the server serves
   * opens for us and has the entry's file hash and key commitment
   * (FileRejectedError `header-mismatch`); with no entry nothing is fetched
   * (`not-in-index`).
   */
  async indexedFileInfo(fileId: string): Promise<FileInfo> {
    const entry = await this.indexEntry(fileId);
    if (!entry) throw new FileRejectedError(fileId, 'not-in-index');
    // Only the header is needed: stop the download right after it.
    const served = await this.fetchServed(fileId);
    await served.cancel();
    const opened = openHeader(served.header, this.client.secretKey());
    if (!matchesEntry(entry, opened.fileInfo)) throw new FileRejectedError(fileId, 'header-mismatch');
    return opened.fileInfo;
  }

  /**
   * Streams verified plaintext into `sink`, committed only once the whole
   * file verified (see stream() for what is checked).
   */
  async download(fileId: string, sink: PlaintextSink, options: DownloadOptions | ((progress: DownloadProgress) => void) = {}): Promise<DecryptedFileInfo> {
    try {
      const file = await this.stream(fileId, options);
      for await (const piece of file.plaintext) await sink.write(piece);
      await sink.commit();
      const { plaintext: _, fileInfo: __, ...info } = file;
      return info;
    } catch (error) {
      await sink.abort(error);
      throw error;
    }
  }

  /**
   * Verified chunks as they come; discard what you got if iteration throws.
   * Trusts: the sealed file index, or the sender the caller accepts. Opens
   * the header the server serves (a hint) and acts on it only if the index
   * holds the id with that header's file hash and key commitment
   * (FileRejectedError `header-mismatch` otherwise), or, for an id not in
   * the index, if its sender is `options.acceptSender` (otherwise
   * `unvouched`, naming the sender's miniLock ID and the username pinned for
   * it, if any). The file hash then pins every chunk; an accepted file is
   * recorded in the index once the whole file verified.
   */
  async stream(fileId: string, options: DownloadOptions | ((progress: DownloadProgress) => void) = {}): Promise<DecryptedStream> {
    const { onProgress, acceptSender } = typeof options === 'function' ? { onProgress: options, acceptSender: undefined } : options;
    // The index (loaded once per client, then its tail) and the file are fetched together: no round trip of its own.
    const [entry, served] = await settleBoth(this.indexEntry(fileId), this.fetchServed(fileId, onProgress));
    let opened: OpenedHeader;
    try {
      opened = openHeader(served.header, this.client.secretKey());
    } catch (error) {
      await served.cancel();
      throw error;
    }
    const accepted = !entry && acceptSender !== undefined && acceptSender === opened.senderID;
    if (entry ? !matchesEntry(entry, opened.fileInfo) : !accepted) {
      await served.cancel();
      if (entry) throw new FileRejectedError(fileId, 'header-mismatch');
      throw new FileRejectedError(fileId, 'unvouched', opened.senderID, await this.usernameOf(opened.senderID));
    }
    // The miniLock reader opens the same header again and checks every chunk against its file hash.
    const file = await decryptStream(served.whole(), this.client.secretKey());
    if (!accepted) return file;
    return { ...file, plaintext: onComplete(file.plaintext, (size) => this.record(fileId, opened.fileInfo, { name: file.fileName, size, origin: 'accepted', sender: opened.senderID })) };
  }

  /**
   * Opens a file attached to a verified message with the header the message
   * carried (authenticated by the message), never the one the server
   * serves. Trusts: the message (the caller read it through Messaging.read,
   * which verified it) and the pins. Verifies: the header was made by a key
   * pinned for the message's sender at the message's time (`keysValidAt`,
   * as messages are checked, so an attachment from before the sender's key
   * rotation still opens); it agrees with the index if the index holds the
   * id. Its file hash then pins every chunk the server sends (T10), and the
   * file is recorded ('attachment') once the whole file verified.
   *
   * Our own attachment: the header a message carries is re-wrapped for the
   * other participants only, so we open the file through our index entry
   * (recorded at upload), exactly as a download by id does.
   */
  async openAttachment(ref: FileReference, message: AttachmentMessage, onProgress?: (progress: DownloadProgress) => void): Promise<DecryptedStream> {
    if (message.sender.toLowerCase() === this.client.username) return this.stream(ref.fileId, onProgress ? { onProgress } : {});
    const opened = await this.openCarriedHeader(ref, message);
    const served = await this.fetchServed(ref.fileId, onProgress);
    const file = await decryptStream(served.withHeader(base64ToBytes(ref.header)), this.client.secretKey());
    return {
      ...file,
      plaintext: onComplete(file.plaintext, (size) => this.record(ref.fileId, opened.fileInfo, { name: file.fileName, size, origin: 'attachment', sender: opened.senderID })),
    };
  }

  /** openAttachment into a sink: committed only once the whole file verified. */
  async downloadAttachment(ref: FileReference, message: AttachmentMessage, sink: PlaintextSink, onProgress?: (progress: DownloadProgress) => void): Promise<{ fileName: string; senderID: string }> {
    let stream: DecryptedStream;
    try {
      stream = await this.openAttachment(ref, message, onProgress);
      for await (const piece of stream.plaintext) await sink.write(piece);
    } catch (error) {
      await sink.abort(error);
      throw error;
    }
    await sink.commit();
    return { fileName: stream.fileName, senderID: stream.senderID };
  }

  async list(first = 100): Promise<StoredFile[]> {
    const { files } = await this.client.call(FilesDocument, { first, after: null }, true);
    return files.edges.map((e) => e.node);
  }

  async quota(): Promise<{ usedBytes: number; limitBytes: number }> {
    return (await this.client.call(FileQuotaDocument, {}, true)).fileQuota;
  }

  /** Drops your access (and the index entry); as the owner, `destroy` deletes it for everyone. */
  async remove(fileId: string, options: { destroy?: boolean } = {}): Promise<{ deleted: boolean }> {
    const result = options.destroy
      ? (await this.client.call(DestroyFileDocument, { fileId }, true)).destroyFile
      : (await this.client.call(RemoveFileDocument, { fileId }, true)).removeFile;
    await this.client.fileIndex().remove(fileId);
    return result;
  }

  // ---- what the flows share ----------------------------------------------

  /** Re-wraps a vouched fileInfo for the recipients' pinned keys and stores the new header. */
  private async rewrap(fileId: string, fileInfo: FileInfo, usernames: readonly string[], timer: ShareTimer): Promise<FileReference> {
    const recipients = [];
    for (const username of usernames.map((u) => u.toLowerCase()).filter((u) => u !== this.client.username)) {
      recipients.push({ username, miniLockId: await this.client.sendableKey(username) });
    }
    const { fileId: id, header } = await shareFile(this.endpoint(), {
      fileId,
      source: fileInfo,
      secretKey: this.client.secretKey(),
      recipients,
      ...(timer.expiresIn !== undefined ? { expiresIn: timer.expiresIn } : {}),
      ...(timer.destroyWithShare !== undefined ? { destroyWithShare: timer.destroyWithShare } : {}),
    });
    return { fileId: id, header };
  }

  /**
   * Opens the header a message carried and checks that a key pinned for the
   * message's sender at the message's time made it, and that it agrees with
   * the index's entry for the id, if any.
   */
  private async openCarriedHeader(ref: FileReference, message: AttachmentMessage): Promise<OpenedHeader> {
    const opened = openHeader(base64ToBytes(ref.header, 'ref.header'), this.client.secretKey());
    const who = message.sender.toLowerCase();
    const valid = who === this.client.username ? [this.client.miniLockId] : keysValidAt(await this.client.pins(), who, message.receivedAt);
    if (!valid.includes(opened.senderID)) throw new AttachmentRejectedError(ref.fileId, 'sender-mismatch');
    const entry = await this.indexEntry(ref.fileId);
    if (entry && !matchesEntry(entry, opened.fileInfo)) throw new FileRejectedError(ref.fileId, 'header-mismatch');
    return opened;
  }

  /** Adds the entry for a file vouched for now: one record appended, only if the id is new to the index. */
  private async record(fileId: string, fileInfo: FileInfo, fields: { name: string; size: number; origin: FileOrigin; sender: string }): Promise<void> {
    await this.client.fileIndex().add(fileIndexEntry({ fileId, fileInfo, ...fields }));
  }

  /**
   * The index's entry for an id. An id this client does not hold may have
   * been recorded by another device since: the records appended since are
   * read (a page, usually empty) before answering that there is none.
   */
  private async indexEntry(fileId: string): Promise<FileIndexEntry | undefined> {
    const index = this.client.fileIndex();
    return (await index.current()).entries[fileId] ?? (await index.refresh()).entries[fileId];
  }

  /** The user pinned with this key, now or before an accepted key change (ourselves included); null if none. */
  private async usernameOf(miniLockId: string): Promise<string | null> {
    if (miniLockId === this.client.miniLockId) return this.client.username;
    for (const [username, pin] of Object.entries((await this.client.pins()).pins)) {
      if (pin.miniLockId === miniLockId || pin.previous?.some((k) => k.miniLockId === miniLockId)) return username;
    }
    return null;
  }

  /** GET /files/<id>: the header at the front of what the server serves (an unverified hint), and the chunk stream after it, not yet read. */
  private async fetchServed(fileId: string, onProgress?: (progress: DownloadProgress) => void): Promise<ServedFile> {
    return takeHeader(await fetchEncryptedFile(this.endpoint(), fileId, onProgress));
  }
}

interface ServedFile {
  readonly header: Uint8Array;
  /** header ‖ chunks, as served. */
  whole(): AsyncIterable<Uint8Array>;
  /** Another header ‖ the served chunks. */
  withHeader(header: Uint8Array): AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
}

/** Reads the header (magic ‖ length ‖ JSON) off the front of a served .minilock stream; the rest stays unread. */
async function takeHeader(source: AsyncIterable<Uint8Array>): Promise<ServedFile> {
  const iterator = source[Symbol.asyncIterator]();
  const cancel = async () => void (await iterator.return?.());
  let pending: Uint8Array = new Uint8Array(0);
  let length: number | null = null;
  try {
    while (length === null || pending.length < length) {
      const { done, value } = await iterator.next();
      if (done) throw new MalformedFileError('truncated');
      pending = concatBytes(pending, value);
      if (length === null && pending.length >= HEADER_START) length = HEADER_START + parseHeaderPrefix(pending.subarray(0, HEADER_START));
    }
  } catch (error) {
    await cancel();
    throw error;
  }
  const header = pending.slice(0, length);
  const after = pending.subarray(length);
  async function* chunksAfter(front: Uint8Array): AsyncGenerator<Uint8Array> {
    try {
      if (front.length) yield front;
      if (after.length) yield after;
      for (;;) {
        const { done, value } = await iterator.next();
        if (done) return;
        yield value;
      }
    } finally {
      await cancel();
    }
  }
  return { header, whole: () => chunksAfter(header), withHeader: (other) => chunksAfter(other), cancel };
}

/** Passes the pieces through; once the source ended without error (the whole file verified), runs `done` with the byte count. */
function onComplete(plaintext: AsyncIterable<Uint8Array>, done: (bytes: number) => Promise<void>): AsyncIterable<Uint8Array> {
  return (async function* () {
    let bytes = 0;
    for await (const piece of plaintext) {
      bytes += piece.length;
      yield piece;
    }
    await done(bytes);
  })();
}

/** Both results, or the first failure once both settled (so a fetched body is never left open). */
async function settleBoth<A, B extends { cancel(): Promise<void> }>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') {
    if (rb.status === 'fulfilled') await rb.value.cancel();
    throw ra.reason;
  }
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
