/**
 * Secure links (issue 21; docs/links.md): the shell around the per-link
 * decider. Order of effects, as for files (file-commands.ts):
 * - creation: the link's header to the blob store first, then the event (a
 *   header no event refers to is unreachable, and goes with the file);
 * - revocation: the event first (opens and downloads stop at once), then
 *   the link's header, then, for destroyFileWithLink, the file; a crash
 *   between leaves the file due, and the sweep destroys it;
 * - the sweep: the file first, then LinkFileDestroyed (a crash between: the
 *   next sweep finds the file gone and records it).
 *
 * The server holds no key material of a link: the log has the SHA-256 of
 * the access value, the blob store a header only the link's key opens.
 */
import { createHash } from 'node:crypto';
import { LINK_GRANT_SECONDS, MAX_FILE_HEADER_BYTES, linkEvents, linkStreamName, type LinkState } from '@peerlock/schema';
import { LINK_FILE_DUE_PREFIX, linksProjection, ownedLinksPrefix, type LinkFileDue, type LinkRecord, type ReadModelStore } from '@peerlock/projections';
// The limits a link may have: one home, the SDK's, which clients offer and the server checks (as TIMER_SECONDS).
import { DEFAULT_LINK_SECONDS, MAX_LINK_OPENS, MAX_LINK_SECONDS, MIN_LINK_SECONDS } from '@peerlock/sdk';
import { PeerlockError, badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import type { ReadYourWrites } from '../storage/read-your-writes.js';
import type { RequestContext } from '../contacts/contact-commands.js';
import type { BlobBody, BlobStore } from '../blobstore/blob-store.js';
import type { StateSealer } from '../auth/sealed-state.js';
import type { RateLimiter } from '../ratelimit/rate-limiter.js';
import { headerArg, type FileCommands } from '../files/file-commands.js';
import { MAX_LINKS_PER_WINDOW, linkDecider, linkStatusAt, type LinkAggregateState, type LinkCommand, type LinkDomainEvent, type LinkKindName, type LinkSettings, type LinkStatusName } from './link-decider.js';

const LINK_ID = /^[A-Za-z0-9_-]{22}$/;
const FILE_ID = /^[A-Za-z0-9_-]{22}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const GRANT_MS = LINK_GRANT_SECONDS * 1000;
/** The owner's list: newest first, this many at most. */
export const MAX_LISTED_LINKS = 500;

/** The link's header, under the file's prefix: it goes when the file goes (file-blobs.ts filePrefix). */
export const linkPrefix = (fileId: string, linkId: string): string => `files/${fileId}/links/${linkId}/`;
export const linkHeaderKey = (fileId: string, linkId: string): string => `${linkPrefix(fileId, linkId)}header`;

export interface LinkOpening {
  readonly grant: string;
  readonly grantExpiresAt: string;
  readonly kind: LinkKindName;
  readonly owner: string;
  readonly fileBytes: number;
  readonly openCount: number;
  readonly maxOpens: number | null;
  readonly expiresAt: string;
}

export interface LinkInfo {
  readonly kind: LinkKindName;
  readonly passphrase: boolean;
  readonly expiresAt: string;
  readonly status: LinkStatusName;
}

export interface CreateLinkArgs {
  readonly linkId: unknown;
  readonly fileId: unknown;
  readonly kind: unknown;
  readonly header: unknown;
  readonly accessHash: unknown;
  readonly expiresInSeconds?: unknown;
  readonly maxOpens?: unknown;
  readonly passphrase: unknown;
  readonly destroyFileWithLink?: unknown;
}

export class LinkCommands {
  private readonly links: StreamAggregate<LinkCommand, LinkDomainEvent, LinkAggregateState>;

  constructor(
    store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly blobs: BlobStore,
    private readonly files: FileCommands,
    private readonly sealer: StateSealer,
    private readonly rateLimiter: RateLimiter,
    private readonly sync: ReadYourWrites,
  ) {
    this.links = new StreamAggregate(store, linkEvents, linkDecider, { cacheSize: 5000, lastEventIsState: true });
  }

  async create(input: CreateLinkArgs, context: RequestContext): Promise<LinkState> {
    const header = headerArg(input.header);
    const settings = settingsArg(input, header.length);
    const streamName = linkStreamName(settings.linkId);
    const existing = (await this.links.load(streamName)).state;
    const held = await this.files.heldBy(context.actor, settings.fileId, context.now);
    const recentLinks = existing === null ? await this.recentLinks(context.actor, context.now) : 0;
    const sameHeader = existing === null ? null : await this.storedHeaderEquals(existing, header);
    // Only for a new link: a retry (or a conflicting reuse of the id) must not replace the header the link was made with.
    if (existing === null && held !== null) await this.blobs.put(linkHeaderKey(settings.fileId, settings.linkId), once(header), { maxBytes: MAX_FILE_HEADER_BYTES });
    const result = await this.links.execute(
      streamName,
      () => ({ type: 'CreateLink', actor: context.actor, settings, actorHoldsFile: held !== null, actorOwnsFile: held?.owner === context.actor, sameHeader, recentLinks, now: context.now }),
      context,
    );
    if (result.position !== null) await this.sync.upTo(result.position);
    return result.after!;
  }

  async revoke(linkIdInput: unknown, context: RequestContext): Promise<LinkState> {
    const linkId = linkIdArg(linkIdInput);
    const result = await this.links.execute(linkStreamName(linkId), () => ({ type: 'RevokeLink', actor: context.actor, now: context.now }), context);
    if (result.position !== null) await this.sync.upTo(result.position);
    const link = result.after!;
    // Nobody can use it any more: its header is of no use to anyone.
    await this.blobs.deletePrefix(linkPrefix(link.fileId, link.linkId));
    return (await this.settle(link, context.now)) ?? link;
  }

  /**
   * One open, anonymous. The checks, in the decider's order: unknown,
   * wrong access value (counted per address: RATE_LIMITED beyond the limit,
   * and then even a right value is refused until the window ends), revoked,
   * expired, used up, the file no longer held by the link's creator.
   */
  async open(linkIdInput: unknown, accessInput: unknown, address: string, now: number): Promise<LinkOpening> {
    const linkId = linkIdArg(linkIdInput);
    const access = bytesArg(accessInput, 'access', 32);
    const presentedHash = new Uint8Array(createHash('sha256').update(access).digest());
    await this.rateLimiter.refuseIfExhausted('linkAccess', address, now);
    const streamName = linkStreamName(linkId);
    const known = (await this.links.load(streamName)).state;
    const held = known === null ? null : await this.files.heldBy(known.owner, known.fileId, now);
    let result;
    try {
      result = await this.links.execute(streamName, () => ({ type: 'OpenLink', presentedHash, creatorHoldsFile: held !== null, now }), { actor: null, correlationId: 'link-open', now });
    } catch (err) {
      if (err instanceof PeerlockError && err.code === 'FORBIDDEN') await this.rateLimiter.check('linkAccess', address, null, now);
      throw err;
    }
    const link = result.after!;
    const grantExpiresAt = now + GRANT_MS;
    return {
      grant: this.sealer.seal('link-grant', { linkId }, grantExpiresAt),
      grantExpiresAt: new Date(grantExpiresAt).toISOString(),
      kind: link.kind,
      owner: link.owner,
      fileBytes: link.headerBytes + held!.file.ciphertextBytes,
      openCount: link.openCount,
      maxOpens: link.maxOpens,
      expiresAt: link.expiresAt,
    };
  }

  /** Spends nothing and needs no access value: what the open page shows before asking for a passphrase. */
  async info(linkIdInput: unknown, now: number): Promise<LinkInfo> {
    const linkId = linkIdArg(linkIdInput);
    const link = (await this.links.load(linkStreamName(linkId))).state;
    if (link === null) throw new PeerlockError('NOT_FOUND');
    return { kind: link.kind, passphrase: link.passphrase, expiresAt: link.expiresAt, status: linkStatusAt(link, now) };
  }

  /** The viewer's links, newest first, at most MAX_LISTED_LINKS. */
  async list(viewer: string): Promise<LinkRecord[]> {
    const rows = await this.readModels.range<LinkRecord>(linksProjection.name, { prefix: ownedLinksPrefix(viewer), limit: MAX_LISTED_LINKS });
    return rows.map((r) => r.doc);
  }

  /**
   * The link's `.minilock` file for a grant from openLink: the link's
   * header, then the file's chunks. The grant is checked first (sealed by
   * us, for this link, not past its 15 minutes: TOKEN_INVALID otherwise),
   * then the link as it is now: a revoke stops downloads at once; an expiry
   * or the last open allowed does not (the grant was handed out before).
   */
  async download(linkIdInput: unknown, grant: string, now: number, options: { readonly buffer?: Uint8Array } = {}): Promise<{ size: number; body: BlobBody }> {
    const linkId = linkIdArg(linkIdInput);
    let payload: Record<string, unknown>;
    try {
      payload = this.sealer.open('link-grant', grant, now, 'grant');
    } catch {
      throw new PeerlockError('TOKEN_INVALID');
    }
    if (payload.linkId !== linkId) throw new PeerlockError('TOKEN_INVALID');
    const link = (await this.links.load(linkStreamName(linkId))).state;
    if (link === null) throw new PeerlockError('NOT_FOUND');
    if (link.revokedAt !== null) throw new PeerlockError('LINK_REVOKED');
    const held = await this.files.heldBy(link.owner, link.fileId, now);
    if (held === null) throw new PeerlockError('NOT_FOUND', { field: 'file' });
    const header = await this.blobs.get(linkHeaderKey(link.fileId, linkId), options);
    if (!header) throw new PeerlockError('NOT_FOUND', { field: 'file' });
    return { size: header.size + held.file.ciphertextBytes, body: this.files.minilockBody(link.fileId, held.file, header.body, options) };
  }

  /**
   * Destroys the files of destroyFileWithLink links that ended (see
   * linkFileDueAt), in order of time. Every node runs it: destroying a file
   * already gone and recording it twice are no-ops. Returns how many links'
   * files it settled.
   */
  async sweep(now: number): Promise<number> {
    let settled = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.readModels.range<LinkFileDue>(linksProjection.name, { prefix: LINK_FILE_DUE_PREFIX, ...(after ? { after } : {}), limit: 500 });
      for (const { id, doc } of page) {
        if (Date.parse(doc.at) > now) return settled;
        after = id;
        const link = (await this.links.load(linkStreamName(doc.linkId))).state;
        if (link && (await this.settle(link, now))) settled++;
      }
      if (page.length < 500) return settled;
    }
  }

  /** For a destroyFileWithLink link that ended: the file destroyed, then recorded; null when not due (or done already). */
  private async settle(link: LinkState, now: number): Promise<LinkState | null> {
    const probe = linkDecider.decide({ type: 'RecordFileDestroyed', now }, link);
    if (probe.length === 0) return null;
    const context = { actor: link.owner, correlationId: 'link-end', now };
    try {
      await this.files.destroy(link.fileId, context);
    } catch (err) {
      // Gone already (its owner destroyed it, or an earlier sweep did before it could record it).
      if (!(err instanceof PeerlockError && err.code === 'NOT_FOUND')) throw err;
    }
    const result = await this.links.execute(linkStreamName(link.linkId), () => ({ type: 'RecordFileDestroyed', now }), context);
    if (result.position !== null) await this.sync.upTo(result.position);
    return result.after;
  }

  /** Whether the link's stored header is `header`; null when none is stored any more (revoked, or the file gone). */
  private async storedHeaderEquals(link: LinkState, header: Uint8Array): Promise<boolean | null> {
    const stored = await this.blobs.get(linkHeaderKey(link.fileId, link.linkId));
    if (!stored) return null;
    const parts: Uint8Array[] = [];
    for await (const part of stored.body) parts.push(part);
    return Buffer.concat(parts).equals(header);
  }

  /** Links `owner` created in the last MAX_LINK_SECONDS: the read model's newest MAX_LINKS_PER_WINDOW, no more read. */
  private async recentLinks(owner: string, now: number): Promise<number> {
    const rows = await this.readModels.range<LinkRecord>(linksProjection.name, { prefix: ownedLinksPrefix(owner), limit: MAX_LINKS_PER_WINDOW });
    return rows.filter((r) => Date.parse(r.doc.createdAt) > now - MAX_LINK_SECONDS * 1000).length;
  }



  /** For tests and the docs' "no key material" scan: the link as the log has it. */
  async load(linkId: string): Promise<LinkState | null> {
    return (await this.links.load(linkStreamName(linkIdArg(linkId)))).state;
  }
}

