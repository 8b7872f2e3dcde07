/**
 * Where imported conversations live on the new account (docs/archive.md):
 * as the user's own files, sealed to the user's key by the normal upload,
 * so they land in the sealed file index and every later read is checked
 * against it (FileTransfers.stream: the header's hash and key commitment
 * must be the index's). The server stores ciphertext it cannot read, and
 * cannot swap one imported conversation for another or for an old version.
 *
 *   conversation file  name "peerlock-import:conversation"
 *                      JSON { v: 1, server, exportedAt, conversation, messages }
 *   catalog            name "peerlock-import:catalog"
 *                      JSON { v: 1, conversations: [CatalogConversation], files: [CatalogFile] }
 *
 * The catalog lists every imported conversation (its file, its message ids'
 * count, where it came from) and every imported file (the original id on the
 * old server → the id of the re-uploaded copy), which is what makes an
 * import idempotent. A new catalog is uploaded before the old one is
 * removed; should a crash leave two, they are merged when read.
 */
import { bytesToUtf8, utf8ToBytes } from '../crypto/bytes.js';
import type { PeerlockClient } from '../client/peerlock-client.js';
import { ArchiveRejectedError } from './errors.js';
import { parseRecord, type ConversationRecord, type MessageRecord } from './format.js';

/** Names of the files an import stores; an export leaves them out of its file list. */
export const IMPORT_FILE_PREFIX = 'peerlock-import:';
export const CATALOG_FILE_NAME = `${IMPORT_FILE_PREFIX}catalog`;
export const CONVERSATION_FILE_NAME = `${IMPORT_FILE_PREFIX}conversation`;
/** The largest imported document read back (a conversation of ~100 000 messages). */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

export interface ImportedFrom {
  /** The server the conversation was exported from (its GraphQL URL). */
  readonly server: string;
  /** When it was exported (ms). */
  readonly exportedAt: number;
}

export interface CatalogConversation extends ImportedFrom {
  /** The conversation's id on the server it came from. */
  readonly id: string;
  readonly participants: readonly string[];
  readonly subject: string;
  readonly messageCount: number;
  /** The newest message's server time (ms), 0 if none. */
  readonly lastMessageAt: number;
  /** The file holding it on this account. */
  readonly fileId: string;
}

export interface CatalogFile {
  readonly server: string;
  readonly originalId: string;
  /** The re-uploaded copy on this account. */
  readonly fileId: string;
  readonly name: string;
  readonly sha256: string;
}

export interface Catalog {
  readonly v: 1;
  readonly conversations: readonly CatalogConversation[];
  readonly files: readonly CatalogFile[];
}

export interface ConversationDocument extends ImportedFrom {
  readonly v: 1;
  readonly conversation: ConversationRecord;
  readonly messages: readonly MessageRecord[];
}

export const EMPTY_CATALOG: Catalog = { v: 1, conversations: [], files: [] };

export class ImportedStore {
  constructor(private readonly client: PeerlockClient) {}

  /** The catalog, merged from every catalog file in the index, and the ids of those files. */
  async catalog(): Promise<{ catalog: Catalog; fileIds: string[] }> {
    const index = await this.client.fileIndex().refresh();
    const fileIds = Object.values(index.entries)
      .filter((e) => e.name === CATALOG_FILE_NAME)
      .map((e) => e.fileId);
    let catalog = EMPTY_CATALOG;
    for (const id of fileIds) catalog = mergeCatalogs(catalog, parseCatalog(await this.readDocument(id)));
    return { catalog, fileIds };
  }

  /** Stores a new catalog, then removes the ones it replaces. */
  async saveCatalog(catalog: Catalog, replaces: readonly string[]): Promise<string> {
    const fileId = await this.upload(CATALOG_FILE_NAME, catalog);
    for (const id of replaces) await this.client.files.remove(id, { destroy: true });
    return fileId;
  }

  async putConversation(doc: ConversationDocument): Promise<string> {
    return this.upload(CONVERSATION_FILE_NAME, doc);
  }

  async conversation(fileId: string): Promise<ConversationDocument> {
    const value = await this.readDocument(fileId);
    const v = value as Partial<ConversationDocument>;
    if (v?.v !== 1 || typeof v.server !== 'string' || !Number.isSafeInteger(v.exportedAt) || !Array.isArray(v.messages)) throw new ArchiveRejectedError('malformed-record', 'imported conversation');
    const conversation = parseRecord(v.conversation);
    if (conversation.type !== 'conversation') throw new ArchiveRejectedError('malformed-record', 'imported conversation');
    const messages = v.messages.map((m) => {
      const r = parseRecord(m);
      if (r.type !== 'message') throw new ArchiveRejectedError('malformed-record', 'imported message');
      return r;
    });
    return { v: 1, server: v.server, exportedAt: v.exportedAt!, conversation, messages };
  }

  async remove(fileId: string): Promise<void> {
    await this.client.files.remove(fileId, { destroy: true });
  }

  private async upload(name: string, value: unknown): Promise<string> {
    const bytes = utf8ToBytes(JSON.stringify(value));
    const { fileId } = await this.client.files.upload({ source: [bytes], size: bytes.length, name });
    return fileId;
  }

  /** Downloads one of our own documents, checked against the sealed index (FileTransfers.stream). */
  private async readDocument(fileId: string): Promise<unknown> {
    const stream = await this.client.files.stream(fileId);
    const pieces: Uint8Array[] = [];
    let total = 0;
    for await (const piece of stream.plaintext) {
      total += piece.length;
      if (total > MAX_DOCUMENT_BYTES) throw new ArchiveRejectedError('record-too-large', 'imported document');
      pieces.push(piece.slice());
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of pieces) {
      bytes.set(p, at);
      at += p.length;
    }
    try {
      return JSON.parse(bytesToUtf8(bytes));
    } catch {
      throw new ArchiveRejectedError('malformed-record', 'imported document');
    }
  }
}

function parseCatalog(value: unknown): Catalog {
  const v = value as Partial<Catalog>;
  if (v?.v !== 1 || !Array.isArray(v.conversations) || !Array.isArray(v.files)) throw new ArchiveRejectedError('malformed-record', 'import catalog');
  return { v: 1, conversations: v.conversations, files: v.files };
}

/** Union of two catalogs; for a conversation in both, the one with more messages (a later import of it). */
export function mergeCatalogs(a: Catalog, b: Catalog): Catalog {
  const conversations = new Map(a.conversations.map((c) => [c.id, c]));
  for (const c of b.conversations) {
    const had = conversations.get(c.id);
    if (!had || c.messageCount > had.messageCount) conversations.set(c.id, c);
  }
  const files = new Map(a.files.map((f) => [`${f.server} ${f.originalId}`, f]));
  for (const f of b.files) if (!files.has(`${f.server} ${f.originalId}`)) files.set(`${f.server} ${f.originalId}`, f);
  return { v: 1, conversations: [...conversations.values()], files: [...files.values()] };
}
