/**
 * One owner's files as a Decider (DESIGN §5). The stream holds every file the
 * owner uploaded, so the quota check and the reservation are one decision
 * over one revision: two concurrent uploads cannot both squeeze under it.
 *
 * Quota counts declared ciphertext bytes from the moment an upload starts
 * (chunks are only accepted up to that total) until nobody holds the file
 * any more. The owner pays while anyone holds it, the owner included or not:
 * the blobs exist until then.
 *
 * What the blob store holds arrives in the command (the shell listed it);
 * the decider reads nothing and knows no clock but the command's `now`.
 */
import { MAX_FILE_CHUNK_BYTES, MAX_FILE_CHUNKS, MAX_FILE_RECIPIENTS, fileEventDefinitions } from '@peerlock/schema';
import { PeerlockError, badInput } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type FileDomainEvent = DomainEventOf<typeof fileEventDefinitions>;

export interface OwnedFile {
  readonly status: 'uploading' | 'ready';
  readonly chunkCount: number;
  readonly ciphertextBytes: number;
  /** ms since the epoch. */
  readonly expiresAt: number;
  /** Who may download it, the owner first while they hold it. Empty while uploading. */
  readonly holders: readonly string[];
}

export interface FilesState {
  readonly owner: string | null;
  readonly usedBytes: number;
  readonly files: ReadonlyMap<string, OwnedFile>;
}

/**
 * The chunk stream's shape (docs/minilock.md): chunk 0 holds the name (256
 * bytes of plaintext, 408 in version 2), then data chunks of exactly 1 MiB
 * but the last (0 to 1 MiB). Every chunk adds 20 bytes of framing. Holding a
 * declared size to this shape is what bounds what an upload can store: at
 * most one chunk's worth beyond what it reserved, without the server
 * counting stored bytes on every PUT.
 */
export const CHUNK_FRAME_BYTES = 4 + 16;
export const MAX_NAME_CHUNK_BYTES = CHUNK_FRAME_BYTES + 408;
export const minCiphertextBytes = (chunkCount: number): number => CHUNK_FRAME_BYTES + 256 + (chunkCount - 2) * MAX_FILE_CHUNK_BYTES + CHUNK_FRAME_BYTES;
export const maxCiphertextBytes = (chunkCount: number): number => MAX_NAME_CHUNK_BYTES + (chunkCount - 1) * MAX_FILE_CHUNK_BYTES;
/** Largest body a chunk PUT may carry at this index. */
export const maxChunkBytes = (index: number): number => (index === 0 ? MAX_NAME_CHUNK_BYTES : MAX_FILE_CHUNK_BYTES);

export type FileCommand =
  | {
      readonly type: 'StartUpload';
      readonly actor: string;
      readonly fileId: string;
      readonly chunkCount: number;
      readonly ciphertextBytes: number;
      readonly quotaBytes: number;
      readonly now: number;
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'FinalizeUpload';
      readonly actor: string;
      readonly fileId: string;
      readonly headerBytes: number;
      /** Chunk index → stored size, as the blob store lists them. */
      readonly storedChunks: ReadonlyMap<number, number>;
      readonly now: number;
    }
  | { readonly type: 'ExpireUpload'; readonly fileId: string; readonly now: number }
  | {
      readonly type: 'ShareFile';
      readonly actor: string;
      readonly fileId: string;
      /** Canonical, without the actor. */
      readonly recipients: readonly string[];
      readonly headerBytes: number;
      /** Recipients who are contacts of the actor (accepted, nobody blocked). */
      readonly contacts: readonly string[];
    }
  | { readonly type: 'RemoveAccess'; readonly actor: string; readonly fileId: string }
  | { readonly type: 'DestroyFile'; readonly actor: string; readonly fileId: string };

export const initialFilesState = (): FilesState => ({ owner: null, usedBytes: 0, files: new Map() });

const ev = <T extends FileDomainEvent['type']>(type: T, data: Extract<FileDomainEvent, { type: T }>['data']): FileDomainEvent => ({ type, data }) as FileDomainEvent;

