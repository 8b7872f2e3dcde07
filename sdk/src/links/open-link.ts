/**
 * Opening a link without an account (issue 21; docs/links.md). Works in Node
 * and in the browser: fetch only.
 *
 * What the opener acts on, and why it may:
 * - The link's key comes from the fragment (and the passphrase): never from
 *   the server. The fragment's flag says whether a passphrase is needed.
 * - The content is the `.minilock` file the server streams for the link. It
 *   is shown only if its header opens with the link's key and every chunk
 *   verifies against the header's file hash (the miniLock reader's checks).
 *   Nobody without the link's secret knows the link's public key, so a
 *   header that opens with it was made by whoever created the link; its
 *   sender (the miniLock ID that boxed it) is authenticated by that box.
 * - Whether it is a message or a file is decided from that verified content
 *   (the miniLock file name and the message's JSON shape), never from the
 *   server's `kind`.
 * - Who sent it: the miniLock ID is verified; the username is a claim (the
 *   message's own, written under that key, or the server's `owner` for a
 *   file), checked against the server's key log when asked (`keyChecked`):
 *   proofs under the server's signing key, pinned by the caller or taken
 *   from the server on first use (docs/links.md says what that is worth).
 * - Counts, expiry, status: the server's word, shown as such.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { decryptStream, type PlaintextSink } from '../minilock/index.js';
import { MalformedFileError, NotARecipientError } from '../minilock/errors.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import { base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, wipe } from '../crypto/bytes.js';
import { apiErrorOf, executeOperation } from '../client/graphql-transport.js';
import { PeerlockApiError, PeerlockNetworkError } from '../client/errors.js';
import { KeyTransparency } from '../client/key-transparency.js';
import { verifyVrfKey } from '../keylog/tree-head.js';
import { KeyLogVrfKeyDocument, LinkInfoDocument, OpenLinkDocument, ServerKeysDocument, type LinkKind, type LinkStatus as WireLinkStatus } from '../client/generated/graphql.js';
import { LinkError } from './link-errors.js';
import { deriveLinkKeys, parseLinkUrl, type ParsedLink } from './link-secret.js';
import { MESSAGE_FILE_NAME, parseLinkMessage, type LinkMessage } from './link-message.js';

export type LinkStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

export interface LinkAccessOptions {
  /** The server's GraphQL endpoint; default: `<the link's origin>/graphql`. */
  readonly serverUrl?: string;
  readonly fetch?: typeof fetch;
}

export interface OpenLinkOptions extends LinkAccessOptions {
  readonly passphrase?: string;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Check the sender's username against the server's key log (default true).
   * `serverSigningKey` (base64) pins the log's key; without it the server's
   * own, taken on first use, is the root.
   */
  readonly checkKey?: boolean;
  readonly serverSigningKey?: string;
}

export interface LinkSender {
  /** A claim: the message's own `from`, or the server's `owner` for a file. */
  readonly username: string;
  /** Verified: the key that made the content. */
  readonly miniLockId: string;
  /** The server's key log proves `username`'s newest key is `miniLockId`. */
  readonly keyChecked: boolean;
}

/** The server's word about the link, at the open. */
export interface OpenedLinkInfo {
  readonly openCount: number;
  readonly maxOpens: number | null;
  readonly expiresAt: Date;
}

export type OpenedLink =
  | ({ readonly kind: 'message'; readonly from: LinkSender; readonly link: OpenedLinkInfo } & Omit<LinkMessage, 'from'>)
  | { readonly kind: 'file'; readonly name: string; readonly size: number; readonly bytes: Uint8Array; readonly from: LinkSender; readonly link: OpenedLinkInfo };

export interface LinkState {
  readonly needsPassphrase: boolean;
  readonly status: LinkStatus;
  readonly expiresAt: Date;
  /** The server's word; what is shown after opening is decided by the content. */
  readonly kind: 'file' | 'message';
}

/** Largest message a link may hold: the opener reads it whole before showing it. */
export const MAX_LINK_MESSAGE_BYTES = 256 * 1024;

function endpointOf(link: ParsedLink, options: LinkAccessOptions): string {
  return options.serverUrl ?? `${link.origin}/graphql`;
}

const statusOf = (s: WireLinkStatus): LinkStatus => s.toLowerCase() as LinkStatus;
const kindOf = (k: LinkKind): 'file' | 'message' => (k === 'MESSAGE' ? 'message' : 'file');

