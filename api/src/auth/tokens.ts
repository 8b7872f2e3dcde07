/**
 * Single-use login tokens (DESIGN.md §3, threat T3; docs/auth.md "Tokens"):
 *
 *   token  = "AT" ‖ 30 random bytes          (240 bits of entropy)
 *   sent   = box(ephemeral → auth key, token)  — never to the identity key (T8)
 *   stored = SHA-256(token), with the username and an expiry
 *
 * The store keeps only hashes, so a leaked table spends nothing. A request
 * carries `Authorization: Peerlock <username> <base64 token>`; the store
 * deletes the row matching (hash, username) in one statement and the request
 * runs only if that delete found an unexpired row.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from '@peerlock/sdk';

export const TOKEN_BYTES = 32;
const PREFIX_AT = [0x41, 0x54] as const;
/** A device session's secret: "AS" ‖ 30 random bytes, so a client never takes a token for it or back. */
const PREFIX_AS = [0x41, 0x53] as const;

export function newToken(): Uint8Array {
  const t = randomBytes(TOKEN_BYTES);
  t[0] = PREFIX_AT[0];
  t[1] = PREFIX_AT[1];
  return t;
}

export function newSessionSecret(): Uint8Array {
  const s = randomBytes(TOKEN_BYTES);
  s[0] = PREFIX_AS[0];
  s[1] = PREFIX_AS[1];
  return s;
}

/** The presented session secret (base64 of 32 bytes starting "AS"), or null. */
export function parseSessionSecret(encoded: unknown): Uint8Array | null {
  if (typeof encoded !== 'string' || !TOKEN_B64.test(encoded)) return null;
  const secret = new Uint8Array(Buffer.from(encoded, 'base64'));
  return secret.length === TOKEN_BYTES && secret[0] === PREFIX_AS[0] && secret[1] === PREFIX_AS[1] ? secret : null;
}

export function tokenHash(token: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token).digest());
}

export interface PresentedToken {
  readonly username: string;
  readonly token: Uint8Array;
}

const USERNAME = /^\w{1,16}$/;
// Exactly 32 bytes in canonical padded base64: 43 characters, the last of which leaves 4 zero bits, then "=".
const TOKEN_B64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * Parses the Authorization header; null when it is malformed in any way
 * (wrong scheme, username shape, token length or prefix). A malformed header
 * is treated exactly like a bad token.
 */
export function parseAuthorization(header: string): PresentedToken | null {
  if (header.length > 128) return null;
  const parts = header.split(' ');
  if (parts.length !== 3 || parts[0] !== 'Peerlock') return null;
  const [, username, encoded] = parts as [string, string, string];
  if (!USERNAME.test(username) || !TOKEN_B64.test(encoded)) return null;
  const token = new Uint8Array(Buffer.from(encoded, 'base64'));
  if (token.length !== TOKEN_BYTES || token[0] !== PREFIX_AT[0] || token[1] !== PREFIX_AT[1]) return null;
  return { username: username.toLowerCase(), token };
}
