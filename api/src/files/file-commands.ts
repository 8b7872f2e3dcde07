/**
 * File use cases (DESIGN §5): the shell around the per-owner file decider.
 * Order of effects, chosen so that a crash anywhere leaves nothing a client
 * can see half-done:
 * - bytes first, then the event: a chunk or header that no event refers to
 *   is unreachable, and the start-up sweep deletes blobs of unknown files;
 * - deletion: the event first (access ends at once), then the blobs.
 *
 * A share under a timer (issue 20) ends access at its time: reads and
 * commands check the time themselves (the decider's holdersAt), so access
 * ends exactly then; the sweep (expireDue) records it afterwards, then
 * deletes the blobs of a file nobody holds any more.
 */
import { randomBytes } from 'node:crypto';
import { MAX_FILE_CHUNK_BYTES, MAX_FILE_HEADER_BYTES, MAX_FILE_RECIPIENTS, fileEvents, fileStreamName } from '@peerlock/schema';
import { ACCESS_ENDS_PREFIX, fileDocumentId, filesProjection, heldPrefix, type AccessEnd, type FileRecord, type HeldFile, type OpenUpload, type ReadModelStore } from '@peerlock/projections';
import { decodeHeader } from '@peerlock/sdk';
import { PeerlockError, badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import type { ReadYourWrites } from '../storage/read-your-writes.js';
import type { ContactCommands, RequestContext } from '../contacts/contact-commands.js';
import { canonicalUsername } from '../accounts/username.js';
import { BlobTooLargeError, type BlobBody, type BlobStore } from '../blobstore/blob-store.js';
import type { FilesConfig } from '../config.js';
import { fileDecider, heldFile, holdersAt, maxChunkBytes, type FileCommand, type FileDomainEvent, type FilesState, type OwnedFile } from './file-decider.js';
import { chunkIndexOf, chunkKey, chunksPrefix, filePrefix, headerKey } from './file-blobs.js';

const FILE_ID = /^[A-Za-z0-9_-]{22}$/;

export function fileIdArg(value: unknown): string {
  if (typeof value !== 'string' || !FILE_ID.test(value)) throw badInput('fileId');
  return value;
}

export interface StartedUpload {
  readonly fileId: string;
  readonly chunkCount: number;
  readonly ciphertextBytes: number;
  readonly maxChunkBytes: number;
  readonly expiresAt: string;
}

export class FileCommands {
  private readonly owners: StreamAggregate<FileCommand, FileDomainEvent, FilesState>;

  constructor(
    store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly blobs: BlobStore,
    private readonly contacts: ContactCommands,
    private readonly sync: ReadYourWrites,
    private readonly config: FilesConfig,
  ) {
    this.owners = new StreamAggregate(store, fileEvents, fileDecider, { cacheSize: 5000 });
  }

  async start(input: { chunkCount: unknown; ciphertextBytes: unknown }, context: RequestContext): Promise<StartedUpload> {
    const chunkCount = intArg(input.chunkCount, 'chunkCount');
    const ciphertextBytes = intArg(input.ciphertextBytes, 'ciphertextBytes');
    const fileId = randomBytes(16).toString('base64url');
    const result = await this.execute(context.actor, context, () => ({
      type: 'StartUpload',
      actor: context.actor,
      fileId,
      chunkCount,
      ciphertextBytes,
      quotaBytes: this.config.quotaBytes,
      now: context.now,
      timeoutMs: this.config.uploadTimeoutSeconds * 1000,
    }));
    const file = result.get(fileId)!;
    return { fileId, chunkCount, ciphertextBytes, maxChunkBytes: MAX_FILE_CHUNK_BYTES, expiresAt: new Date(file.expiresAt).toISOString() };
  }

  /**
   * Streams one chunk into the blob store. A chunk may be sent again (a
   * resumed upload does); the replacement is atomic. Each chunk is held to
   * its size in the layout (file-decider.ts), so the stored total can pass
   * the reservation by one chunk at most, and finalize checks it exactly.
   */
  async putChunk(viewer: string, fileIdInput: unknown, index: number, body: BlobBody, now: number): Promise<void> {
    const fileId = fileIdArg(fileIdInput);
    const file = await this.uploadOf(viewer, fileId, now);
    if (!Number.isInteger(index) || index < 0 || index >= file.chunkCount) throw badInput('index');
    try {
      await this.blobs.put(chunkKey(fileId, index), body, { maxBytes: maxChunkBytes(index) });
    } catch (err) {
      if (err instanceof BlobTooLargeError) throw badInput('chunk');
      throw err;
    }
  }

  async receivedChunks(viewer: string, fileIdInput: unknown, now: number): Promise<{ chunkCount: number; received: { index: number; bytes: number }[] }> {
    const fileId = fileIdArg(fileIdInput);
    const file = await this.uploadOf(viewer, fileId, now);
    const received = (await this.blobs.list(chunksPrefix(fileId))).map((c) => ({ index: chunkIndexOf(c.key), bytes: c.size }));
    return { chunkCount: file.chunkCount, received };
  }

  async finalize(input: { fileId: unknown; header: unknown }, context: RequestContext): Promise<FileRecord> {
    const fileId = fileIdArg(input.fileId);
    const header = headerArg(input.header);
    const owner = await this.ownerOf(fileId);
    if (owner !== context.actor) throw new PeerlockError('FORBIDDEN');
    const storedChunks = new Map((await this.blobs.list(chunksPrefix(fileId))).map((c) => [chunkIndexOf(c.key), c.size] as const));
    const { state } = await this.owners.load(fileStreamName(owner));
    if (state.files.get(fileId)?.status === 'uploading') await this.blobs.put(headerKey(fileId, owner), once(header), { maxBytes: MAX_FILE_HEADER_BYTES });
    await this.execute(owner, context, () => ({ type: 'FinalizeUpload', actor: context.actor, fileId, headerBytes: header.length, storedChunks, now: context.now }));
    return this.record(fileId);
  }

  /**
   * `expiresInSeconds` (one of the message timers; absent or 0: no end): the
   * recipients' access ends then, unless they save the file.
   * `destroyWithShare` (owner only, with a timer): the owner's too.
   */
  async share(
    input: { fileId: unknown; recipients: unknown; header: unknown; expiresInSeconds?: unknown; destroyWithShare?: unknown },
    context: RequestContext,
  ): Promise<FileRecord> {
    const fileId = fileIdArg(input.fileId);
    const header = headerArg(input.header);
    const recipients = recipientsArg(input.recipients, context.actor);
    const expiresInSeconds = input.expiresInSeconds === undefined || input.expiresInSeconds === null ? 0 : intArg(input.expiresInSeconds, 'expiresInSeconds');
    const destroyWithShare = input.destroyWithShare === undefined || input.destroyWithShare === null ? false : boolArg(input.destroyWithShare, 'destroyWithShare');
    const owner = await this.ownerOf(fileId);
    const { state } = await this.owners.load(fileStreamName(owner));
    const timer = { expiresInSeconds, destroyWithShare };
    // Check before writing headers: a refused share must not overwrite a holder's header.
    fileDecider.decide({ type: 'ShareFile', actor: context.actor, fileId, recipients, headerBytes: header.length, contacts: recipients, now: context.now, ...timer }, state);
    const { contacts } = await this.contacts.relationsOf(context.actor, recipients);
    if (recipients.some((r) => !contacts.includes(r))) throw new PeerlockError('FORBIDDEN');
    // Only for those who hold nothing (any more): a holder's header is never replaced (the decider drops them too).
    const file = state.files.get(fileId);
    const holders = file ? holdersAt(file, context.now) : [];
    for (const r of recipients) if (!holders.includes(r)) await this.blobs.put(headerKey(fileId, r), once(header), { maxBytes: MAX_FILE_HEADER_BYTES });
    await this.execute(owner, context, () => ({ type: 'ShareFile', actor: context.actor, fileId, recipients, headerBytes: header.length, contacts, now: context.now, ...timer }));
    return this.visible(await this.record(fileId), context.now);
  }

  /** A holder keeps the file past every share's timer that would end their access. Saving again changes nothing. */
  async save(fileIdInput: unknown, context: RequestContext): Promise<FileRecord> {
    const fileId = fileIdArg(fileIdInput);
    const owner = await this.ownerOf(fileId);
    await this.execute(owner, context, () => ({ type: 'SaveFile', actor: context.actor, fileId, now: context.now }));
    return this.visible(await this.record(fileId), context.now);
  }

  async remove(fileIdInput: unknown, context: RequestContext): Promise<{ deleted: boolean }> {
    const fileId = fileIdArg(fileIdInput);
    const owner = await this.ownerOf(fileId);
    const after = await this.execute(owner, context, () => ({ type: 'RemoveAccess', actor: context.actor, fileId, now: context.now }));
    const deleted = !after.has(fileId);
    // Their header blob stays until the file goes: without an event granting access it is unreachable.
    if (deleted) await this.blobs.deletePrefix(filePrefix(fileId));
    return { deleted };
  }

  async destroy(fileIdInput: unknown, context: RequestContext): Promise<{ deleted: boolean }> {
    const fileId = fileIdArg(fileIdInput);
    const owner = await this.ownerOf(fileId);
    await this.execute(owner, context, () => ({ type: 'DestroyFile', actor: context.actor, fileId }));
    await this.blobs.deletePrefix(filePrefix(fileId));
    return { deleted: true };
  }

  /**
   * The viewer's `.minilock` file: their header, then every chunk in order.
   * `buffer`: read every blob through it (BlobStore.get), so each piece must
   * be written out before the next is pulled.
   */
  async download(viewer: string, fileIdInput: unknown, now: number, options: { readonly buffer?: Uint8Array } = {}): Promise<{ size: number; body: BlobBody }> {
    const fileId = fileIdArg(fileIdInput);
    const owner = await this.ownerOf(fileId);
    const { state } = await this.owners.load(fileStreamName(owner));
    const found = state.files.get(fileId);
    if (!found) throw new PeerlockError('NOT_FOUND');
    if (found.status !== 'ready') throw new PeerlockError('FORBIDDEN');
    // Access a share's timer ended is over now, whether or not the sweep recorded it yet.
    const file = heldFile(state, fileId, viewer, now);
    const header = await this.blobs.get(headerKey(fileId, viewer), options);
    if (!header) throw new PeerlockError('NOT_FOUND');
    return { size: header.size + file.ciphertextBytes, body: this.minilockBody(fileId, file, header.body, options) };
  }

  /**
   * A `.minilock` file's bytes: `header` (a holder's, or a link's), then the
   * file's chunks in order, each read through `options.buffer` when given.
   */
  async *minilockBody(fileId: string, file: OwnedFile, header: BlobBody, options: { readonly buffer?: Uint8Array } = {}): BlobBody {
    yield* header;
    for (let i = 0; i < file.chunkCount; i++) {
      const chunk = await this.blobs.get(chunkKey(fileId, i), options);
      // Deleted under us (destroyed mid-download): end the response short; the SDK reports truncation.
      if (!chunk) throw new Error('chunk vanished');
      yield* chunk.body;
    }
  }

  /**
   * The file and its owner when `username` holds it at `now` (ready, and no
   * share's timer ended their access, swept or not); null otherwise. Links
   * ask it whether their creator still holds the file.
   */
  async heldBy(username: string, fileId: string, now: number): Promise<{ owner: string; file: OwnedFile } | null> {
    const record = await this.readModels.get<FileRecord>(filesProjection.name, fileDocumentId(fileId));
    if (!record) return null;
    const file = (await this.owners.load(fileStreamName(record.owner))).state.files.get(fileId);
    if (!file || file.status !== 'ready' || !holdersAt(file, now).includes(username)) return null;
    return { owner: record.owner, file };
  }

  async quota(viewer: string): Promise<{ usedBytes: number; limitBytes: number }> {
    const { state } = await this.owners.load(fileStreamName(viewer));
    return { usedBytes: state.usedBytes, limitBytes: this.config.quotaBytes };
  }

  async record(fileId: string): Promise<FileRecord> {
    const doc = await this.readModels.get<FileRecord>(filesProjection.name, fileDocumentId(fileId));
    if (!doc) throw new PeerlockError('NOT_FOUND');
    return doc;
  }

  /**
   * A holder's files, newest access first. A file whose access ended for
   * the viewer (a share's timer) is left out before the sweep removed it; the
   * page may then hold fewer than `size`.
   */
  async list(viewer: string, size: number, after: string | null, now: number): Promise<{ edges: { cursor: string; node: FileRecord }[]; hasNextPage: boolean }> {
    const rows = await this.readModels.range<HeldFile>(filesProjection.name, { prefix: heldPrefix(viewer), ...(after ? { after: `${heldPrefix(viewer)}${after}` } : {}), limit: size + 1 });
    const edges: { cursor: string; node: FileRecord }[] = [];
    for (const row of rows.slice(0, size)) {
      const node = await this.readModels.get<FileRecord>(filesProjection.name, fileDocumentId(row.doc.fileId));
      if (node && !endedFor(node, viewer, now)) edges.push({ cursor: row.id.slice(heldPrefix(viewer).length), node: this.visible(node, now) });
    }
    return { edges, hasNextPage: rows.length > size };
  }

  /** Uploads past their deadline dropped, and access ended by share timers (see expireAccess): how many of each. */
  async expireDue(now: number): Promise<number> {
    return (await this.expireUploads(now)) + (await this.expireAccess(now));
  }

  /**
   * Ends the access share timers ended, in order of time: the events first
   * (FileAccessRemoved per holder, FileDeleted when nobody is left), then the
   * blobs of a deleted file. Every node runs it; the decider makes a second
   * run a no-op, and a crash between the events and the blobs leaves an
   * orphan the start-up sweep deletes. Returns how many holders lost access.
   */
  async expireAccess(now: number): Promise<number> {
    let ended = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.readModels.range<AccessEnd>(filesProjection.name, { prefix: ACCESS_ENDS_PREFIX, ...(after ? { after } : {}), limit: 500 });
      for (const { id, doc } of page) {
        if (Date.parse(doc.at) > now) return ended;
        after = id;
        const result = await this.owners.execute(fileStreamName(doc.owner), () => ({ type: 'ExpireAccess', fileId: doc.fileId, now }), { actor: null, correlationId: 'share-expiry', now });
        if (result.position !== null) await this.sync.upTo(result.position);
        ended += result.events.filter((e) => e.type === 'FileAccessRemoved').length;
        if (!result.after.files.has(doc.fileId)) await this.blobs.deletePrefix(filePrefix(doc.fileId));
      }
      if (page.length < 500) return ended;
    }
  }

  /** Drops uploads past their deadline: event first, then the chunks. */
  async expireUploads(now: number): Promise<number> {
    const open = await this.readModels.range<OpenUpload>(filesProjection.name, { prefix: 'uploading/', limit: 10_000 });
    let expired = 0;
    for (const { doc } of open) {
      if (Date.parse(doc.expiresAt) > now) continue;
      const after = await this.execute(doc.owner, { actor: doc.owner, correlationId: 'upload-expiry', now }, () => ({ type: 'ExpireUpload', fileId: doc.fileId, now }));
      if (!after.has(doc.fileId)) {
        await this.blobs.deletePrefix(filePrefix(doc.fileId));
        expired++;
      }
    }
    return expired;
  }

  /** At start, after the read models caught up: blobs of files the log no longer knows are leftovers of a crash between event and deletion. */
  async sweepOrphans(): Promise<number> {
    const ids = new Set((await this.blobs.list('files/')).map((b) => b.key.split('/')[1]!));
    let swept = 0;
    for (const fileId of ids) {
      const doc = await this.readModels.get<FileRecord>(filesProjection.name, fileDocumentId(fileId));
      if (doc) continue;
      await this.blobs.deletePrefix(filePrefix(fileId));
      swept++;
    }
    return swept;
  }

  /** The record as `now` sees it: holders whose access ended are gone (the owner's `sharedWith` lists them no more). */
  private visible(record: FileRecord, now: number): FileRecord {
    const ends = record.accessEnds;
    if (!ends || !Object.keys(record.holders).some((h) => endedFor(record, h, now))) return record;
    return { ...record, holders: Object.fromEntries(Object.entries(record.holders).filter(([h]) => !endedFor(record, h, now))) };
  }

  private async uploadOf(viewer: string, fileId: string, now: number): Promise<OwnedFile> {
    const owner = await this.ownerOf(fileId);
    if (owner !== viewer) throw new PeerlockError('FORBIDDEN');
    const file = (await this.owners.load(fileStreamName(owner))).state.files.get(fileId);
    if (!file || file.status !== 'uploading' || now >= file.expiresAt) throw new PeerlockError('NOT_FOUND');
    return file;
  }

  private async ownerOf(fileId: string): Promise<string> {
    const doc = await this.readModels.get<FileRecord>(filesProjection.name, fileDocumentId(fileId));
    if (!doc) throw new PeerlockError('NOT_FOUND');
    return doc.owner;
  }

  private async execute(owner: string, context: RequestContext, build: (state: FilesState) => FileCommand): Promise<ReadonlyMap<string, OwnedFile>> {
    const result = await this.owners.execute(fileStreamName(owner), build, context);
    if (result.position !== null) await this.sync.upTo(result.position);
    return result.after.files;
  }
}

