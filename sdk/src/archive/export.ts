/**
 * Export (docs/archive.md): everything the user can read, verified by the
 * SDK as it is read, written as one archive sealed to the user's own key.
 *
 * What goes in, and what vouches for it:
 *   - contacts: the pin set (sealed to the user, DESIGN §6) and the server's
 *     contact listing (a hint: only which pins are contacts);
 *   - conversations: each read whole through Messaging.read, a conversation
 *     at a time, every message verified by the ledger; a message the SDK did
 *     not accept is recorded as refused with its reason and no content;
 *   - files: the sealed file index's entries (never the server's listing),
 *     each file's bytes streamed through FileTransfers.stream, which checks
 *     the header against the index and every chunk against its hash; a file
 *     whose header does not verify is recorded as refused, without bytes.
 *
 * Memory: one conversation's view, and one chunk of a file, at a time.
 *
 * Resuming: the plan (conversation ids, index entries, the export time) is
 * fixed when the export starts and travels in every checkpoint with the
 * cursor (what is done), so a resumed export writes exactly the records an
 * uninterrupted one would have written after that point. A file cut
 * mid-way is read again from its start; its first `offset` bytes are hashed
 * but not written again, and the SHA-256 state at the cut must match.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../crypto/bytes.js';
import type { PinSet } from '../contacts/key-pins.js';
import { ConversationsDocument } from '../client/generated/graphql.js';
import type { PeerlockClient } from '../client/peerlock-client.js';
import type { ReadMessage } from '../client/messaging.js';
import { ArchiveExportError, ArchiveResumeError } from './errors.js';
import { ARCHIVE_FORMAT, encodeRecord, type ArchiveCounts, type ArchiveRecord, type ContactRecord, type MessageRecord } from './format.js';
import { ArchiveWriter, openCheckpoint, type ArchiveTarget } from './writer.js';
import { IMPORT_FILE_PREFIX, ImportedStore } from './imported-store.js';

export interface ExportProgress {
  readonly stage: 'contacts' | 'conversations' | 'files' | 'done';
  readonly conversationsDone: number;
  readonly conversationsTotal: number;
  readonly messages: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  /** File bytes written so far, of fileBytesTotal. */
  readonly fileBytesDone: number;
  readonly fileBytesTotal: number;
  /** Archive bytes on the target. */
  readonly archiveBytes: number;
  /** This run continued an interrupted export. */
  readonly resumed: boolean;
}

export interface ExportOptions {
  /** Put the files' bytes in the archive (default: only their index entries). A resumed export keeps what it started with; asking for the other is ARCHIVE_RESUME options-changed. */
  readonly includeFiles?: boolean;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Continue from the target's checkpoint when it has one (default true); false starts afresh. */
  readonly resume?: boolean;
  /** Plaintext bytes between checkpoints (default 8 MiB). */
  readonly checkpointEvery?: number;
}

export interface ExportSummary extends ArchiveCounts {
  readonly resumed: boolean;
  readonly archiveBytes: number;
  /** Files left out: gone from the server, or what it served did not verify (each recorded with its reason). */
  readonly refusedFiles: readonly string[];
}

interface PlannedFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly origin: string;
  readonly sender: string;
}

interface Plan {
  readonly exportedAt: number;
  readonly includesFiles: boolean;
  readonly conversations: readonly string[];
  /** Conversations imported from earlier archives (their documents' file ids): exported after the live ones, as they were imported. */
  readonly imported: readonly { readonly id: string; readonly fileId: string }[];
  readonly files: readonly PlannedFile[];
}

/** What is done: stage and item; inside a file, the bytes written and the SHA-256 of them. */
interface Cursor {
  readonly plan: Plan;
  readonly stage: 'conversations' | 'files' | 'end';
  readonly item: number;
  readonly offset: number;
  readonly prefixSha256?: string;
  readonly counts: ArchiveCounts;
  readonly refusedFiles: readonly string[];
}

const DEFAULT_CHECKPOINT_EVERY = 8 * 1024 * 1024;

