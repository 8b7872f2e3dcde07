/**
 * Links for people without an account, the owner's side (issue 21;
 * docs/links.md). A link re-wraps a file's header to a throwaway miniLock
 * identity whose secret goes only into the URL's fragment
 * (links/link-secret.ts); the server gets the header, the hash of the
 * access value, and the owner's settings, nothing that opens the file.
 *
 * What it acts on: a file's key only from the sealed file index (the served
 * header must match the index entry, as for any re-share: T11), or the
 * fileInfo of an upload made here (a message link). Counts and statuses in
 * `list` are the server's word (it can lie about how often a link was
 * opened; it cannot open it).
 */
import { rewrapHeader } from '../minilock/index.js';
import type { FileInfo } from '../minilock/index.js';
import { bytesToBase64, wipe } from '../crypto/bytes.js';
import { accessHashOf, deriveLinkKeys, linkUrl, newLinkSecret } from '../links/link-secret.js';
import { encodeLinkMessage, MESSAGE_FILE_NAME, MAX_LINK_SUBJECT_CHARS } from '../links/link-message.js';
import type { LinkStatus } from '../links/open-link.js';
import { CreateLinkDocument, LinksDocument, RevokeLinkDocument, type LinkFieldsFragment, type LinkKind } from './generated/graphql.js';
import type { PeerlockClient } from './peerlock-client.js';

/** Seven days, the default the issue asks for. */
export const DEFAULT_LINK_SECONDS = 7 * 24 * 3600;
export const MIN_LINK_SECONDS = 300;
export const MAX_LINK_SECONDS = 30 * 24 * 3600;
export const MAX_LINK_OPENS = 100_000;

export interface LinkOptions {
  /** How long the link opens (default 7 days; 5 minutes to 30 days). */
  readonly expiresInSeconds?: number;
  /** How many opens it allows; null or absent: no limit. */
  readonly maxOpens?: number | null;
  /** Asked of whoever opens it, besides the URL: send it through another channel. */
  readonly passphrase?: string;
  /** Where the web client is served; default: the server's origin. */
  readonly webBase?: string;
}

export interface LinkRecord {
  readonly id: string;
  readonly kind: 'file' | 'message';
  readonly fileId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly maxOpens: number | null;
  readonly openCount: number;
  readonly passphrase: boolean;
  readonly revokedAt: Date | null;
  readonly status: LinkStatus;
  readonly lastOpenedAt: Date | null;
}

export interface CreatedLink {
  /** Holds the link's secret after '#': whoever has it (and the passphrase) opens the link. */
  readonly url: string;
  readonly link: LinkRecord;
}

export class LinkOptionsError extends RangeError {
  override readonly name = 'LinkOptionsError';
  constructor(readonly field: 'expiresInSeconds' | 'maxOpens' | 'passphrase' | 'text' | 'subject', message: string) {
    super(`${field}: ${message}`);
  }
}

function recordOf(link: LinkFieldsFragment): LinkRecord {
  return {
    id: link.id,
    kind: link.kind === 'MESSAGE' ? 'message' : 'file',
    fileId: link.fileId,
    createdAt: new Date(link.createdAt),
    expiresAt: new Date(link.expiresAt),
    maxOpens: link.maxOpens ?? null,
    openCount: link.openCount,
    passphrase: link.passphrase,
    revokedAt: link.revokedAt ? new Date(link.revokedAt) : null,
    status: link.status.toLowerCase() as LinkStatus,
    lastOpenedAt: link.lastOpenedAt ? new Date(link.lastOpenedAt) : null,
  };
}

function checkOptions(options: LinkOptions): { expiresInSeconds: number; maxOpens: number | null; passphrase: string | null } {
  const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_LINK_SECONDS;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < MIN_LINK_SECONDS || expiresInSeconds > MAX_LINK_SECONDS) {
    throw new LinkOptionsError('expiresInSeconds', `${MIN_LINK_SECONDS} to ${MAX_LINK_SECONDS} seconds (5 minutes to 30 days)`);
  }
  const maxOpens = options.maxOpens ?? null;
  if (maxOpens !== null && (!Number.isInteger(maxOpens) || maxOpens < 1 || maxOpens > MAX_LINK_OPENS)) throw new LinkOptionsError('maxOpens', `1 to ${MAX_LINK_OPENS}, or none`);
  const passphrase = options.passphrase === undefined || options.passphrase === '' ? null : options.passphrase;
  if (passphrase !== null && (typeof passphrase !== 'string' || passphrase.length > 1024)) throw new LinkOptionsError('passphrase', 'at most 1024 characters');
  return { expiresInSeconds, maxOpens, passphrase };
}

