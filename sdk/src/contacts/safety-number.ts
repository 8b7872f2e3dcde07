/**
 * Safety numbers (DESIGN.md §6): a number two users compare out of band to
 * check that each sees the other's real key (threat T6).
 *
 * Per user (Signal's "numeric fingerprint" construction, with BLAKE2s):
 *   h₀   = BLAKE2s-256( "peerlock-safety/v1" ‖ 0x00 ‖ publicKey ‖ utf8(username) )
 *   hᵢ₊₁ = BLAKE2s-256( hᵢ ‖ publicKey )                      for 5200 rounds
 *   digits(user) = six groups of five digits: uint40-BE(h[5k .. 5k+5]) mod 100000, k = 0..5
 * The pair's number is both users' 30 digits, ordered by username, so both
 * sides see the same 60 digits. The iteration makes a targeted collision of
 * 30 digits (≈ 2^100 work) cost another factor of 5200.
 *
 * The QR payload carries the version and both full 32-byte hashes (not just
 * the digits), so scanning compares all 256 bits per user.
 */
import { assertBytes, concatBytes, equalBytes, utf8ToBytes, bytesToBase64, base64ToBytes } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';

export const SAFETY_NUMBER_VERSION = 1;
const LABEL = utf8ToBytes('peerlock-safety/v1');
const ROUNDS = 5200;
const GROUPS = 6;

export interface SafetyIdentity {
  readonly username: string;
  readonly publicKey: Uint8Array;
}

export interface SafetyNumber {
  /** 60 digits in 12 groups of 5, the same on both sides. */
  readonly digits: string;
  /** Text to put in a QR code; compare with compareSafetyQr. */
  readonly qrPayload: string;
}

function fingerprint({ username, publicKey }: SafetyIdentity): Uint8Array {
  if (typeof username !== 'string' || username.length === 0) throw new TypeError('username: expected a non-empty string');
  assertBytes(publicKey, 'publicKey', 32);
  let h = blake2s(concatBytes(LABEL, new Uint8Array([0]), publicKey, utf8ToBytes(username.toLowerCase())));
  const buffer = new Uint8Array(64);
  buffer.set(publicKey, 32);
  for (let i = 0; i < ROUNDS; i++) {
    buffer.set(h, 0);
    h = blake2s(buffer);
  }
  return h;
}

function digitsOf(hash: Uint8Array): string[] {
  const groups: string[] = [];
  for (let k = 0; k < GROUPS; k++) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 256 + hash[5 * k + j]!;
    groups.push(String(value % 100000).padStart(5, '0'));
  }
  return groups;
}

function ordered(a: SafetyIdentity, b: SafetyIdentity): [SafetyIdentity, SafetyIdentity] {
  const ua = a.username.toLowerCase();
  const ub = b.username.toLowerCase();
  if (ua === ub) throw new RangeError('safety number: the two usernames must differ');
  return ua < ub ? [a, b] : [b, a];
}

export function safetyNumber(me: SafetyIdentity, them: SafetyIdentity): SafetyNumber {
  const [first, second] = ordered(me, them);
  const h1 = fingerprint(first);
  const h2 = fingerprint(second);
  const digits = [...digitsOf(h1), ...digitsOf(h2)].join(' ');
  const qrPayload = `peerlock-safety:${SAFETY_NUMBER_VERSION}:${bytesToBase64(h1)}:${bytesToBase64(h2)}`;
  return { digits, qrPayload };
}

/** True when a scanned payload matches ours exactly (constant-time on the hashes). */
export function compareSafetyQr(ours: SafetyNumber, scanned: string): boolean {
  if (typeof scanned !== 'string') return false;
  const parts = scanned.split(':');
  const mine = ours.qrPayload.split(':');
  if (parts.length !== 4 || parts[0] !== 'peerlock-safety' || parts[1] !== String(SAFETY_NUMBER_VERSION)) return false;
  try {
    const theirs = concatBytes(base64ToBytes(parts[2]!), base64ToBytes(parts[3]!));
    return equalBytes(theirs, concatBytes(base64ToBytes(mine[2]!), base64ToBytes(mine[3]!)));
  } catch {
    return false;
  }
}
