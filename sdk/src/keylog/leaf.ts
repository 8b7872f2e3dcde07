/**
 * A key-log leaf: the canonical bytes of one key event (DESIGN §6, T12). The
 * server appends one per AccountRegistered and KeyRotated, in the event log's
 * global order (projections/src/key-log/). A leaf names no one: it files the
 * key under a VRF output of the username and holds only a hiding commitment
 * to the key. Version 3:
 *
 *   leaf       = 0x03                      format version
 *              ‖ index (32)                VRF(server VRF key, utf8(username))[0:32]
 *                                          (RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI)
 *              ‖ u32be(keySequence)        0 for the signup key, +1 per rotation of this user
 *              ‖ commitment (32)
 *              ‖ mapRoot (32)              the newest-key map (key-map.ts) with this leaf in it:
 *                                          so the tree of size s commits, through its last
 *                                          leaf, to every index's newest leaf
 *
 *   commitment = SHA-256("peerlock/key-log/commitment/v1" ‖ 0x00
 *                        ‖ opening (32)             secret until an exact lookup by name
 *                        ‖ u64be(timestamp)         the event's occurredAt, Unix ms
 *                        ‖ u32be(keySequence)
 *                        ‖ str(username)            canonical (lowercase)
 *                        ‖ str(miniLockId)          Base58, as the directory shows it
 *                        ‖ str(authPublicKey))      base64 of the 32-byte X25519 auth key
 *   str(s)     = u16be(byte length of utf8(s)) ‖ utf8(s)
 *
 * Without the opening (32 bytes the server derives with a secret key) the
 * commitment hides the key: trying every key of every user gives nothing.
 * Without the VRF key nobody can tell whose index an index is, or that two
 * leaves share one. Only an exact lookup by username gets the VRF proof that
 * ties the name to the index and the opening that ties the leaf to the key
 * (checkKeyLookup in tree-head.ts). Every field has one encoding with its
 * length fixed or explicit; decoding is strict (a wrong version, a short or
 * long buffer: MalformedLeafError).
 */
import { assertBytes, concatBytes, utf8ToBytes } from '../crypto/bytes.js';
import { sha256 } from '../crypto/sha256.js';

export const KEY_LOG_LEAF_VERSION = 3;
export const KEY_LOG_INDEX_BYTES = 32;
export const KEY_LOG_OPENING_BYTES = 32;
const LEAF_BYTES = 1 + KEY_LOG_INDEX_BYTES + 4 + 32 + 32;
const COMMITMENT_LABEL = 'peerlock/key-log/commitment/v1';

/** What a leaf holds. */
export interface KeyLogLeaf {
  readonly index: Uint8Array;
  readonly keySequence: number;
  readonly commitment: Uint8Array;
  /** The newest-key map's root after this leaf. */
  readonly mapRoot: Uint8Array;
}

/** What a commitment commits to: one key event, as only an exact lookup reveals it. */
export interface KeyLogEntry {
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
  if (bytes.length > 0xffff) throw new RangeError('key-log entry field longer than 65535 bytes');
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

function u32be(value: number, what: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${what}: expected a u32`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** The index a username's leaves are filed under: the first 32 bytes of its VRF output. */
export function keyLogIndex(vrfOutput: Uint8Array): Uint8Array {
  assertBytes(vrfOutput, 'vrfOutput', 64);
  return vrfOutput.slice(0, KEY_LOG_INDEX_BYTES);
}

/** The hiding commitment to one key event. */
export function keyLogCommitment(opening: Uint8Array, entry: KeyLogEntry): Uint8Array {
  assertBytes(opening, 'opening', KEY_LOG_OPENING_BYTES);
  if (!Number.isSafeInteger(entry.timestamp) || entry.timestamp < 0) throw new RangeError('timestamp: expected non-negative milliseconds');
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(entry.timestamp));
  return sha256(
    concatBytes(
      utf8ToBytes(COMMITMENT_LABEL),
      new Uint8Array([0]),
      opening,
      time,
      u32be(entry.keySequence, 'keySequence'),
      str(entry.username),
      str(entry.miniLockId),
      str(entry.authPublicKey),
    ),
  );
}

export function encodeKeyLogLeaf(leaf: KeyLogLeaf): Uint8Array {
  assertBytes(leaf.index, 'index', KEY_LOG_INDEX_BYTES);
  assertBytes(leaf.commitment, 'commitment', 32);
  assertBytes(leaf.mapRoot, 'mapRoot', 32);
  return concatBytes(new Uint8Array([KEY_LOG_LEAF_VERSION]), leaf.index, u32be(leaf.keySequence, 'keySequence'), leaf.commitment, leaf.mapRoot);
}

export function decodeKeyLogLeaf(bytes: Uint8Array): KeyLogLeaf {
  if (!(bytes instanceof Uint8Array)) throw new MalformedLeafError('not bytes');
  if (bytes.length > 0 && bytes[0] !== KEY_LOG_LEAF_VERSION) throw new MalformedLeafError('unknown version');
  if (bytes.length !== LEAF_BYTES) throw new MalformedLeafError(bytes.length < LEAF_BYTES ? 'too short' : 'trailing bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    index: bytes.slice(1, 1 + KEY_LOG_INDEX_BYTES),
    keySequence: view.getUint32(1 + KEY_LOG_INDEX_BYTES),
    commitment: bytes.slice(1 + KEY_LOG_INDEX_BYTES + 4, 1 + KEY_LOG_INDEX_BYTES + 4 + 32),
    mapRoot: bytes.slice(1 + KEY_LOG_INDEX_BYTES + 4 + 32),
  };
}