export class Links {
  constructor(private readonly client: PeerlockClient) {}

  /** A link to a file in your sealed index (yours, or shared with you): its header re-wrapped to the link's key. */
  async shareFile(fileId: string, options: LinkOptions = {}): Promise<CreatedLink> {
    const checked = checkOptions(options);
    const fileInfo = await this.client.files.indexedFileInfo(fileId);
    return this.create(fileId, fileInfo, 'FILE', checked, options.webBase, false);
  }

  /**
   * A link to a message: the text goes up as a small file of yours (counted
   * in your quota) that the server destroys when the link ends (revoked,
   * expired, or opened its last time).
   */
  async shareMessage(message: { text: string; subject?: string }, options: LinkOptions = {}): Promise<CreatedLink> {
    const checked = checkOptions(options);
    const subject = message.subject?.trim() ? message.subject.trim() : null;
    if (subject !== null && subject.length > MAX_LINK_SUBJECT_CHARS) throw new LinkOptionsError('subject', `at most ${MAX_LINK_SUBJECT_CHARS} characters`);
    if (typeof message.text !== 'string' || message.text.trim() === '') throw new LinkOptionsError('text', 'empty');
    let bytes: Uint8Array;
    try {
      bytes = encodeLinkMessage({ from: this.client.username, subject, text: message.text, sentAt: new Date() });
    } catch (error) {
      throw new LinkOptionsError('text', (error as Error).message);
    }
    const uploaded = await this.client.files.upload({ source: [bytes], size: bytes.length, name: MESSAGE_FILE_NAME });
    try {
      return await this.create(uploaded.fileId, uploaded.fileInfo, 'MESSAGE', checked, options.webBase, true);
    } catch (error) {
      // No link: the message's file has no reason to stay.
      await this.client.files.remove(uploaded.fileId, { destroy: true }).catch(() => {});
      throw error;
    }
  }

  /** Your links, newest first (the server's word on counts and status). */
  async list(): Promise<LinkRecord[]> {
    return (await this.client.call(LinksDocument, {}, true)).links.map(recordOf);
  }

  /**
   * Ends the link at once: the next open, and any download under way, is
   * refused. A message link's file goes with it (the server destroys it), so
   * it leaves the sealed file index too.
   */
  async revoke(linkId: string): Promise<LinkRecord> {
    const link = recordOf((await this.client.call(RevokeLinkDocument, { linkId }, true)).revokeLink);
    if (link.kind === 'message') await this.client.fileIndex().remove(link.fileId);
    return link;
  }

  private async create(
    fileId: string,
    fileInfo: FileInfo,
    kind: LinkKind,
    options: { expiresInSeconds: number; maxOpens: number | null; passphrase: string | null },
    webBase: string | undefined,
    destroyFileWithLink: boolean,
  ): Promise<CreatedLink> {
    const secret = newLinkSecret(options.passphrase !== null);
    const keys = await deriveLinkKeys(secret, options.passphrase ?? undefined);
    try {
      // Sender: our identity key, so the opener sees (verified) who made it.
      const header = rewrapHeader(fileInfo, this.client.secretKey(), [keys.miniLockId]);
      const { createLink } = await this.client.call(
        CreateLinkDocument,
        {
          input: {
            linkId: secret.linkId,
            fileId,
            kind,
            header: bytesToBase64(header),
            accessHash: bytesToBase64(accessHashOf(keys.access)),
            expiresInSeconds: options.expiresInSeconds,
            maxOpens: options.maxOpens,
            passphrase: options.passphrase !== null,
            destroyFileWithLink,
          },
        },
        true,
      );
      return { url: linkUrl(webBase ?? new URL(this.client.url).origin, secret), link: recordOf(createLink) };
    } finally {
      wipe(keys.secretKey, keys.access);
    }
  }
}
