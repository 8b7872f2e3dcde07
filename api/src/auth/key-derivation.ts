/**
 * Sub-keys of the server root key, one per purpose, so that no two uses
 * ever share a key:  K_label = HMAC-SHA-256(rootKey, "peerlock/" ‖ label)
 * (HKDF-Expand of RFC 5869 §2.3 with one block and the root key as PRK).
 */
import { createHmac } from 'node:crypto';

export type SubKeyLabel = 'sealed-state/v1' | 'ephemeral-x25519/v1' | 'second-factor-hash/v1' | 'recovery-code-hash/v1' | 'rate-limit-bucket/v1' | 'key-log-vrf/v1' | 'key-log-opening/v1';

export function deriveSubKey(rootKey: Uint8Array, label: SubKeyLabel): Uint8Array {
  if (rootKey.length !== 32) throw new RangeError('rootKey: expected 32 bytes');
  return new Uint8Array(createHmac('sha256', rootKey).update(`peerlock/${label}`).update(new Uint8Array([1])).digest());
}

export function hmacSha256(key: Uint8Array, ...parts: (Uint8Array | string)[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of parts) {
    // Length-prefix every part so ("ab","c") and ("a","bc") never collide.
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    mac.update(len).update(bytes);
  }
  return new Uint8Array(mac.digest());
}
