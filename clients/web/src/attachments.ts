/**
 * Attaching: each file is encrypted in the page, uploaded with a progress
 * bar, then shared with the conversation's participants (only the header is
 * re-wrapped). Downloading: decrypted, checked against its sender and saved
 * under the name inside the file.
 *
 * Each attachment shows its name and size before it is downloaded, as far
 * as the page can vouch for them; the server's file listing is never used:
 *
 *   - a file in the user's sealed file index (sealed to their own key, so
 *     the server can neither read nor alter it): the name and size of its
 *     entry. The sender's entry is their upload's (the name and size of the
 *     local file), found by the file id their own verified message names:
 *     they are not a recipient of the header the message carries, which is
 *     re-wrapped for the others only. A recipient's entry was recorded after
 *     a download that verified, and must match the header the message
 *     carried (file hash and key commitment).
 *   - otherwise the name inside the file: the served file is read up to its
 *     chunk 0 only (one request, stopped there) and that chunk decrypted
 *     with the file key of the header the message carried, once that header
 *     proved to be the sender's (made by a key pinned for them at the
 *     message's time) and the served header to hand out the same file key,
 *     nonce and hash. Chunk 0 authenticates under the file key, which only
 *     the sender and the participants hold; the file hash then checks it
 *     again, with every other chunk, when the file is downloaded.
 *
 * The size is in no header (decryptInfo holds the file key, nonce and hash)
 * and not in chunk 0 (the name; in version 2 also the media type and a
 * time): only the whole verified file gives it, so a recipient sees it
 * once the file is downloaded (and from then on, through the index).
 */
import { AttachmentRejectedError, base64ToBytes, decryptStream, equalBytes, fetchEncryptedFile, FileRejectedError, keysValidAt, matchesEntry, openHeader, type FileIndex, type FileIndexEntry, type FileInfo, type FileReference, type OpenedHeader, type PeerlockClient, type ReadMessage } from '@peerlock/sdk';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { progressBar } from './progress-bar.js';
import { memorySink, saveBlob } from './save-file.js';

export async function uploadAndShare(client: PeerlockClient, files: readonly File[], participants: readonly string[], progressArea: HTMLElement): Promise<FileReference[]> {
  const refs: FileReference[] = [];
  for (const file of files) {
    const bar = progressBar(`Uploading ${file.name}`);
    progressArea.append(bar.el);
    bar.set(0);
    const uploaded = await client.files.upload({
      source: file.stream() as ReadableStream<Uint8Array>,
      size: file.size,
      name: file.name,
      onProgress: (p) => bar.set(p.ciphertextBytes ? p.bytesSent / p.ciphertextBytes : 1, `Uploading ${file.name}`),
    });
    bar.set(1, `Uploaded ${file.name}`);
    refs.push(await client.files.share(uploaded.fileId, uploaded.fileInfo, participants));
  }
  return refs;
}

/** What the page can say about an attachment before downloading it. */
interface AttachmentFacts {
  readonly name: string;
  /** Plaintext bytes, when vouched for (see the module comment); null until the file is downloaded. */
  readonly size: number | null;
}

/** Per user and file, for the page's life: a conversation re-renders on every notification. */
const known = new Map<string, Promise<AttachmentFacts>>();

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * Lets go of what the page learnt about these attachments (their names and
 * sizes): the message that carried them expired or was unsent, and nothing
 * of it is kept.
 */
export function forgetAttachments(client: PeerlockClient, refs: readonly FileReference[] | undefined): void {
  for (const ref of refs ?? []) known.delete(`${client.username} ${ref.fileId}`);
}

function sameFileInfo(a: FileInfo, b: FileInfo): boolean {
  // Every comparison runs (constant time in the secrets), then the results are combined.
  const key = equalBytes(a.fileKey, b.fileKey);
  const nonce = equalBytes(a.fileNonce, b.fileNonce);
  const hash = equalBytes(a.fileHash, b.fileHash);
  return key && nonce && hash;
}

/** The name inside the file: the served file read up to chunk 0 and no further. */
async function nameFromFirstChunk(client: PeerlockClient, fileId: string, carried: OpenedHeader): Promise<string> {
  const source = await fetchEncryptedFile({ graphqlUrl: client.url, authorize: () => client.authorization() }, fileId);
  const pieces = source[Symbol.asyncIterator]();
  try {
    // decryptStream reads the served header and chunk 0 now; the rest only when its plaintext is read, which it never is.
    const served = await decryptStream({ [Symbol.asyncIterator]: () => pieces }, client.secretKey());
    if (!sameFileInfo(served.fileInfo, carried.fileInfo)) throw new FileRejectedError(fileId, 'header-mismatch');
    return served.fileName;
  } finally {
    // Stops the download (the response body is cancelled).
    await pieces.return?.();
  }
}

/**
 * The index's entry for a file id. The SDK is moving the index's `entries`
 * from a record to a map (the sealed index as a log of records); this reads
 * either, so the page builds on both sides of that change. Once it has
 * landed: `index.entries.get(fileId)`.
 */