async function* once(bytes: Uint8Array): BlobBody {
  yield bytes;
}

/** Whether a share's timer ended `username`'s access by `now`, as the read model knows it. */
function endedFor(record: FileRecord, username: string, now: number): boolean {
  const ends = record.accessEnds;
  // Own properties only: a username may be any key, `__proto__` included.
  return ends !== undefined && Object.hasOwn(ends, username) && Date.parse(ends[username]!) <= now;
}

function boolArg(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw badInput(field);
  return value;
}

function intArg(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw badInput(field);
  return value;
}

/** A miniLock header as base64, checked for structure only (magic, length, JSON shape): whom it opens for, the server cannot tell. Shares and links alike. */
export function headerArg(value: unknown): Uint8Array {
  if (typeof value !== 'string' || value.length > Math.ceil(MAX_FILE_HEADER_BYTES / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw badInput('header');
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (bytes.length === 0 || bytes.length > MAX_FILE_HEADER_BYTES) throw badInput('header');
  try {
    decodeHeader(bytes);
  } catch {
    throw badInput('header');
  }
  return bytes;
}

function recipientsArg(value: unknown, actor: string): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_FILE_RECIPIENTS) throw badInput('recipients');
  const list = [...new Set(value.map((v) => canonicalUsername(v, 'recipients')))].sort();
  if (list.includes(actor)) throw badInput('recipients');
  return list;
}