export function decide(command: FileCommand, state: FilesState): FileDomainEvent[] {
  switch (command.type) {
    case 'StartUpload': {
      const { actor, fileId, chunkCount, ciphertextBytes } = command;
      if (state.owner !== null && state.owner !== actor) throw new PeerlockError('FORBIDDEN');
      if (!Number.isInteger(chunkCount) || chunkCount < 2 || chunkCount > MAX_FILE_CHUNKS) throw badInput('chunkCount');
      if (!Number.isSafeInteger(ciphertextBytes) || ciphertextBytes < minCiphertextBytes(chunkCount) || ciphertextBytes > maxCiphertextBytes(chunkCount)) throw badInput('ciphertextBytes');
      if (state.files.has(fileId)) throw new PeerlockError('CONFLICT');
      if (state.usedBytes + ciphertextBytes > command.quotaBytes) throw new PeerlockError('QUOTA_EXCEEDED');
      return [ev('FileUploadStarted', { fileId, owner: actor, chunkCount, ciphertextBytes, expiresAt: new Date(command.now + command.timeoutMs).toISOString() })];
    }
    case 'FinalizeUpload': {
      const file = state.files.get(command.fileId);
      if (!file) throw new PeerlockError('NOT_FOUND');
      if (state.owner !== command.actor) throw new PeerlockError('FORBIDDEN');
      // A retry after a lost answer: the upload stands once.
      if (file.status === 'ready') return [];
      if (command.now >= file.expiresAt) throw new PeerlockError('NOT_FOUND');
      let total = 0;
      for (let i = 0; i < file.chunkCount; i++) {
        const size = command.storedChunks.get(i);
        if (size === undefined) throw badInput('chunks');
        total += size;
      }
      if (command.storedChunks.size !== file.chunkCount || total !== file.ciphertextBytes) throw badInput('chunks');
      return [ev('FileUploaded', { fileId: command.fileId, owner: command.actor, headerBytes: command.headerBytes })];
    }
    case 'ExpireUpload': {
      const file = state.files.get(command.fileId);
      if (!file || file.status !== 'uploading' || command.now < file.expiresAt || state.owner === null) return [];
      return [ev('FileUploadExpired', { fileId: command.fileId, owner: state.owner, ciphertextBytes: file.ciphertextBytes })];
    }
    case 'ShareFile': {
      const file = readyFile(state, command.fileId);
      if (!file.holders.includes(command.actor)) throw new PeerlockError('FORBIDDEN');
      const { recipients } = command;
      if (recipients.length < 1 || recipients.length > MAX_FILE_RECIPIENTS || recipients.includes(command.actor)) throw badInput('recipients');
      if (recipients.some((r) => !command.contacts.includes(r))) throw new PeerlockError('FORBIDDEN');
      // A holder keeps the header they have: another holder must not be able to replace it (with one that does not open).
      const fresh = recipients.filter((r) => !file.holders.includes(r));
      if (fresh.length === 0) return [];
      return [ev('FileShared', { fileId: command.fileId, owner: state.owner!, by: command.actor, recipients: fresh, headerBytes: command.headerBytes })];
    }
    case 'RemoveAccess': {
      const file = readyFile(state, command.fileId);
      if (!file.holders.includes(command.actor)) throw new PeerlockError('FORBIDDEN');
      const removed = ev('FileAccessRemoved', { fileId: command.fileId, owner: state.owner!, username: command.actor });
      if (file.holders.length > 1) return [removed];
      return [removed, ev('FileDeleted', { fileId: command.fileId, owner: state.owner!, holders: [], ciphertextBytes: file.ciphertextBytes, destroyed: false })];
    }
    case 'DestroyFile': {
      const file = state.files.get(command.fileId);
      if (!file) throw new PeerlockError('NOT_FOUND');
      if (state.owner !== command.actor) throw new PeerlockError('FORBIDDEN');
      return [ev('FileDeleted', { fileId: command.fileId, owner: command.actor, holders: [...file.holders], ciphertextBytes: file.ciphertextBytes, destroyed: true })];
    }
    default:
      return assertNever(command);
  }
}

function readyFile(state: FilesState, fileId: string): OwnedFile {
  const file = state.files.get(fileId);
  if (!file || file.status !== 'ready') throw new PeerlockError('NOT_FOUND');
  return file;
}

export function evolve(state: FilesState, event: FileDomainEvent): FilesState {
  // States are cached and shared between attempts: copy, never mutate.
  const withFile = (fileId: string, file: OwnedFile | null, usedDelta = 0): FilesState => {
    const files = new Map(state.files);
    if (file) files.set(fileId, file);
    else files.delete(fileId);
    return { ...state, files, usedBytes: state.usedBytes + usedDelta };
  };
  switch (event.type) {
    case 'FileUploadStarted': {
      const d = event.data;
      return {
        ...withFile(d.fileId, { status: 'uploading', chunkCount: d.chunkCount, ciphertextBytes: d.ciphertextBytes, expiresAt: Date.parse(d.expiresAt), holders: [] }, d.ciphertextBytes),
        owner: d.owner,
      };
    }
    case 'FileUploaded': {
      const file = state.files.get(event.data.fileId);
      return file ? withFile(event.data.fileId, { ...file, status: 'ready', holders: [event.data.owner] }) : state;
    }
    case 'FileShared': {
      const file = state.files.get(event.data.fileId);
      if (!file) return state;
      const holders = [...file.holders, ...event.data.recipients.filter((r) => !file.holders.includes(r))];
      return withFile(event.data.fileId, { ...file, holders });
    }
    case 'FileAccessRemoved': {
      const file = state.files.get(event.data.fileId);
      return file ? withFile(event.data.fileId, { ...file, holders: file.holders.filter((h) => h !== event.data.username) }) : state;
    }
    case 'FileUploadExpired':
    case 'FileDeleted':
      return state.files.has(event.data.fileId) ? withFile(event.data.fileId, null, -event.data.ciphertextBytes) : state;
    default:
      return assertNever(event);
  }
}

export const fileDecider = { decide, evolve, initialState: initialFilesState };