/** Server refusals in the link holder's terms. */
export function linkErrorOf(error: unknown): unknown {
  if (error instanceof LinkError) return error;
  if (error instanceof PeerlockNetworkError) return new LinkError('network', error.message, { cause: error });
  if (!(error instanceof PeerlockApiError)) return error;
  switch (error.code) {
    case 'NOT_FOUND':
      return new LinkError('not-found', undefined, { cause: error });
    case 'FORBIDDEN':
      return new LinkError('wrong-passphrase', 'the server did not accept this link\'s key: wrong passphrase, or a damaged link', { cause: error });
    case 'LINK_EXPIRED':
      return new LinkError('expired', undefined, { cause: error });
    case 'LINK_REVOKED':
      return new LinkError('revoked', undefined, { cause: error });
    case 'LINK_EXHAUSTED':
      return new LinkError('exhausted', undefined, { cause: error });
    case 'RATE_LIMITED':
      return new LinkError('rate-limited', undefined, { cause: error, ...(error.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.details.retryAfterSeconds } : {}) });
    default:
      return error;
  }
}

async function call<R, V>(link: ParsedLink, options: LinkAccessOptions, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  try {
    return await executeOperation(options.fetch ?? fetch, endpointOf(link, options), document, variables);
  } catch (error) {
    throw linkErrorOf(error);
  }
}

/** The link's state before opening (spends nothing): whether to ask for a passphrase (the fragment says), and the server's status. */
export async function linkStatus(url: string, options: LinkAccessOptions = {}): Promise<LinkState> {
  const link = parseLinkUrl(url);
  const { linkInfo } = await call(link, options, LinkInfoDocument, { linkId: link.linkId });
  return { needsPassphrase: link.needsPassphrase, status: statusOf(linkInfo.status), expiresAt: new Date(linkInfo.expiresAt), kind: kindOf(linkInfo.kind) };
}

interface Opened {
  readonly link: ParsedLink;
  readonly secretKey: Uint8Array;
  readonly owner: string;
  readonly info: OpenedLinkInfo;
  readonly body: AsyncIterable<Uint8Array>;
  readonly total: number;
}

/** Proves the link's key to the server (one open) and starts the download. */
async function startOpen(url: string, options: OpenLinkOptions): Promise<Opened> {
  const link = parseLinkUrl(url);
  const keys = await deriveLinkKeys(link, options.passphrase);
  let opening;
  try {
    ({ openLink: opening } = await call(link, options, OpenLinkDocument, { linkId: link.linkId, access: bytesToBase64(keys.access) }));
  } catch (error) {
    wipe(keys.secretKey);
    // No passphrase on this link: a refused key means a damaged fragment, not a wrong passphrase.
    if (error instanceof LinkError && error.code === 'wrong-passphrase' && !link.needsPassphrase) throw new LinkError('malformed', 'the server did not accept this link\'s key: the link is damaged', { cause: error });
    throw error;
  } finally {
    wipe(keys.access);
  }
  const fileUrl = new URL(`/links/${link.linkId}/file`, endpointOf(link, options)).toString();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(fileUrl, { method: 'GET', headers: { authorization: `PeerlockLink ${opening.grant}` } });
  } catch (cause) {
    wipe(keys.secretKey);
    throw new LinkError('network', `cannot reach ${fileUrl}`, { cause });
  }
  if (!response.ok || !response.body) {
    wipe(keys.secretKey);
    throw linkErrorOf(await refusalOf(response));
  }
  const total = Number(response.headers.get('content-length') ?? opening.fileBytes);
  const stream = response.body;
  const body = (async function* () {
    const reader = stream.getReader();
    let done = 0;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) return;
        done += next.value.length;
        options.onProgress?.(done, total);
        yield next.value;
      }
    } finally {
      reader.releaseLock();
      await stream.cancel().catch(() => {});
    }
  })();
  return {
    link,
    secretKey: keys.secretKey,
    owner: opening.owner,
    total,
    body,
    info: { openCount: opening.openCount, maxOpens: opening.maxOpens ?? null, expiresAt: new Date(opening.expiresAt) },
  };
}

async function refusalOf(response: Response): Promise<unknown> {
  try {
    const body = (await response.json()) as { errors?: { extensions?: { code?: unknown; field?: unknown; retryAfterSeconds?: unknown } }[] };
    return apiErrorOf(body.errors?.[0], response.status);
  } catch {
    return new LinkError('network', `HTTP ${response.status} without an answer`);
  }
}