export async function exportArchive(client: PeerlockClient, target: ArchiveTarget, options: ExportOptions = {}): Promise<ExportSummary> {
  const secretKey = client.secretKey();
  const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const saved = options.resume === false ? null : await target.loadCheckpoint();
  let writer: ArchiveWriter;
  let cursor: Cursor;
  const resumed = saved !== null;
  if (saved) {
    const checkpoint = openCheckpoint<Cursor>(saved, secretKey);
    cursor = checkpoint.cursor;
    // The plan decides what the archive holds; a different wish means starting again (resume: false).
    if (options.includeFiles !== undefined && options.includeFiles !== cursor.plan.includesFiles) throw new ArchiveResumeError('options-changed');
    writer = await ArchiveWriter.resume(secretKey, target, checkpoint.encryptor);
  } else {
    writer = await ArchiveWriter.start(secretKey, target);
    const plan = await makePlan(client, options.includeFiles === true);
    const counts = { contacts: 0, conversations: 0, messages: 0, files: 0, fileBytes: 0 };
    const record = (r: ArchiveRecord) => writer.write(encodeRecord(r));
    const signingKey = await client.serverSigningKey().catch(() => null);
    await record({
      type: 'manifest',
      format: ARCHIVE_FORMAT,
      username: client.username,
      miniLockId: client.miniLockId,
      server: client.url,
      ...(signingKey ? { serverSigningKey: signingKey } : {}),
      exportedAt: plan.exportedAt,
      includesFiles: plan.includesFiles,
    });
    for (const contact of await contactRecords(client)) {
      await record(contact);
      counts.contacts++;
    }
    cursor = { plan, stage: 'conversations', item: 0, offset: 0, counts, refusedFiles: [] };
    await writer.checkpoint(cursor);
  }
  const { plan } = cursor;
  const counts = { ...cursor.counts };
  const refusedFiles = [...cursor.refusedFiles];
  const fileBytesTotal = plan.includesFiles ? plan.files.reduce((n, f) => n + f.size, 0) : 0;
  let sinceCheckpoint = 0;
  const record = async (r: ArchiveRecord) => {
    const bytes = encodeRecord(r);
    sinceCheckpoint += bytes.length;
    await writer.write(bytes);
  };
  const progress = (stage: ExportProgress['stage']) =>
    options.onProgress?.({
      stage,
      conversationsDone: counts.conversations,
      conversationsTotal: plan.conversations.length + plan.imported.length,
      messages: counts.messages,
      filesDone: counts.files,
      filesTotal: plan.files.length,
      fileBytesDone: counts.fileBytes,
      fileBytesTotal,
      archiveBytes: writer.bytesWritten,
      resumed,
    });
  const save = async (next: Omit<Cursor, 'plan' | 'counts' | 'refusedFiles'>) => {
    await writer.checkpoint<Cursor>({ plan, ...next, counts: { ...counts }, refusedFiles: [...refusedFiles] });
    sinceCheckpoint = 0;
  };

  if (cursor.stage === 'conversations') {
    // Items: the live conversations, then the imported ones.
    const items = plan.conversations.length + plan.imported.length;
    for (let i = cursor.item; i < items; i++) {
      progress('conversations');
      if (i < plan.conversations.length) {
        await exportConversation(client, plan.conversations[i]!, record, counts);
        // Views of old conversations are not kept: memory stays one conversation's.
        client.messaging.forgetConversations();
      } else {
        await exportImported(client, plan.imported[i - plan.conversations.length]!.fileId, record, counts);
      }
      if (sinceCheckpoint >= every || i === items - 1) await save({ stage: 'conversations', item: i + 1, offset: 0 });
    }
    cursor = { ...cursor, stage: 'files', item: 0, offset: 0 };
  }
  if (cursor.stage === 'files') {
    for (let i = cursor.item; i < plan.files.length; i++) {
      progress('files');
      const file = plan.files[i]!;
      const offset = i === cursor.item ? cursor.offset : 0;
      const prefix = i === cursor.item ? cursor.prefixSha256 : undefined;
      await exportFile(client, file, plan.includesFiles, { offset, prefix }, record, writer, counts, refusedFiles, async (at, hash) => {
        if (sinceCheckpoint >= every) await save({ stage: 'files', item: i, offset: at, prefixSha256: hash() });
        progress('files');
      }, (bytes) => (sinceCheckpoint += bytes));
      if (sinceCheckpoint >= every) await save({ stage: 'files', item: i + 1, offset: 0 });
    }
  }
  await record({ type: 'end', counts });
  await writer.finish();
  progress('done');
  return { ...counts, resumed, archiveBytes: writer.bytesWritten, refusedFiles };
}

