/**
 * The secret of a link for people without an account (issue 21; docs/links.md).
 *
 * The owner's client makes a throwaway miniLock identity for each link and
 * re-wraps the file's header to it. What opens the link travels only in the
 * URL's fragment, which browsers never send to a server:
 *
 *   url      = webBase "/l/" linkId "#" base64url(0x01 ‖ flags ‖ seed)
 *   linkId   = 16 random bytes, base64url (the server's name for the link)
 *   seed     = 32 random bytes; flags bit 0: a passphrase is needed too
 *   master   = BLAKE2s-256(key = seed, "peerlock/link/v1" ‖ linkId
 *                          ‖ (passphrase ? scrypt(utf8(passphrase), seed, N = 2^15, r = 8, p = 1, 32) : ""))
 *   secret   = BLAKE2s-256(key = master, "peerlock/link/identity/v1")   the link's X25519 secret key
 *   access   = BLAKE2s-256(key = master, "peerlock/link/access/v1")     shown to the server to open
 *   stored   = SHA-256(access)                                          all the server keeps
 *
 * linkId is inside master so a secret cannot be moved to another link; the
 * fragment's flag, not the server's word, says whether to ask for a
 * passphrase (a server that hid it would only make the open fail). The
 * server compares SHA-256 of a presented access value with what it stored,
 * so it refuses a wrong passphrase without spending an open or handing out
 * ciphertext, and nothing it holds decrypts the header (T1).
 */
import scryptModule from 'scrypt-js';
import { nativeScrypt } from '#platform';
import { assertBytes, base64ToBytes, bytesToBase64, concatBytes, randomBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { sha256 } from '../crypto/sha256.js';
import { scalarMultBase } from '../crypto/nacl.js';
import { encodeMiniLockId } from '../keys/minilock-id.js';
import { LinkError } from './link-errors.js';

export const LINK_VERSION = 0x01;
export const LINK_SEED_BYTES = 32;
export const LINK_ID_BYTES = 16;
const FLAG_PASSPHRASE = 0x01;
/** Cheaper than the identity key's 2^17: it guards one link, and a browser derives it while its holder waits. */
export const LINK_SCRYPT_PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1, dkLen: 32 });

const LABEL_MASTER = utf8ToBytes('peerlock/link/v1');
const LABEL_IDENTITY = utf8ToBytes('peerlock/link/identity/v1');
const LABEL_ACCESS = utf8ToBytes('peerlock/link/access/v1');

export interface LinkSecret {
  readonly linkId: string;
  readonly seed: Uint8Array;
  readonly needsPassphrase: boolean;
}

/** What a link's secret opens: the throwaway identity, and the value that proves to the server we hold it. */
export interface LinkKeys {
  readonly secretKey: Uint8Array;
  readonly miniLockId: string;
  readonly access: Uint8Array;
}

export function base64UrlOf(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function bytesOfBase64Url(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new LinkError('malformed', `${what}: not base64url`);
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return base64ToBytes(padded, what);
  } catch (cause) {
    // Non-canonical trailing bits: a damaged link, in the link holder's terms.
    throw new LinkError('malformed', `${what}: not base64url`, { cause });
  }
}

export function isLinkId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value) && bytesOfBase64Url(value, 'linkId').length === LINK_ID_BYTES && base64UrlOf(bytesOfBase64Url(value, 'linkId')) === value;
}

export function newLinkSecret(needsPassphrase: boolean): LinkSecret {
  return { linkId: base64UrlOf(randomBytes(LINK_ID_BYTES)), seed: randomBytes(LINK_SEED_BYTES), needsPassphrase };
}

export function encodeFragment(secret: LinkSecret): string {
  return base64UrlOf(concatBytes(Uint8Array.of(LINK_VERSION, secret.needsPassphrase ? FLAG_PASSPHRASE : 0), secret.seed));
}

export function decodeFragment(linkId: string, fragment: string): LinkSecret {
  const bytes = bytesOfBase64Url(fragment, 'fragment');
  if (bytes.length !== 2 + LINK_SEED_BYTES || base64UrlOf(bytes) !== fragment) throw new LinkError('malformed', 'the part after # has the wrong length');
  if (bytes[0] !== LINK_VERSION) throw new LinkError('malformed', `link version ${bytes[0]} is not one this client knows`);
  if ((bytes[1]! & ~FLAG_PASSPHRASE) !== 0) throw new LinkError('malformed', 'unknown link flags');
  return { linkId, seed: bytes.slice(2), needsPassphrase: (bytes[1]! & FLAG_PASSPHRASE) !== 0 };
}

/** The link's URL: its secret only after '#'. */
export function linkUrl(webBase: string, secret: LinkSecret): string {
  return `${webBase.replace(/\/+$/, '')}/l/${secret.linkId}#${encodeFragment(secret)}`;
}

export interface ParsedLink extends LinkSecret {
  /** Scheme, host and port the link names; the server to open it on unless told otherwise. */
  readonly origin: string;
}

export function parseLinkUrl(url: string): ParsedLink {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new LinkError('malformed', 'not a URL');
  }
  const match = /\/l\/([A-Za-z0-9_-]{22})\/?$/.exec(parsed.pathname);
  if (!match || !isLinkId(match[1])) throw new LinkError('malformed', 'not a Peerlock link (…/l/<id>#…)');
  const fragment = parsed.hash.replace(/^#/, '');
  if (fragment === '') throw new LinkError('malformed', 'the part after # is missing: the link was cut short');
  return { ...decodeFragment(match[1], fragment), origin: parsed.origin };
}

export async function deriveLinkKeys(secret: LinkSecret, passphrase?: string): Promise<LinkKeys> {
  assertBytes(secret.seed, 'seed', LINK_SEED_BYTES);
  if (secret.needsPassphrase && !passphrase) throw new LinkError('passphrase-required', 'this link needs its passphrase');
  let stretched: Uint8Array = new Uint8Array(0);
  if (secret.needsPassphrase) {
    const { N, r, p, dkLen } = LINK_SCRYPT_PARAMS;
    const pw = utf8ToBytes(passphrase!.normalize('NFC'));
    stretched = nativeScrypt ? await nativeScrypt(pw, secret.seed, N, r, p, dkLen) : await scryptModule.scrypt(pw, secret.seed, N, r, p, dkLen);
    wipe(pw);
  }
  const master = blake2s(concatBytes(LABEL_MASTER, utf8ToBytes(secret.linkId), stretched), 32, secret.seed);
  wipe(stretched);
  const secretKey = blake2s(LABEL_IDENTITY, 32, master);
  const access = blake2s(LABEL_ACCESS, 32, master);
  wipe(master);
  return { secretKey, access, miniLockId: encodeMiniLockId(scalarMultBase(secretKey)) };
}

/** What the server stores to recognise the access value: a hash, from which nothing opens. */
export function accessHashOf(access: Uint8Array): Uint8Array {
  assertBytes(access, 'access', 32);
  return sha256(access);
}
