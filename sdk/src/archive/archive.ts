/**
 * client.archive: encrypted export and import (docs/archive.md).
 */
import type { ByteSource } from '../minilock/byte-reader.js';
import type { PeerlockClient } from '../client/peerlock-client.js';
import { exportArchive, type ExportOptions, type ExportSummary } from './export.js';
import { importArchive, type ImportOptions, type ImportSummary } from './import.js';
import { ImportedStore, type CatalogConversation, type ImportedFrom } from './imported-store.js';
import type { MessageRecord } from './format.js';
import type { ArchiveTarget } from './writer.js';

/** An imported conversation, read-only: as it was verified on the server it came from. */
export interface ImportedConversation {
  readonly id: string;
  readonly participants: readonly string[];
  readonly subject: string;
  readonly imported: ImportedFrom;
  readonly messages: readonly ImportedMessage[];
}

/** A message as the archive recorded it (format.ts), with the attachments as restored here and where it came from. */
export interface ImportedMessage extends Omit<MessageRecord, 'type' | 'conversationId' | 'attachments'> {
  /** Attachments; `importedFileId` is the copy re-uploaded to this account, when the archive held the file. */
  readonly attachments?: readonly { readonly fileId: string; readonly importedFileId?: string }[];
  readonly imported: ImportedFrom;
}

export class Archive {
  constructor(
    private readonly client: PeerlockClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes everything the user can read into `target`, sealed to the user's own key; resumes an interrupted export by default. */
  async export(target: ArchiveTarget, options: ExportOptions = {}): Promise<ExportSummary> {
    return exportArchive(this.client, target, options);
  }

  /** Restores an archive this user made into the account this client is logged in to. */
  async import(source: ByteSource, options: ImportOptions = {}): Promise<ImportSummary> {
    return importArchive(this.client, source, options);
  }

  /** The imported conversations, newest first. */
  async importedConversations(): Promise<CatalogConversation[]> {
    const { catalog } = await new ImportedStore(this.client).catalog();
    return [...catalog.conversations].sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  }

  /**
   * One imported conversation, read-only. A message past its sender's own
   * timer is left out, as a live conversation leaves it out; `id` may be a
   * unique prefix.
   */
  async readImported(id: string): Promise<ImportedConversation> {
    const store = new ImportedStore(this.client);
    const { catalog } = await store.catalog();
    const matches = catalog.conversations.filter((c) => c.id.startsWith(id));
    if (matches.length !== 1) throw new RangeError(matches.length ? `imported conversation ${id}: ambiguous prefix` : `imported conversation ${id}: not found`);
    const entry = matches[0]!;
    const doc = await store.conversation(entry.fileId);
    const imported = { server: doc.server, exportedAt: doc.exportedAt };
    const copies = new Map(catalog.files.filter((f) => f.server === doc.server).map((f) => [f.originalId, f.fileId]));
    const now = this.now();
    const messages = doc.messages
      .filter((m) => m.expiresAt === undefined || m.expiresAt > now)
      .map(({ type: _t, conversationId: _c, attachments, ...m }): ImportedMessage => ({
        ...m,
        ...(attachments ? { attachments: attachments.map((a) => ({ fileId: a.fileId, ...(copies.has(a.fileId) ? { importedFileId: copies.get(a.fileId)! } : {}) })) } : {}),
        imported,
      }));
    return { id: entry.id, participants: doc.conversation.participants, subject: doc.conversation.subject, imported, messages };
  }
}
