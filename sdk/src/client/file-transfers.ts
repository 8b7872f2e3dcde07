/**
 * Files as streams with progress callbacks, over the files engineer's
 * helpers (sdk/src/files): each HTTP call spends one token from the pool,
 * recipients' keys come from the pins (a changed key blocks sharing as it
 * blocks sending).
 */
import { decryptChunkStream, openHeader, type ByteSource, type DecryptedChunkStream, type DecryptedFileInfo, type DecryptedStream, type PlaintextSink } from '../minilock/index.js';
import { parseHeaderPrefix } from '../minilock/header.js';
import { HEADER_START } from '../minilock/format.js';
import { base64ToBytes, concatBytes } from '../crypto/bytes.js';
import { fetchEncryptedFile } from '../files/download-file.js';
import { AttachmentRejectedError } from './errors.js';
import type { FileReference } from '../messages/message-plaintext.js';
import { downloadToSink, openDownload, shareFile, uploadFile, type DownloadProgress, type FileEndpoint, type UploadedFile, type UploadProgress } from '../files/index.js';
import { DestroyFileDocument, FileQuotaDocument, FilesDocument, RemoveFileDocument, type FileFieldsFragment } from './generated/graphql.js';
import type { PeerlockClient } from './peerlock-client.js';

export type StoredFile = FileFieldsFragment;

export interface UploadInput {
  readonly source: ByteSource;
  readonly size: number;
  readonly name?: string;
  readonly onProgress?: (progress: UploadProgress) => void;
}

export class FileTransfers {
  constructor(private readonly client: PeerlockClient) {}

  private endpoint(): FileEndpoint {
    return { graphqlUrl: this.client.url, authorize: () => this.client.authorization() };
  }

  /** Encrypts to yourself and uploads; share it afterwards (re-wraps the header only). */
  async upload(input: UploadInput): Promise<UploadedFile> {
    return uploadFile(this.endpoint(), {
      source: input.source,
      size: input.size,
      ...(input.name !== undefined ? { fileName: input.name } : {}),
      senderSecretKey: this.client.secretKey(),
      recipients: [this.client.miniLockId],
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
  }

  /**
   * Gives contacts access and returns the reference to put in a message.
   * `source` is the header you hold or the upload's fileInfo.
   */
  async share(fileId: string, source: UploadedFile['fileInfo'] | Uint8Array, usernames: readonly string[]): Promise<FileReference> {
    const recipients = [];
    for (const username of usernames.map((u) => u.toLowerCase()).filter((u) => u !== this.client.username)) {
      recipients.push({ username, miniLockId: await this.client.sendableKey(username) });
    }
    const { fileId: id, header } = await shareFile(this.endpoint(), { fileId, source, secretKey: this.client.secretKey(), recipients });
    return { fileId: id, header };
  }

  /** Streams verified plaintext into `sink`, committed only once the whole file verified. */
  download(fileId: string, sink: PlaintextSink, onProgress?: (progress: DownloadProgress) => void): Promise<DecryptedFileInfo> {
    return downloadToSink(this.endpoint(), { fileId, secretKey: this.client.secretKey(), ...(onProgress ? { onProgress } : {}) }, sink);
  }

  /** Verified chunks as they come; discard what you got if iteration throws. */
  stream(fileId: string, onProgress?: (progress: DownloadProgress) => void): Promise<DecryptedStream> {
    return openDownload(this.endpoint(), { fileId, secretKey: this.client.secretKey(), ...(onProgress ? { onProgress } : {}) });
  }

  /**
   * Opens a file attached to a message with the header the message carried
   * (authenticated by the message), not the one the server serves: the
   * header must come from the message's sender, and its file hash then pins
   * every chunk the server sends (T10).
   */
  async openAttachment(ref: FileReference, sender: string, onProgress?: (progress: DownloadProgress) => void): Promise<DecryptedChunkStream & { senderID: string }> {
    const opened = openHeader(base64ToBytes(ref.header), this.client.secretKey());
    const who = sender.toLowerCase();
    const expected = who === this.client.username ? this.client.miniLockId : (await this.client.pin(who))?.miniLockId;
    if (expected === undefined || opened.senderID !== expected) throw new AttachmentRejectedError(ref.fileId, 'sender-mismatch');
    const served = await fetchEncryptedFile(this.endpoint(), ref.fileId, onProgress);
    const stream = await decryptChunkStream(skipHeader(served), opened.fileInfo);
    return Object.assign(stream, { senderID: opened.senderID });
  }

  /** openAttachment into a sink: committed only once the whole file verified. */
  async downloadAttachment(ref: FileReference, sender: string, sink: PlaintextSink, onProgress?: (progress: DownloadProgress) => void): Promise<{ fileName: string; senderID: string }> {
    let stream: DecryptedChunkStream & { senderID: string };
    try {
      stream = await this.openAttachment(ref, sender, onProgress);
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

  /** Drops your access; as the owner, `destroy` deletes it for everyone. */
  async remove(fileId: string, options: { destroy?: boolean } = {}): Promise<{ deleted: boolean }> {
    if (options.destroy) return (await this.client.call(DestroyFileDocument, { fileId }, true)).destroyFile;
    return (await this.client.call(RemoveFileDocument, { fileId }, true)).removeFile;
  }
}

/** The chunk stream after whatever header the server put in front of it. */
async function* skipHeader(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let pending: Uint8Array = new Uint8Array(0);
  let skip: number | null = null;
  for await (const piece of source) {
    if (skip === 0) {
      yield piece;
      continue;
    }
    pending = concatBytes(pending, piece);
    if (skip === null && pending.length >= HEADER_START) skip = HEADER_START + parseHeaderPrefix(pending.subarray(0, HEADER_START));
    if (skip !== null && pending.length >= skip) {
      const rest = pending.subarray(skip);
      skip = 0;
      pending = new Uint8Array(0);
      if (rest.length) yield rest;
    }
  }
}
