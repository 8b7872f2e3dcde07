import { FileAccessRemoved, FileDeleted, FileSaved, FileShared, FileUploadExpired, FileUploadStarted, FileUploaded } from '@peerlock/schema';
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
 *   access-ends/<time>/<fileId>    while a share's timer will end someone's access:
 *                                  the earliest such time (ISO, so ids sort by time);
 *                                  what the share-expiry sweep scans, in order
 *
 * Who loses access when follows the file decider's rules (api/src/files/
 * file-decider.ts): a timed share's new recipients at its `expiresAt`, the
 * owner too with `destroyWithShare` (the latest such share's time), unless
 * they saved the file; saving or losing access forgets a holder's time.
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
  /** Holder → when a share's timer ends their access (ISO); absent when no holder's access has an end. */
  readonly accessEnds?: Readonly<Record<string, string>>;
  /** Holders who saved the file (no timer ends their access); absent when none did. */
  readonly saved?: readonly string[];
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

/** The earliest time a share's timer ends someone's access to this file. */
export interface AccessEnd {
  readonly fileId: string;
  readonly owner: string;
  readonly at: string;
}

export type FilesDocument = FileRecord | HeldFile | OpenUpload | AccessEnd;

export const fileDocumentId = (fileId: string): string => `file/${fileId}`;
export const uploadDocumentId = (fileId: string): string => `uploading/${fileId}`;
export const heldPrefix = (username: string): string => `held/${username}/`;
export const ACCESS_ENDS_PREFIX = 'access-ends/';
export const accessEndDocumentId = (at: string, fileId: string): string => `${ACCESS_ENDS_PREFIX}${at}/${fileId}`;
const REVERSE = 10n ** 20n;
const heldId = (username: string, position: bigint, fileId: string) => `${heldPrefix(username)}${(REVERSE - position).toString().padStart(20, '0')}/${fileId}`;

const handled = [FileUploadStarted, FileUploaded, FileUploadExpired, FileShared, FileAccessRemoved, FileSaved, FileDeleted] as const;

export const filesProjection = defineProjection<FilesDocument, typeof handled>({
  name: 'files',
  // Still 1: the fields of share timers and saves (accessEnds, saved, access-ends/ documents) are absent where no such
  // event was, so every document folded before them is what this fold makes of the same events: no rebuild on upgrade.
  version: 1,
  handles: handled,
  documentIds: (event) => [fileDocumentId(event.data.fileId), uploadDocumentId(event.data.fileId)],
  apply(view, event) {
    const { fileId } = event.data;
    const id = fileDocumentId(fileId);
    const file = view.get(id) as FileRecord | undefined;
    const put = (doc: FilesDocument, docId = id): ReadModelChange<FilesDocument> => ({ op: 'put', id: docId, doc });
    const del = (docId: string): ReadModelChange<FilesDocument> => ({ op: 'delete', id: docId });
    /** The file with new holders, ends and saves: its record, and its access-ends/ document moved to the earliest end. */
    const update = (before: FileRecord, holders: Readonly<Record<string, string>>, accessEnds: Readonly<Record<string, string>>, saved: readonly string[]): ReadModelChange<FilesDocument>[] => {
      const { accessEnds: _ends, saved: _saved, ...rest } = before;
      const after: FileRecord = { ...rest, holders, ...(Object.keys(accessEnds).length ? { accessEnds } : {}), ...(saved.length ? { saved } : {}) };
      const from = earliest(before.accessEnds);
      const to = earliest(after.accessEnds);
      const changes: ReadModelChange<FilesDocument>[] = [put(after)];
      if (from !== to) {
        if (from !== null) changes.push(del(accessEndDocumentId(from, fileId)));
        if (to !== null) changes.push(put({ fileId, owner: before.owner, at: to } satisfies AccessEnd, accessEndDocumentId(to, fileId)));
      }
      return changes;
    };
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
        const d = event.data;
        // Own properties only, here and below: a username may be any key (`constructor`, `__proto__`).
        const added = d.recipients.filter((r) => !Object.hasOwn(file.holders, r));
        if (added.length === 0) return [];
        const held = new Map(Object.entries(file.holders));
        const changes: ReadModelChange<FilesDocument>[] = [];
        for (const r of added) {
          held.set(r, heldId(r, event.globalPosition, fileId));
          changes.push(put({ fileId, owner: file.owner, since: event.metadata.occurredAt } satisfies HeldFile, held.get(r)!));
        }
        const holders = Object.fromEntries(held);
        const saved = file.saved ?? [];
        const ends = new Map(Object.entries(file.accessEnds ?? {}));
        if (d.expiresAt !== undefined) {
          for (const r of added) if (!saved.includes(r)) ends.set(r, d.expiresAt);
          const ownerEnd = ends.get(file.owner);
          // Same-format ISO strings: the later one sorts last.
          if (d.destroyWithShare && Object.hasOwn(file.holders, file.owner) && !saved.includes(file.owner)) ends.set(file.owner, ownerEnd !== undefined && ownerEnd > d.expiresAt ? ownerEnd : d.expiresAt);
        }
        return [...update(file, holders, Object.fromEntries(ends), saved), ...changes];
      }
      case 'FileSaved': {
        const user = event.data.username;
        if (!file || !Object.hasOwn(file.holders, user)) return [];
        const saved = file.saved ?? [];
        return update(file, file.holders, without(file.accessEnds, user), saved.includes(user) ? saved : [...saved, user]);
      }
      case 'FileAccessRemoved': {
        const user = event.data.username;
        if (!file || !Object.hasOwn(file.holders, user)) return [];
        const held = file.holders[user]!;
        const { [user]: _gone, ...holders } = file.holders;
        return [...update(file, holders, without(file.accessEnds, user), (file.saved ?? []).filter((h) => h !== user)), del(held)];
      }
      case 'FileUploadExpired':
      case 'FileDeleted':
        if (!file) return [del(uploadDocumentId(fileId))];
        {
          const end = earliest(file.accessEnds);
          return [del(id), del(uploadDocumentId(fileId)), ...Object.values(file.holders).map(del), ...(end !== null ? [del(accessEndDocumentId(end, fileId))] : [])];
        }
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});

/** The earliest of the ISO times (all written by toISOString, so string order is time order); null for none. */
function earliest(ends: Readonly<Record<string, string>> | undefined): string | null {
  let first: string | null = null;
  for (const at of Object.values(ends ?? {})) if (first === null || at < first) first = at;
  return first;
}

/** The ends without `username`'s (own properties only: a username may be any key, `__proto__` included). */
function without(ends: Readonly<Record<string, string>> | undefined, username: string): Record<string, string> {
  return Object.fromEntries(Object.entries(ends ?? {}).filter(([h]) => h !== username));
}
