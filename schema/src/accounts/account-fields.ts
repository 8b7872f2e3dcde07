import { z } from 'zod';

/**
 * Field shapes shared by the account events. These are structural checks at
 * the contract boundary; the accounts decider additionally decodes miniLock IDs
 * (checksum) and keys with the SDK before it emits an event.
 */

/**
 * Peerio's rule: 1–16 word characters, unique without regard to case. Events
 * carry the one canonical (lowercase) spelling: the username is the scrypt
 * salt of the identity key (DESIGN §2), so `Alice` and `alice` must not be
 * two accounts with two keys.
 */
export const usernameSchema = z.string().regex(/^[a-z0-9_]{1,16}$/, '1–16 of a-z 0-9 _ (lowercase)');

/** Base58 (Bitcoin alphabet) of 33 bytes: public key ‖ 1-byte BLAKE2s checksum. At most 46 characters. */
export const miniLockIdSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{33,46}$/, 'not a miniLock ID');

const base64OfLength = (bytes: number) => {
  const chars = Math.ceil(bytes / 3) * 4;
  const padding = (3 - (bytes % 3)) % 3;
  return new RegExp(`^[A-Za-z0-9+/]{${chars - padding}}${'='.repeat(padding)}$`);
};

/** A 32-byte X25519 public key in standard base64 (44 characters). */
export const x25519PublicKeySchema = z.string().regex(base64OfLength(32), 'expected 32 bytes in base64');

/**
 * Personal data in the log, encrypted (XSalsa20-Poly1305 secretbox) with a
 * per-account data key that lives outside the log in an erasable table.
 * Deleting that key erases the data everywhere the event was ever copied
 * ("crypto-shredding"), while the log itself stays append-only.
 */
export const erasableDataSchema = z.strictObject({
  alg: z.literal('xsalsa20poly1305'),
  /** Which data key row decrypts this; the key, not the event, is what deletion destroys. */
  keyId: z.uuid(),
  nonce: z.string().regex(base64OfLength(24), 'expected a 24-byte nonce in base64'),
  /** Bounded: profiles are a name and an email, not documents. */
  ciphertext: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64').min(24).max(8192),
});
export type ErasableData = z.output<typeof erasableDataSchema>;
