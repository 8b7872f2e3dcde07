/**
 * A key-log leaf: the canonical bytes of one key event (DESIGN §6). The
 * server appends one per AccountRegistered and KeyRotated, in the event log's
 * global order (projections/src/key-log/). Version 1:
 *
 *   leaf = 0x01                         format version
 *        ‖ kind (u8)                    0x01 registered (signup), 0x02 rotated
 *        ‖ u64be(timestamp)             the event's occurredAt, Unix milliseconds
 *        ‖ u32be(keySequence)           0 for the signup key, +1 per rotation of this user
 *        ‖ str(username)                canonical (lowercase)
 *        ‖ str(miniLockId)              Base58, as the directory shows it
 *        ‖ str(authPublicKey)           base64 of the 32-byte X25519 auth key
 *
 *   str(s) = u16be(byte length of utf8(s)) ‖ utf8(s)
 *
 * Every field has one encoding and the lengths are explicit, so two different
 * key events can never produce the same leaf bytes. Decoding is strict: a
 * wrong version or kind, a short or over-long buffer, or bytes left over are
 * all refused.
 */
import { bytesToUtf8, concatBytes, utf8ToBytes } from '../crypto/bytes.js';

export const KEY_LOG_LEAF_VERSION = 1;
export type KeyLogLeafKind = 'registered' | 'rotated';
const KIND_BYTES: Record<KeyLogLeafKind, number> = { registered: 0x01, rotated: 0x02 };

export interface KeyLogLeaf {
  readonly kind: KeyLogLeafKind;
  /** Unix milliseconds. */
  readonly timestamp: number;
  readonly keySequence: number;
  readonly username: string;
  readonly miniLockId: string;
  readonly authPublicKey: string;
}

export class MalformedLeafError extends RangeError {
  constructor(what: string) {
    super(`malformed key-log leaf: ${what}`);
    this.name = 'MalformedLeafError';
  }
}

function str(value: string): Uint8Array {
  const bytes = utf8ToBytes(value);
  if (bytes.length > 0xffff) throw new RangeError('key-log leaf field longer than 65535 bytes');
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

export function encodeKeyLogLeaf(leaf: KeyLogLeaf): Uint8Array {
  if (!Number.isSafeInteger(leaf.timestamp) || leaf.timestamp < 0) throw new RangeError('timestamp: expected non-negative milliseconds');
  if (!Number.isInteger(leaf.keySequence) || leaf.keySequence < 0 || leaf.keySequence > 0xffff_ffff) throw new RangeError('keySequence: expected a u32');
  const head = new Uint8Array(14);
  const view = new DataView(head.buffer);
  view.setUint8(0, KEY_LOG_LEAF_VERSION);
  view.setUint8(1, KIND_BYTES[leaf.kind]);
  view.setBigUint64(2, BigInt(leaf.timestamp));
  view.setUint32(10, leaf.keySequence);
  return concatBytes(head, str(leaf.username), str(leaf.miniLockId), str(leaf.authPublicKey));
}

export function decodeKeyLogLeaf(bytes: Uint8Array): KeyLogLeaf {
  if (!(bytes instanceof Uint8Array) || bytes.length < 14) throw new MalformedLeafError('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== KEY_LOG_LEAF_VERSION) throw new MalformedLeafError('unknown version');
  const kindByte = view.getUint8(1);
  const kind = (Object.keys(KIND_BYTES) as KeyLogLeafKind[]).find((k) => KIND_BYTES[k] === kindByte);
  if (!kind) throw new MalformedLeafError('unknown kind');
  const timestamp = view.getBigUint64(2);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedLeafError('timestamp');
  const keySequence = view.getUint32(10);
  let offset = 14;
  const next = (): string => {
    if (offset + 2 > bytes.length) throw new MalformedLeafError('truncated');
    const length = view.getUint16(offset);
    offset += 2;
    if (offset + length > bytes.length) throw new MalformedLeafError('truncated');
    const text = bytesToUtf8(bytes.subarray(offset, offset + length));
    offset += length;
    return text;
  };
  let username: string, miniLockId: string, authPublicKey: string;
  try {
    username = next();
    miniLockId = next();
    authPublicKey = next();
  } catch (error) {
    if (error instanceof MalformedLeafError) throw error;
    throw new MalformedLeafError('not UTF-8');
  }
  if (offset !== bytes.length) throw new MalformedLeafError('trailing bytes');
  return { kind, timestamp: Number(timestamp), keySequence, username, miniLockId, authPublicKey };
}
