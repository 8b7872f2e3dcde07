/**
 * The server's encoder of key-log leaves and the RFC 9162 hashes, with
 * node:crypto's SHA-256. Byte for byte the format of the SDK's
 * sdk/src/keylog/leaf.ts (the client decodes what this writes; both test
 * suites check the same vector):
 *
 *   leaf = 0x01 ‖ kind (0x01 registered, 0x02 rotated) ‖ u64be(timestamp ms)
 *        ‖ u32be(keySequence) ‖ str(username) ‖ str(miniLockId) ‖ str(authPublicKey)
 *   str(s) = u16be(byte length) ‖ utf8(s)
 *
 *   leafHash = SHA-256(0x00 ‖ leaf)      nodeHash = SHA-256(0x01 ‖ left ‖ right)
 */
import { createHash } from 'node:crypto';

export type KeyLogLeafKind = 'registered' | 'rotated';

export interface KeyLogLeafFields {
  readonly kind: KeyLogLeafKind;
  readonly timestamp: number;
  readonly keySequence: number;
  readonly username: string;
  readonly miniLockId: string;
  readonly authPublicKey: string;
}

function str(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 0xffff) throw new RangeError('key-log leaf field longer than 65535 bytes');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

export function encodeKeyLogLeaf(fields: KeyLogLeafFields): Buffer {
  const head = Buffer.alloc(14);
  head.writeUInt8(1, 0);
  head.writeUInt8(fields.kind === 'registered' ? 0x01 : 0x02, 1);
  head.writeBigUInt64BE(BigInt(fields.timestamp), 2);
  head.writeUInt32BE(fields.keySequence, 10);
  return Buffer.concat([head, str(fields.username), str(fields.miniLockId), str(fields.authPublicKey)]);
}

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0x00)).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0x01)).update(left).update(right).digest();
}

export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}
