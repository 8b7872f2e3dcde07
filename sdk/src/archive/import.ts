/**
 * Import (docs/archive.md): streams an archive, refuses one this user did
 * not make, and restores it into the account this client is logged in to.
 *
 * Trust. The archive is a miniLock file: its header must open with our key
 * (else not-for-this-key) and name OUR key as sender, authenticated by the
 * header's inner box (else not-own-archive: anyone can seal a file to us,
 * only we can seal one from us). Every chunk then authenticates under the
 * file key before a byte of it is parsed, so the records are ours as
 * written; the whole file's hash (truncation, a cut at a chunk boundary) is
 * known only at the end, and so is the end record's count. What was
 * restored before a late failure is kept and the typed error thrown: the
 * import is idempotent, so running it again on a good copy completes it.
 *
 * Restoring:
 *   - pins merge into the account's pin set: a username with no pin gets the
 *     archived one (verified or not); the same key gets the verified mark if
 *     the archive had it; a different key is NOT overwritten, it is reported
 *     (pinConflicts) — the account's own observation stands;
 *   - conversations are stored as the user's own sealed files (imported-store.ts),
 *     one per conversation, read back read-only with their verification;
 *   - files are re-uploaded through the normal upload (into the sealed index),
 *     their bytes streamed from the archive, their SHA-256 checked against
 *     the archive's file-end record;
 *   - idempotent: a conversation already imported with every message of the
 *     archive's, and a file already imported from the same server and id,
 *     are skipped.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../crypto/bytes.js';
import { DecryptionError } from '../crypto/errors.js';
import type { KeyPin, PinSet } from '../contacts/key-pins.js';
import type { PeerlockClient } from '../client/peerlock-client.js';
import { ByteReader, type ByteSource } from '../minilock/byte-reader.js';
import { decryptStream, type DecryptedStream } from '../minilock/decrypt-stream.js';
import { MalformedFileError, NotARecipientError } from '../minilock/errors.js';
import { ArchiveRejectedError } from './errors.js';
import { MAX_ITEMS, readPayload, readRecord, type ArchiveCounts, type ContactRecord, type ConversationRecord, type ManifestRecord, type MessageRecord } from './format.js';
import { ImportedStore, type Catalog, type CatalogConversation } from './imported-store.js';

/** Store the catalog again after this many new items or bytes of files (and at the end). */
const CATALOG_EVERY_ITEMS = 50;
const CATALOG_EVERY_BYTES = 256 * 1024 * 1024;

export interface ImportProgress {
  readonly stage: 'contacts' | 'conversations' | 'files' | 'done';
  readonly conversations: number;
  readonly messages: number;
  readonly files: number;
  readonly fileBytes: number;
  /** Archive bytes read so far. */
  readonly archiveBytes: number;
}

export interface ImportOptions {
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface PinConflict {
  readonly username: string;
  readonly archived: string;
  readonly current: string;
}

export interface ImportSummary {
  readonly server: string;
  readonly exportedAt: number;
  readonly counts: ArchiveCounts;
  readonly conversationsAdded: number;
  readonly conversationsUpdated: number;
  readonly conversationsUnchanged: number;
  readonly filesUploaded: number;
  readonly filesSkipped: number;
  readonly pinsAdded: number;
  readonly pinsMarkedVerified: number;
  readonly pinConflicts: readonly PinConflict[];
}

/** Opens the archive: sealed to us, from us; typed refusals otherwise. */
export async function openArchive(client: PeerlockClient, source: ByteSource, onBytes: (n: number) => void = () => undefined): Promise<DecryptedStream> {
  let file: DecryptedStream;
  try {
    file = await decryptStream(counted(source, onBytes), client.secretKey());
  } catch (error) {
    throw refusal(error);
  }
  if (file.senderID !== client.miniLockId) {
    await file.plaintext[Symbol.asyncIterator]().return?.();
    throw new ArchiveRejectedError('not-own-archive', file.senderID);
  }
  return file;
}

function refusal(error: unknown): unknown {
  if (error instanceof NotARecipientError) return new ArchiveRejectedError('not-for-this-key');
  if (error instanceof MalformedFileError) return new ArchiveRejectedError(error.reason === 'truncated' ? 'truncated' : 'undecryptable', error.reason);
  if (error instanceof DecryptionError) return new ArchiveRejectedError('undecryptable');
  return error;
}

/** The plaintext, with the miniLock layer's late failures (hash, truncation) turned into archive refusals. */
async function* mapped(plaintext: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    yield* plaintext;
  } catch (error) {
    throw refusal(error);
  }
}