/** The miniLock reader's refusals, as the link holder sees them. */
function contentError(error: unknown): unknown {
  if (error instanceof NotARecipientError) return new LinkError('not-for-this-link', 'what the server sent does not open with this link\'s key', { cause: error });
  if (error instanceof MalformedFileError || error instanceof PeerlockCryptoError) return new LinkError('tampered', error.message, { cause: error });
  return error;
}

/**
 * Opens the link (one open counted by the server), verifies its content
 * whole, and returns it. For a large file, openLinkToSink streams instead.
 */
export async function openLink(url: string, options: OpenLinkOptions = {}): Promise<OpenedLink> {
  const opened = await startOpen(url, options);
  const parts: Uint8Array[] = [];
  let file;
  try {
    file = await decryptStream(opened.body, opened.secretKey);
    for await (const piece of file.plaintext) parts.push(piece);
  } catch (error) {
    throw contentError(error);
  } finally {
    wipe(opened.secretKey);
  }
  const bytes = concatBytes(...parts);
  if (file.fileName === MESSAGE_FILE_NAME) {
    const message = bytes.length <= MAX_LINK_MESSAGE_BYTES ? parseLinkMessage(bytesToUtf8(bytes)) : null;
    if (!message) throw new LinkError('tampered', 'a link message that is not one');
    const from = await sender(opened, message.from, file.senderID, options);
    const { from: _, ...content } = message;
    return { kind: 'message', ...content, from, link: opened.info };
  }
  return { kind: 'file', name: file.fileName, size: bytes.length, bytes, from: await sender(opened, opened.owner, file.senderID, options), link: opened.info };
}

/**
 * Opens a file link into `sink`, committed only once the whole file
 * verified (flat memory). A message link is refused here ('tampered' is not
 * right for it, so it is written out like any file: its JSON).
 */
export async function openLinkToSink(
  url: string,
  sink: PlaintextSink,
  options: OpenLinkOptions = {},
): Promise<{ name: string; size: number; from: LinkSender; link: OpenedLinkInfo; isMessage: boolean }> {
  const opened = await startOpen(url, options);
  let size = 0;
  let file;
  try {
    file = await decryptStream(opened.body, opened.secretKey, { reuseBuffers: true });
    for await (const piece of file.plaintext) {
      size += piece.length;
      await sink.write(piece);
    }
  } catch (error) {
    await sink.abort(error);
    throw contentError(error);
  } finally {
    wipe(opened.secretKey);
  }
  await sink.commit();
  return { name: file.fileName, size, from: await sender(opened, opened.owner, file.senderID, options), link: opened.info, isMessage: file.fileName === MESSAGE_FILE_NAME };
}

async function sender(opened: Opened, username: string, miniLockId: string, options: OpenLinkOptions): Promise<LinkSender> {
  if (options.checkKey === false) return { username, miniLockId, keyChecked: false };
  return { username, miniLockId, keyChecked: await keyInLog(opened.link, options, username, miniLockId) };
}

/** Whether the server's key log proves `miniLockId` is `username`'s newest key; a failed proof is simply "not checked". */
async function keyInLog(link: ParsedLink, options: OpenLinkOptions, username: string, miniLockId: string): Promise<boolean> {
  const anonymous = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => executeOperation(options.fetch ?? fetch, endpointOf(link, options), document, variables);
  let signingKey: Uint8Array | null = options.serverSigningKey ? base64ToBytes(options.serverSigningKey, 'serverSigningKey') : null;
  const signing = async () => (signingKey ??= base64ToBytes((await anonymous(ServerKeysDocument, {})).serverKeys.signingPublicKey, 'signingPublicKey'));
  const vrf = async () => {
    const { keyLogVrfKey } = (await anonymous(KeyLogVrfKeyDocument, {})).serverKeys;
    const publicKey = base64ToBytes(keyLogVrfKey.publicKey, 'keyLogVrfKey');
    verifyVrfKey(publicKey, base64ToBytes(keyLogVrfKey.signature, 'keyLogVrfKey signature'), await signing());
    return publicKey;
  };
  try {
    await new KeyTransparency(anonymous, signing, vrf).verifyKey(username.toLowerCase(), miniLockId);
    return true;
  } catch {
    return false;
  }
}