async function* once(bytes: Uint8Array): BlobBody {
  yield bytes;
}

export function linkIdArg(value: unknown): string {
  if (typeof value !== 'string' || !LINK_ID.test(value)) throw badInput('linkId');
  return value;
}

function bytesArg(value: unknown, field: string, length: number): Uint8Array {
  if (typeof value !== 'string' || value.length > 64 || !BASE64.test(value)) throw badInput(field);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== length || bytes.toString('base64') !== value) throw badInput(field);
  return new Uint8Array(bytes);
}

function optionalInt(value: unknown, field: string, min: number, max: number, fallback: number | null): number | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw badInput(field);
  return value;
}

function settingsArg(input: CreateLinkArgs, headerBytes: number): LinkSettings {
  const linkId = linkIdArg(input.linkId);
  if (typeof input.fileId !== 'string' || !FILE_ID.test(input.fileId)) throw badInput('fileId');
  if (input.kind !== 'FILE' && input.kind !== 'MESSAGE') throw badInput('kind');
  const accessHash = Buffer.from(bytesArg(input.accessHash, 'accessHash', 32)).toString('base64');
  if (typeof input.passphrase !== 'boolean') throw badInput('passphrase');
  const destroy = input.destroyFileWithLink ?? false;
  if (typeof destroy !== 'boolean') throw badInput('destroyFileWithLink');
  return {
    linkId,
    fileId: input.fileId,
    kind: input.kind,
    headerBytes,
    accessHash,
    expiresInSeconds: optionalInt(input.expiresInSeconds, 'expiresInSeconds', MIN_LINK_SECONDS, MAX_LINK_SECONDS, DEFAULT_LINK_SECONDS)!,
    maxOpens: optionalInt(input.maxOpens, 'maxOpens', 1, MAX_LINK_OPENS, null),
    passphrase: input.passphrase,
    destroyFileWithLink: destroy,
  };
}