async function* counted(source: ByteSource, onBytes: (n: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = new ByteReader(source, 'source');
  try {
    for (;;) {
      const piece = await reader.read(1024 * 1024);
      if (piece.length === 0) return;
      onBytes(piece.length);
      yield piece;
    }
  } finally {
    await reader.cancel();
  }
}

export async function importArchive(client: PeerlockClient, source: ByteSource, options: ImportOptions = {}): Promise<ImportSummary> {
  let archiveBytes = 0;
  const file = await openArchive(client, source, (n) => (archiveBytes += n));
  const reader = new ByteReader(mapped(file.plaintext), 'archive');
  const store = new ImportedStore(client);
  const seen = { contacts: 0, conversations: 0, messages: 0, files: 0, fileBytes: 0 };
  const result = { conversationsAdded: 0, conversationsUpdated: 0, conversationsUnchanged: 0, filesUploaded: 0, filesSkipped: 0, pinsAdded: 0, pinsMarkedVerified: 0 };
  const pinConflicts: PinConflict[] = [];
  const progress = (stage: ImportProgress['stage']) =>
    options.onProgress?.({ stage, conversations: seen.conversations, messages: seen.messages, files: seen.files, fileBytes: seen.fileBytes, archiveBytes });
  try {
    const first = await readRecord(reader);
    if (!first) throw new ArchiveRejectedError('truncated');
    if (first.type !== 'manifest') throw new ArchiveRejectedError('out-of-order', `${first.type} before the manifest`);
    const manifest: ManifestRecord = first;
    if (manifest.miniLockId !== client.miniLockId) throw new ArchiveRejectedError('not-own-archive', manifest.miniLockId);
    const loaded = await store.catalog();
    const conversations = new Map(loaded.catalog.conversations.map((c) => [c.id, c]));
    const files = new Map(loaded.catalog.files.map((f) => [`${f.server} ${f.originalId}`, f]));
    // The catalog is stored again every so often, so an interrupted import redoes little; a document it
    // replaces is removed only once the catalog naming its successor is stored (never a catalog naming a removed file).
    let catalogIds = loaded.fileIds;
    let dirty = loaded.fileIds.length > 1;
    let sinceSave = { items: 0, bytes: 0 };
    const replaced: string[] = [];
    const persist = async (force: boolean) => {
      if (!dirty || (!force && sinceSave.items < CATALOG_EVERY_ITEMS && sinceSave.bytes < CATALOG_EVERY_BYTES)) return;
      const catalog: Catalog = { v: 1, conversations: [...conversations.values()], files: [...files.values()] };
      catalogIds = [await store.saveCatalog(catalog, catalogIds)];
      for (const id of replaced.splice(0)) await store.remove(id);
      dirty = false;
      sinceSave = { items: 0, bytes: 0 };
    };
    const contacts: ContactRecord[] = [];
    let next = await readRecord(reader);
    // Contacts, then their pins merged at once (one pin-set change).
    progress('contacts');
    while (next?.type === 'contact') {
      if (++seen.contacts > MAX_ITEMS) throw new ArchiveRejectedError('counts-mismatch', 'too many contacts');
      contacts.push(next);
      next = await readRecord(reader);
    }
    const merged = await mergePins(client, contacts);
    result.pinsAdded = merged.added;
    result.pinsMarkedVerified = merged.verified;
    pinConflicts.push(...merged.conflicts);
    // Conversations, each with its messages.
    while (next?.type === 'conversation') {
      progress('conversations');
      const conversation: ConversationRecord = next;
      const messages: MessageRecord[] = [];
      for (let i = 0; i < conversation.messageCount; i++) {
        const m = await readRecord(reader);
        if (!m) throw new ArchiveRejectedError('truncated');
        if (m.type !== 'message' || m.conversationId !== conversation.id) throw new ArchiveRejectedError('out-of-order', 'a message outside its conversation');
        messages.push(m);
      }
      seen.conversations++;
      seen.messages += messages.length;
      const outcome = await storeConversation(store, conversations, manifest, conversation, messages);
      result[outcome.result]++;
      if (outcome.replaced) replaced.push(outcome.replaced);
      if (outcome.result !== 'conversationsUnchanged') {
        dirty = true;
        sinceSave.items++;
        await persist(false);
      }
      next = await readRecord(reader);
    }
    // Files, each with its bytes (if the archive has them) and its end.
    while (next?.type === 'file') {
      progress('files');
      const record = next;
      seen.files++;
      if (record.bytesFollow) {
        const key = `${manifest.server} ${record.id}`;
        const hash = sha256.create();
        const payload = readPayload(reader, record.payloadBytes);
        let uploaded: string | null = null;
        const already = files.get(key);
        if (already) {
          for await (const piece of payload) hash.update(piece);
          result.filesSkipped++;
        } else {
          const source = (async function* () {
            for await (const piece of payload) {
              hash.update(piece);
              seen.fileBytes += piece.length;
              progress('files');
              yield piece;
            }
          })();
          uploaded = (await client.files.upload({ source, size: record.size, name: record.name })).fileId;
        }
        const end = await readRecord(reader);
        if (!end) throw new ArchiveRejectedError('truncated');
        if (end.type !== 'file-end' || end.id !== record.id) throw new ArchiveRejectedError('out-of-order', 'a file without its end');
        if (bytesToHex(hash.digest()) !== end.sha256) {
          if (uploaded) await client.files.remove(uploaded, { destroy: true });
          throw new ArchiveRejectedError('counts-mismatch', `file ${record.id}: bytes and hash disagree`);
        }
        if (uploaded) {
          files.set(key, { server: manifest.server, originalId: record.id, fileId: uploaded, name: record.name, sha256: end.sha256 });
          result.filesUploaded++;
          dirty = true;
          sinceSave.items++;
          sinceSave.bytes += record.size;
          await persist(false);
        }
      }
      next = await readRecord(reader);
    }
    if (!next) throw new ArchiveRejectedError('truncated');
    if (next.type !== 'end') throw new ArchiveRejectedError('out-of-order', `${next.type} out of place`);
    const counts = next.counts;
    if (counts.contacts !== seen.contacts || counts.conversations !== seen.conversations || counts.messages !== seen.messages || counts.files !== seen.files) {
      throw new ArchiveRejectedError('counts-mismatch');
    }
    // Nothing after the end record: reading on also runs the miniLock layer's end checks (file hash, trailing data).
    if ((await readRecord(reader)) !== null) throw new ArchiveRejectedError('out-of-order', 'a record after the end');
    await persist(true);
    progress('done');
    return { server: manifest.server, exportedAt: manifest.exportedAt, counts, ...result, pinConflicts };
  } finally {
    await reader.cancel();
  }
}

async function storeConversation(
  store: ImportedStore,
  conversations: Map<string, CatalogConversation>,
  manifest: ManifestRecord,
  conversation: ConversationRecord,
  messages: MessageRecord[],
): Promise<{ result: 'conversationsAdded' | 'conversationsUpdated' | 'conversationsUnchanged'; replaced?: string }> {
  const had = conversations.get(conversation.id);
  let all = messages;
  if (had) {
    const before = await store.conversation(had.fileId);
    const ids = new Set(before.messages.map((m) => m.id));
    const added = messages.filter((m) => !ids.has(m.id));
    if (added.length === 0) return { result: 'conversationsUnchanged' };
    all = [...before.messages, ...added];
  }
  // A conversation that was itself imported keeps where it first came from.
  const from = conversation.imported ?? { server: manifest.server, exportedAt: manifest.exportedAt };
  const fileId = await store.putConversation({ v: 1, ...from, conversation: { ...conversation, messageCount: all.length }, messages: all });
  conversations.set(conversation.id, {
    id: conversation.id,
    ...from,
    participants: conversation.participants,
    subject: conversation.subject,
    messageCount: all.length,
    lastMessageAt: all.reduce((t, m) => Math.max(t, m.serverTime), 0),
    fileId,
  });
  return had ? { result: 'conversationsUpdated', replaced: had.fileId } : { result: 'conversationsAdded' };
}

/** Merges archived pins into the account's pin set (one change), never over a different key. */
async function mergePins(client: PeerlockClient, contacts: readonly ContactRecord[]): Promise<{ added: number; verified: number; conflicts: PinConflict[] }> {
  let added = 0;
  let verified = 0;
  let conflicts: PinConflict[] = [];
  if (contacts.length === 0) return { added, verified, conflicts };
  await client.pinStore().update((set: PinSet) => {
    added = 0;
    verified = 0;
    conflicts = [];
    const pins: Record<string, KeyPin> = { ...set.pins };
    for (const c of contacts) {
      if (c.username === client.username) continue;
      const current = pins[c.username];
      if (!current) {
        pins[c.username] = { miniLockId: c.miniLockId, pinnedAt: c.pinnedAt, verified: c.verified, ...(c.previous ? { previous: c.previous } : {}) };
        added++;
      } else if (current.miniLockId !== c.miniLockId) {
        conflicts.push({ username: c.username, archived: c.miniLockId, current: current.miniLockId });
      } else if (c.verified && !current.verified && current.pendingMiniLockId === undefined) {
        pins[c.username] = { ...current, verified: true };
        verified++;
      }
    }
    return added + verified === 0 ? set : { ...set, version: set.version + 1, pins };
  });
  return { added, verified, conflicts };
}
