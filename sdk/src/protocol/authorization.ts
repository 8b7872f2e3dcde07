/**
 * The header an authenticated request carries (DESIGN.md §3):
 *   Authorization: Peerlock <username> <base64(token)>
 * One token per request; the server consumes it before the operation runs.
 */
import { assertBytes, bytesToBase64 } from '../crypto/bytes.js';

export const AUTH_SCHEME = 'Peerlock';

export function authorizationHeader(username: string, token: Uint8Array): string {
  if (typeof username !== 'string' || !/^\w{1,16}$/.test(username)) throw new RangeError('username: expected 1-16 word characters');
  assertBytes(token, 'token', 32);
  return `${AUTH_SCHEME} ${username.toLowerCase()} ${bytesToBase64(token)}`;
}
