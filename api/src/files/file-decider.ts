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
 *
 * Shares under a timer (issue 20): a share may end its recipients' access
 * at a time (and, destroyWithShare, the owner's too); a holder who saved the
 * file keeps it. A holder whose time has come no longer holds the file for
 * any command, before or after the sweep (ExpireAccess) records it: every
 * command that acts on holders first ends the access that is due, with the
 * same events the sweep would write.
 */
import { MAX_FILE_CHUNK_BYTES, MAX_FILE_CHUNKS, MAX_FILE_RECIPIENTS, fileEventDefinitions } from '@peerlock/schema';
import { TIMER_SECONDS } from '@peerlock/sdk';
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
  /** Holder → when a share's timer ends their access (ms since the epoch); holders without an end are absent. A Map: any username is a key. */
  readonly accessEnds: ReadonlyMap<string, number>;
  /** Holders who saved the file: no share's timer ends their access. */
  readonly saved: readonly string[];
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
      readonly now: number;
      /** One of the disappearing-message timers (TIMER_SECONDS); 0 or absent: the share has no end. */
      readonly expiresInSeconds?: number;
      /** Owner only, with a timer: the owner's own access ends with the share's, unless the owner saved the file. */
      readonly destroyWithShare?: boolean;
    }
  | { readonly type: 'SaveFile'; readonly actor: string; readonly fileId: string; readonly now: number }
  | { readonly type: 'ExpireAccess'; readonly fileId: string; readonly now: number }
  | { readonly type: 'RemoveAccess'; readonly actor: string; readonly fileId: string; readonly now: number }
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
      const { actor, fileId, now } = command;
      const seconds = command.expiresInSeconds ?? 0;
      const destroyWithShare = command.destroyWithShare ?? false;
      if (!(TIMER_SECONDS as readonly number[]).includes(seconds)) throw badInput('expiresInSeconds');
      if (destroyWithShare && seconds === 0) throw badInput('destroyWithShare');
      const file = heldFile(state, fileId, actor, now);
      if (destroyWithShare && actor !== state.owner) throw new PeerlockError('FORBIDDEN');
      const { recipients } = command;
      if (recipients.length < 1 || recipients.length > MAX_FILE_RECIPIENTS || recipients.includes(actor)) throw badInput('recipients');
      if (recipients.some((r) => !command.contacts.includes(r))) throw new PeerlockError('FORBIDDEN');
      // Access that is due ends first, so someone whose timer ran out is a newcomer again.
      const ended = endDueAccess(state, fileId, file, now);
      const holders = holdersAt(file, now);
      // A holder keeps the header they have: another holder must not be able to replace it (with one that does not open).
      const fresh = recipients.filter((r) => !holders.includes(r));
      if (fresh.length === 0) return ended;
      const timer = seconds > 0 ? { expiresAt: new Date(now + seconds * 1000).toISOString(), ...(destroyWithShare ? { destroyWithShare: true as const } : {}) } : {};
      return [...ended, ev('FileShared', { fileId, owner: state.owner!, by: actor, recipients: fresh, headerBytes: command.headerBytes, ...timer })];
    }
    case 'SaveFile': {
      const { actor, fileId } = command;
      const file = heldFile(state, fileId, actor, command.now);
      // Saved already: the first FileSaved stands.
      if (file.saved.includes(actor)) return [];
      return [ev('FileSaved', { fileId, owner: state.owner!, username: actor })];
    }
    case 'ExpireAccess': {
      const file = state.files.get(command.fileId);
      if (!file || file.status !== 'ready') return [];
      return endDueAccess(state, command.fileId, file, command.now);
    }
    case 'RemoveAccess': {
      const { actor, fileId, now } = command;
      const file = heldFile(state, fileId, actor, now);
      const ended = endDueAccess(state, fileId, file, now);
      const removed = ev('FileAccessRemoved', { fileId, owner: state.owner!, username: actor });
      if (holdersAt(file, now).length > 1) return [...ended, removed];
      return [...ended, removed, ev('FileDeleted', { fileId, owner: state.owner!, holders: [], ciphertextBytes: file.ciphertextBytes, destroyed: false })];
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

/** Whether `username`'s access has ended by `now` (a share's timer ran out and they did not save the file). */
export const accessEnded = (file: OwnedFile, username: string, now: number): boolean => {
  const end = file.accessEnds.get(username);
  return end !== undefined && end <= now;
};

/** Who holds the file at `now`: the holders whose access has not ended, whether or not the sweep recorded it yet. */
export const holdersAt = (file: OwnedFile, now: number): string[] => file.holders.filter((h) => !accessEnded(file, h, now));

/**
 * The file, for a command of one of its holders at `now`. A file nobody
 * holds any more (every holder's time ran out) is gone, as it will be once
 * the sweep deleted it: NOT_FOUND; someone else's file: FORBIDDEN.
 */
export function heldFile(state: FilesState, fileId: string, actor: string, now: number): OwnedFile {
  const file = readyFile(state, fileId);
  const holders = holdersAt(file, now);
  if (holders.length === 0) throw new PeerlockError('NOT_FOUND');
  if (!holders.includes(actor)) throw new PeerlockError('FORBIDDEN');
  return file;
}

/** One FileAccessRemoved per holder whose time has come, in holder order; a FileDeleted after them when nobody is left. */
function endDueAccess(state: FilesState, fileId: string, file: OwnedFile, now: number): FileDomainEvent[] {
  const due = file.holders.filter((h) => accessEnded(file, h, now));
  if (due.length === 0) return [];
  const owner = state.owner!;
  const events = due.map((username) => ev('FileAccessRemoved', { fileId, owner, username }));
  if (due.length === file.holders.length) events.push(ev('FileDeleted', { fileId, owner, holders: [], ciphertextBytes: file.ciphertextBytes, destroyed: false }));
  return events;
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
        ...withFile(d.fileId, { status: 'uploading', chunkCount: d.chunkCount, ciphertextBytes: d.ciphertextBytes, expiresAt: Date.parse(d.expiresAt), holders: [], accessEnds: new Map(), saved: [] }, d.ciphertextBytes),
        owner: d.owner,
      };
    }
    case 'FileUploaded': {
      const file = state.files.get(event.data.fileId);
      return file ? withFile(event.data.fileId, { ...file, status: 'ready', holders: [event.data.owner] }) : state;
    }
    case 'FileShared': {
      const d = event.data;
      const file = state.files.get(d.fileId);
      if (!file) return state;
      const fresh = d.recipients.filter((r) => !file.holders.includes(r));
      const holders = [...file.holders, ...fresh];
      if (d.expiresAt === undefined) return withFile(d.fileId, { ...file, holders });
      const end = Date.parse(d.expiresAt);
      const accessEnds = new Map(file.accessEnds);
      for (const r of fresh) if (!file.saved.includes(r)) accessEnds.set(r, end);
      // The owner's access lasts until the latest share it was destroyed with.
      const owner = state.owner;
      if (d.destroyWithShare && owner !== null && file.holders.includes(owner) && !file.saved.includes(owner)) accessEnds.set(owner, Math.max(accessEnds.get(owner) ?? end, end));
      return withFile(d.fileId, { ...file, holders, accessEnds });
    }
    case 'FileSaved': {
      const file = state.files.get(event.data.fileId);
      if (!file) return state;
      const accessEnds = new Map(file.accessEnds);
      accessEnds.delete(event.data.username);
      return withFile(event.data.fileId, { ...file, accessEnds, saved: file.saved.includes(event.data.username) ? file.saved : [...file.saved, event.data.username] });
    }
    case 'FileAccessRemoved': {
      const file = state.files.get(event.data.fileId);
      if (!file) return state;
      const gone = event.data.username;
      const accessEnds = new Map(file.accessEnds);
      accessEnds.delete(gone);
      return withFile(event.data.fileId, { ...file, holders: file.holders.filter((h) => h !== gone), accessEnds, saved: file.saved.filter((h) => h !== gone) });
    }
    case 'FileUploadExpired':
    case 'FileDeleted':
      return state.files.has(event.data.fileId) ? withFile(event.data.fileId, null, -event.data.ciphertextBytes) : state;
    default:
      return assertNever(event);
  }
}

export const fileDecider = { decide, evolve, initialState: initialFilesState };
