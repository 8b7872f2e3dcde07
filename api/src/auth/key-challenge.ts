/**
 * The stateless proof-of-possession challenge used by signup and key
 * rotation (DESIGN.md §3; docs/auth.md "Signup"):
 *
 *   c_id   = "AC" ‖ 30 random bytes     boxed from the ephemeral key to the identity (miniLock) key
 *   c_auth = "AC" ‖ 30 random bytes     boxed from the ephemeral key to the auth key
 *   sealed = seal(purpose, { subject, h_id = SHA-256(c_id), h_auth = SHA-256(c_auth) }, now + 60 s)
 *
 * The client answers with c_id and c_auth in clear; the server recomputes the
 * hashes and compares them in constant time. Only the holder of each secret
 * key could have opened its box, so a right answer proves both keys. The
 * server keeps nothing between the two calls; the subject (username, keys,
 * encrypted-profile inputs) comes back inside the MAC, not from the client.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBytes } from '@peerlock/sdk';
import { PeerlockError, badInput } from '../errors.js';
import { LowOrderKeyError } from './box-precompute.js';
import type { SealPurpose, StateSealer } from './sealed-state.js';
import type { BoxedSecret, EphemeralKey, ServerKeys } from './server-keys.js';

export const CHALLENGE_TTL_MS = 60_000;
const PREFIX_AC = [0x41, 0x43] as const;

export interface KeyChallenge {
  readonly sealedState: string;
  readonly identityChallenge: BoxedSecret;
  readonly authChallenge: BoxedSecret;
  readonly serverKey: EphemeralKey;
  readonly expiresAt: number;
}

function newChallenge(): Uint8Array {
  const c = randomBytes(32);
  c[0] = PREFIX_AC[0];
  c[1] = PREFIX_AC[1];
  return c;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

export function issueKeyChallenge(
  keys: ServerKeys,
  sealer: StateSealer,
  purpose: SealPurpose,
  subject: Record<string, unknown>,
  identityPublicKey: Uint8Array,
  authPublicKey: Uint8Array,
  nowMs: number,
): KeyChallenge {
  const cId = newChallenge();
  const cAuth = newChallenge();
  const expiresAt = nowMs + CHALLENGE_TTL_MS;
  const sealedState = sealer.seal(purpose, { subject, hId: sha256(cId), hAuth: sha256(cAuth) }, expiresAt);
  return {
    sealedState,
    identityChallenge: boxOrRefuse(() => keys.boxTo(identityPublicKey, cId, nowMs), 'miniLockId'),
    authChallenge: boxOrRefuse(() => keys.boxTo(authPublicKey, cAuth, nowMs), 'authPublicKey'),
    serverKey: keys.ephemeral(nowMs),
    expiresAt,
  };
}

// A low-order key would make the "challenge" readable by anyone: refuse it as bad input.
function boxOrRefuse(make: () => BoxedSecret, field: string): BoxedSecret {
  try {
    return make();
  } catch (err) {
    if (err instanceof LowOrderKeyError) throw badInput(field);
    throw err;
  }
}

/** The sealed subject when both answers are right and nothing expired; CHALLENGE_INVALID otherwise. */
export function verifyKeyChallenge(
  sealer: StateSealer,
  purpose: SealPurpose,
  sealedState: string,
  identityAnswer: Uint8Array,
  authAnswer: Uint8Array,
  nowMs: number,
): Record<string, unknown> {
  const payload = sealer.open(purpose, sealedState, nowMs);
  const ok = answerMatches(identityAnswer, payload.hId) & answerMatches(authAnswer, payload.hAuth);
  if (ok !== 1) throw new PeerlockError('CHALLENGE_INVALID');
  return payload.subject as Record<string, unknown>;
}

// Returns 1/0 and both answers are always checked, so timing does not reveal which one was wrong.
function answerMatches(answer: Uint8Array, expectedHash: unknown): number {
  if (typeof expectedHash !== 'string' || answer.length !== 32) return 0;
  const expected = Buffer.from(expectedHash, 'base64');
  const actual = createHash('sha256').update(answer).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 1 : 0;
}
