import { FileAccessRemoved, FileDeleted, FileShared, FileUploadExpired, FileUploadStarted, FileUploaded } from '@peerlock/schema';
import { defineProjection, type ReadModelChange } from '../projection.js';

/**
 * Files as the server may show them (DESIGN §5): owner, sizes, chunk count,
 * holders; never a name. Three kinds of document in one read model, told
 * apart by id prefix:
 *
 *   file/<fileId>                  the file, while it exists
 *   held/<username>/<pos>/<fileId> one per holder, newest first by range order
 *                                  (pos counts down from 10^20 so newer sorts first)
 *   uploading/<fileId>             while an upload is open: what the expiry sweep scans
 */
export interface FileRecord {
  readonly fileId: string;
  readonly owner: string;
  readonly status: 'uploading' | 'ready';
  readonly chunkCount: number;
  readonly ciphertextBytes: number;
  readonly expiresAt: string;
  readonly uploadedAt: string | null;
  /** Holder → the id of their `held/` document. */
  readonly holders: Readonly<Record<string, string>>;
}

export interface HeldFile {
  readonly fileId: string;
  readonly owner: string;
  /** When this holder got access. */
  readonly since: string;
}

export interface OpenUpload {
  readonly fileId: string;
  readonly owner: string;
  readonly expiresAt: string;
}

export type FilesDocument = FileRecord | HeldFile | OpenUpload;

export const fileDocumentId = (fileId: string): string => `file/${fileId}`;
export const uploadDocumentId = (fileId: string): string => `uploading/${fileId}`;
export const heldPrefix = (username: string): string => `held/${username}/`;
const REVERSE = 10n ** 20n;
const heldId = (username: string, position: bigint, fileId: string) => `${heldPrefix(username)}${(REVERSE - position).toString().padStart(20, '0')}/${fileId}`;

const handled = [FileUploadStarted, FileUploaded, FileUploadExpired, FileShared, FileAccessRemoved, FileDeleted] as const;

export const filesProjection = defineProjection<FilesDocument, typeof handled>({
  name: 'files',
  version: 1,
  handles: handled,
  documentIds: (event) => [fileDocumentId(event.data.fileId), uploadDocumentId(event.data.fileId)],
  apply(view, event) {
    const { fileId } = event.data;
    const id = fileDocumentId(fileId);
    const file = view.get(id) as FileRecord | undefined;
    const put = (doc: FilesDocument, docId = id): ReadModelChange<FilesDocument> => ({ op: 'put', id: docId, doc });
    const del = (docId: string): ReadModelChange<FilesDocument> => ({ op: 'delete', id: docId });
    switch (event.type) {
      case 'FileUploadStarted': {
        const d = event.data;
        const record: FileRecord = { fileId, owner: d.owner, status: 'uploading', chunkCount: d.chunkCount, ciphertextBytes: d.ciphertextBytes, expiresAt: d.expiresAt, uploadedAt: null, holders: {} };
        return [put(record), put({ fileId, owner: d.owner, expiresAt: d.expiresAt } satisfies OpenUpload, uploadDocumentId(fileId))];
      }
      case 'FileUploaded': {
        if (!file) return [];
        const held = heldId(file.owner, event.globalPosition, fileId);
        return [
          put({ ...file, status: 'ready', uploadedAt: event.metadata.occurredAt, holders: { [file.owner]: held } }),
          put({ fileId, owner: file.owner, since: event.metadata.occurredAt } satisfies HeldFile, held),
          del(uploadDocumentId(fileId)),
        ];
      }
      case 'FileShared': {
        if (!file) return [];
        const added = event.data.recipients.filter((r) => !(r in file.holders));
        if (added.length === 0) return [];
        const holders = { ...file.holders };
        const changes: ReadModelChange<FilesDocument>[] = [];
        for (const r of added) {
          holders[r] = heldId(r, event.globalPosition, fileId);
          changes.push(put({ fileId, owner: file.owner, since: event.metadata.occurredAt } satisfies HeldFile, holders[r]));
        }
        return [put({ ...file, holders }), ...changes];
      }
      case 'FileAccessRemoved': {
        const held = file?.holders[event.data.username];
        if (!file || held === undefined) return [];
        const { [event.data.username]: _gone, ...holders } = file.holders;
        return [put({ ...file, holders }), del(held)];
      }
      case 'FileUploadExpired':
      case 'FileDeleted':
        if (!file) return [del(uploadDocumentId(fileId))];
        return [del(id), del(uploadDocumentId(fileId)), ...Object.values(file.holders).map(del)];
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