function indexEntry(index: FileIndex, fileId: string): FileIndexEntry | undefined {
  const entries: ReadonlyMap<string, FileIndexEntry> | Readonly<Record<string, FileIndexEntry>> = index.entries;
  if (entries instanceof Map) return entries.get(fileId) as FileIndexEntry | undefined;
  return (entries as Readonly<Record<string, FileIndexEntry>>)[fileId];
}

async function attachmentFacts(client: PeerlockClient, ref: FileReference, message: ReadMessage): Promise<AttachmentFacts> {
  const entry = indexEntry(await client.fileIndex().current(), ref.fileId);
  if (message.sender === client.username) {
    if (!entry) throw new FileRejectedError(ref.fileId, 'not-in-index');
    return { name: entry.name, size: entry.size };
  }
  const carried = openHeader(base64ToBytes(ref.header, 'ref.header'), client.secretKey());
  if (!keysValidAt(await client.pins(), message.sender, message.receivedAt).includes(carried.senderID)) throw new AttachmentRejectedError(ref.fileId, 'sender-mismatch');
  if (entry) {
    if (!matchesEntry(entry, carried.fileInfo)) throw new FileRejectedError(ref.fileId, 'header-mismatch');
    return { name: entry.name, size: entry.size };
  }
  return { name: await nameFromFirstChunk(client, ref.fileId, carried), size: null };
}

function unreadable(error: unknown): string {
  if (error instanceof AttachmentRejectedError) return `not made by the sender's key: it will be refused`;
  if (error instanceof FileRejectedError && error.reason === 'header-mismatch') return 'the server serves a different file under this id: it will be refused';
  return `its name could not be read (${describeError(error).replace(/\.$/, '')})`;
}

function factsOf(client: PeerlockClient, ref: FileReference, message: ReadMessage): Promise<AttachmentFacts> {
  const key = `${client.username} ${ref.fileId}`;
  let facts = known.get(key);
  if (!facts) {
    facts = attachmentFacts(client, ref, message);
    known.set(key, facts);
    // A failure (network, refusal) is not remembered: the next rendering tries again.
    facts.catch(() => known.delete(key));
  }
  return facts;
}

/**
 * One attachment: its name and size (as vouched for above) and a download
 * button. Trusts: the verified message that carried `ref` (Messaging.read),
 * the pins and the sealed file index. A recipient's download goes through
 * the SDK's downloadAttachment (the header the message carried, made by
 * the sender's key; its file hash pins every chunk); the sender's through
 * their file index (their upload's entry pins the header and the chunks).
 * Either is saved only once the whole file verified.
 */
export function attachmentItem(client: PeerlockClient, ref: FileReference, message: ReadMessage, index: number, report: (message: string, error?: boolean) => void): HTMLElement {
  const mine = message.sender === client.username;
  const bar = progressBar('Downloading');
  const name = h('span', { class: 'attachment-name', 'data-testid': 'attachment-name' }, `Attachment ${index + 1}`);
  const size = h('span', { class: 'attachment-size', 'data-testid': 'attachment-size' }, 'reading its name…');
  const button = h('button', { type: 'button', class: 'attachment', 'data-file': ref.fileId, 'aria-label': `Download attachment ${index + 1}` }, 'Download');
  const show = (facts: AttachmentFacts) => {
    name.textContent = facts.name || '(no name)';
    size.textContent = facts.size === null ? 'size known once downloaded' : formatSize(facts.size);
    size.classList.toggle('pending', facts.size === null);
    button.setAttribute('aria-label', `Download ${facts.name || `attachment ${index + 1}`}`);
  };
  factsOf(client, ref, message).then(show, (error: unknown) => {
    size.textContent = unreadable(error);
    size.classList.add('pending');
  });

  button.addEventListener('click', () => {
    void (async () => {
      button.disabled = true;
      const sink = memorySink();
      try {
        const onProgress = (p: { bytesReceived: number; totalBytes: number | null }) => bar.set(p.totalBytes ? p.bytesReceived / p.totalBytes : 0, 'Downloading and decrypting');
        bar.set(0, 'Downloading and decrypting');
        const { fileName } = mine ? await client.files.download(ref.fileId, sink, { onProgress }) : await client.files.downloadAttachment(ref, message, sink, onProgress);
        bar.set(1, 'Verified');
        const blob = sink.blob();
        const facts = { name: fileName, size: blob.size };
        // Not for a message that went meanwhile (expired or unsent): nothing of it is kept.
        if (button.isConnected) known.set(`${client.username} ${ref.fileId}`, Promise.resolve(facts));
        show(facts);
        saveBlob(blob, fileName);
        report(`Saved ${fileName} (${formatSize(blob.size)}, decrypted and verified in this page).`);
      } catch (error) {
        bar.hide();
        report(describeError(error), true);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return h('li', { class: 'attachment-item', 'data-file': ref.fileId }, name, size, button, bar.el);
}