async function makePlan(client: PeerlockClient, includesFiles: boolean): Promise<Plan> {
  const conversations: string[] = [];
  for (let after: string | null = null; ; ) {
    const { conversations: page }: { conversations: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } } = await client.call(
      ConversationsDocument,
      { first: 100, after },
      true,
    );
    conversations.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  const index = await client.fileIndex().refresh();
  const files = Object.values(index.entries)
    // What an earlier import stored (its conversations and catalog) is exported as what it is, not as files.
    .filter((e) => !e.name.startsWith(IMPORT_FILE_PREFIX))
    .map((e) => ({ id: e.fileId, name: e.name, size: e.size, origin: e.origin, sender: e.sender }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { catalog } = await new ImportedStore(client).catalog();
  const live = new Set(conversations);
  const imported = catalog.conversations
    .filter((c) => !live.has(c.id))
    .map((c) => ({ id: c.id, fileId: c.fileId }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return { exportedAt: Date.now(), includesFiles, conversations: [...live].sort(), imported, files };
}

async function contactRecords(client: PeerlockClient): Promise<ContactRecord[]> {
  const [pins, listing] = await Promise.all([client.pins(), client.contacts()]);
  const contacts = new Set(listing.contacts.map((c) => c.toLowerCase()));
  return Object.entries(pins.pins)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([username, pin]) => ({
      type: 'contact',
      username,
      miniLockId: pin.miniLockId,
      pinnedAt: pin.pinnedAt,
      verified: pin.verified,
      ...(pin.previous?.length ? { previous: pin.previous.map((p) => ({ miniLockId: p.miniLockId, until: p.until })) } : {}),
      relation: contacts.has(username) ? 'contact' : 'pinned',
    }));
}

async function exportConversation(client: PeerlockClient, id: string, record: (r: ArchiveRecord) => Promise<void>, counts: { conversations: number; messages: number }): Promise<void> {
  const view = await client.messaging.read(id);
  const pins = await client.pins();
  const withheld = view.withheld.map((w) => ({ sender: w.sender, sequences: [...w.sequences], count: w.count }));
  await record({ type: 'conversation', id, participants: view.participants, subject: view.subject, withheld, messageCount: view.messages.length });
  for (const message of view.messages) {
    await record(messageRecord(client, pins, message));
    counts.messages++;
  }
  counts.conversations++;
}

/** A conversation imported earlier, as it was imported: its records, marked with where they first came from. */
async function exportImported(client: PeerlockClient, fileId: string, record: (r: ArchiveRecord) => Promise<void>, counts: { conversations: number; messages: number }): Promise<void> {
  const doc = await new ImportedStore(client).conversation(fileId);
  const { imported: _earlier, ...conversation } = doc.conversation;
  await record({ ...conversation, messageCount: doc.messages.length, imported: doc.conversation.imported ?? { server: doc.server, exportedAt: doc.exportedAt } });
  for (const m of doc.messages) {
    await record(m);
    counts.messages++;
  }
  counts.conversations++;
}

/** A message as the SDK verified it: content only when it was accepted. */
export function messageRecord(client: PeerlockClient, pins: PinSet, m: ReadMessage): MessageRecord {
  const base = { type: 'message' as const, conversationId: m.conversationId, id: m.messageId, sender: m.sender, serverTime: m.receivedAt };
  if (m.rejected !== null) return { ...base, verification: { state: 'refused', reason: m.rejected } };
  const key = m.sender === client.username ? client.miniLockId : keyAt(pins, m.sender, m.receivedAt);
  return {
    ...base,
    ...(key ? { senderMiniLockId: key } : {}),
    ...(m.sentAt !== undefined ? { sentAt: m.sentAt } : {}),
    ...(m.deleted ? { deleted: m.deleted } : { ...(m.subject ? { subject: m.subject } : {}), body: m.body ?? '', ...(m.files?.length ? { attachments: m.files.map((f) => ({ fileId: f.fileId, header: f.header })) } : {}) }),
    verification: { state: 'verified', ...(m.late ? { late: true } : {}), ...(m.reordered ? { reordered: true } : {}) },
    ...(m.expiresAt !== undefined ? { expiresAt: m.expiresAt } : {}),
    ...(m.edited ? { edited: m.edited } : {}),
    ...(m.action ? { action: m.action.kind === 'timer' ? { kind: 'timer', seconds: m.action.seconds } : { kind: m.action.kind, messageId: m.action.messageId } } : {}),
  };
}

/** The pinned key of `username` at `at`: the first key replaced after `at`, else the current one (key-pins.ts keysValidAt). */
function keyAt(pins: PinSet, username: string, at: number): string | undefined {
  const pin = pins.pins[username];
  if (!pin) return undefined;
  return (pin.previous ?? []).find((k) => at < k.until)?.miniLockId ?? pin.miniLockId;
}

/**
 * FileTransfers.stream, once more after TOKEN_INVALID: an export run after
 * a killed one (the CLI saves its spent tokens only when a command ends)
 * may hold tokens that process spent. A GraphQL call renews them
 * (PeerlockClient.call replaces the batch on TOKEN_INVALID); the file
 * routes do not, so the stream is tried again after one.
 */
async function streamFile(client: PeerlockClient, fileId: string) {
  try {
    return await client.files.stream(fileId);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'TOKEN_INVALID') throw error;
    await client.account();
    return client.files.stream(fileId);
  }
}

async function exportFile(
  client: PeerlockClient,
  file: PlannedFile,
  includesFiles: boolean,
  from: { offset: number; prefix: string | undefined },
  record: (r: ArchiveRecord) => Promise<void>,
  writer: ArchiveWriter,
  counts: { files: number; fileBytes: number },
  refused: string[],
  onPiece: (offset: number, prefixHash: () => string) => Promise<void>,
  wrote: (bytes: number) => void,
): Promise<void> {
  const entry = { type: 'file' as const, id: file.id, name: file.name, size: file.size, origin: file.origin, sender: file.sender };
  if (!includesFiles) {
    await record({ ...entry, bytesFollow: false, payloadBytes: 0 });
    counts.files++;
    return;
  }
  let stream;
  try {
    // The header is checked against the sealed index before any byte: a lie there costs this file, nothing else.
    stream = await streamFile(client, file.id);
  } catch (error) {
    // Bytes of it are in the archive already: this file cannot be left out now; a later run tries again.
    if (from.offset > 0) throw new ArchiveExportError('file-failed', file.id, error);
    const reason = (error as { reason?: unknown; code?: unknown }).reason ?? (error as { code?: unknown }).code ?? 'failed';
    await record({ ...entry, bytesFollow: false, payloadBytes: 0, refused: String(reason) });
    refused.push(file.id);
    counts.files++;
    return;
  }
  if (from.offset === 0) await record({ ...entry, bytesFollow: true, payloadBytes: file.size });
  const hash = sha256.create();
  let at = 0;
  const pieces = stream.plaintext[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await pieces.next();
        if (!next.done && at + next.value.length > file.size) throw new Error('larger than its index entry');
        if (next.done && at !== file.size) throw new Error('smaller than its index entry');
      } catch (error) {
        // Bytes of this file may be in the archive already: stop, and let a resume take it from the last checkpoint.
        throw new ArchiveExportError('file-failed', file.id, error);
      }
      if (next.done) break;
      const piece = next.value;
      hash.update(piece);
      const skip = Math.max(0, Math.min(piece.length, from.offset - at));
      at += piece.length;
      if (at <= from.offset) {
        if (at === from.offset && from.prefix !== undefined && bytesToHex(hash.clone().digest()) !== from.prefix) throw new ArchiveResumeError('source-changed');
        continue;
      }
      const out = piece.subarray(skip);
      await writer.write(out);
      wrote(out.length);
      counts.fileBytes += out.length;
      await onPiece(at, () => bytesToHex(hash.clone().digest()));
    }
  } finally {
    // Stopped early (a failure, a dying target): the download is released.
    await pieces.return?.();
  }
  await record({ type: 'file-end', id: file.id, sha256: bytesToHex(hash.digest()) });
  counts.files++;
}
