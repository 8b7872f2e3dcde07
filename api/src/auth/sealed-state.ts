/**
 * Stateless server state handed to the client and back (DESIGN.md §3):
 *
 *   sealed = "v1." ‖ base64url(payload JSON) ‖ "." ‖ base64url(tag)
 *   tag    = HMAC-SHA-256(K_seal, len ‖ "peerlock/sealed-state/v1" ‖ len ‖ purpose ‖ len ‖ payload)
 *
 * K_seal is the "sealed-state/v1" sub-key. The purpose (signup, key rotation,
 * TOTP setup) is inside the MAC, so a blob sealed for one step can never be
 * replayed into another. The payload carries its own expiry, checked only
 * after the tag verifies (in constant time), and is parsed only then: the
 * server never interprets bytes it did not write.
 *
 * Sealing is integrity, not secrecy: the payload is readable by the client,
 * so it holds nothing the client does not already know (challenge *hashes*,
 * never the challenges).
 */
import { timingSafeEqual } from 'node:crypto';
import { PeerlockError, badInput } from '../errors.js';
import { deriveSubKey, hmacSha256 } from './key-derivation.js';

export type SealPurpose = 'signup' | 'key-rotation' | 'totp-setup' | 'link-grant';

export const MAX_SEALED_LENGTH = 4096;
const SEALED_SHAPE = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

export class StateSealer {
  private readonly key: Uint8Array;

  constructor(rootKey: Uint8Array) {
    this.key = deriveSubKey(rootKey, 'sealed-state/v1');
  }

  seal(purpose: SealPurpose, payload: Record<string, unknown>, expiresAtMs: number): string {
    const json = Buffer.from(JSON.stringify({ ...payload, exp: expiresAtMs }), 'utf8');
    const tag = hmacSha256(this.key, 'peerlock/sealed-state/v1', purpose, json);
    return `v1.${json.toString('base64url')}.${Buffer.from(tag).toString('base64url')}`;
  }

  /**
   * The payload, or CHALLENGE_INVALID for a forged, altered, cross-purpose or
   * expired blob (one code for all: which check failed is nobody's business).
   * A blob that cannot even be ours by its shape is BAD_INPUT.
   */
  open(purpose: SealPurpose, sealed: string, nowMs: number, field = 'sealedState'): Record<string, unknown> {
    if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH || !SEALED_SHAPE.test(sealed)) throw badInput(field);
    const [, body, tagText] = sealed.split('.') as [string, string, string];
    const json = Buffer.from(body, 'base64url');
    const expected = hmacSha256(this.key, 'peerlock/sealed-state/v1', purpose, json);
    const tag = Buffer.from(tagText, 'base64url');
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) throw new PeerlockError('CHALLENGE_INVALID');
    const payload = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
    if (typeof payload.exp !== 'number' || nowMs >= payload.exp) throw new PeerlockError('CHALLENGE_INVALID');
    return payload;
  }
}
