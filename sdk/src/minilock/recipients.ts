/**
 * Recipient lists and key checks shared by encryption and re-wrapping.
 */
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { MAX_RECIPIENTS } from './format.js';

export interface Recipient {
  readonly id: string;
  readonly publicKey: Uint8Array;
}

// The X25519 public keys of small order, as 2^255-bit little-endian numbers
// (the list libsodium refuses in crypto_scalarmult; bit 255 is ignored by
// X25519, so it is masked before comparing). A box to or from one of these
// uses a predictable shared key.
const P = 2n ** 255n - 19n;
const LOW_ORDER_U = [
  0n,
  1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  P - 1n,
  P,
  P + 1n,
];
const LOW_ORDER_POINTS = LOW_ORDER_U.map((u) => {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return bytes;
});

/**
 * True for a public key we refuse: a small-order point (its shared secrets are
 * predictable), or an encoding with bit 255 set. X25519 ignores that bit, so
 * such a key is an alias of another; honest key generation never sets it, and
 * refusing it keeps every header bit meaningful (a flipped bit always fails).
 */
export function isUnusablePublicKey(publicKey: Uint8Array): boolean {
  if ((publicKey[31]! & 0x80) !== 0) return true;
  let found = 0;
  for (const point of LOW_ORDER_POINTS) {
    let diff = (publicKey[31]! & 0x7f) ^ point[31]!;
    for (let i = 0; i < 31; i++) diff |= publicKey[i]! ^ point[i]!;
    found |= diff === 0 ? 1 : 0;
  }
  return found === 1;
}

/**
 * Checks and decodes a list of recipient miniLock IDs: an array of 1 to
 * MAX_RECIPIENTS valid IDs with usable keys. Duplicates are dropped (first one
 * kept), so the draws per recipient follow the deduplicated order.
 */
export function resolveRecipients(ids: unknown, name = 'recipients'): Recipient[] {
  if (!Array.isArray(ids)) throw new TypeError(`${name}: expected an array of miniLock IDs`);
  const seen = new Set<string>();
  const out: Recipient[] = [];
  ids.forEach((id: unknown, i) => {
    if (typeof id !== 'string') throw new TypeError(`${name}[${i}]: expected a miniLock ID string`);
    if (seen.has(id)) return;
    seen.add(id);
    const publicKey = decodeMiniLockId(id);
    if (isUnusablePublicKey(publicKey)) throw new RangeError(`${name}[${i}]: unusable public key (small order or bit 255 set)`);
    out.push({ id, publicKey });
  });
  if (out.length === 0 || out.length > MAX_RECIPIENTS) {
    throw new RangeError(`${name}: expected 1 to ${MAX_RECIPIENTS} recipients, got ${out.length}`);
  }
  return out;
}
