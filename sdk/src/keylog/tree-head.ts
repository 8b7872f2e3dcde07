/**
 * Signed tree heads and what a client checks with them (DESIGN §6):
 *
 *   signed = "peerlock/key-log/tree-head/v3" ‖ 0x00
 *            ‖ u64be(treeSize) ‖ u64be(timestamp, Unix ms) ‖ rootHash (32)
 *   signature = Ed25519(server long-term key, signed)
 *
 * The label and NUL keep the signature from being valid for anything else the
 * long-term key signs (its other use, the daily ephemeral keys, has its own
 * label). The timestamp is the time of the newest key event in the tree, so an
 * honest server signs exactly one head per size.
 *
 * A client keeps the newest head it has verified (the "trusted" head) and
 * accepts a head the server shows only if:
 *   - its signature verifies under the pinned long-term key;
 *   - it is not smaller than the trusted head (no rollback);
 *   - at the same size it has the same root (no fork);
 *   - when larger, a consistency proof shows the trusted tree is its prefix.
 */
import { assertBytes, concatBytes, equalBytes, utf8ToBytes } from '../crypto/bytes.js';
import { verifyEd25519 } from '../protocol/ed25519.js';
import { InconsistentTreeHeadError, KeyNotInLogError, TreeHeadRollbackError, TreeHeadSignatureError } from './errors.js';
import { decodeKeyLogLeaf, keyLogCommitment, keyLogIndex, KEY_LOG_OPENING_BYTES, MalformedLeafError, type KeyLogEntry, type KeyLogLeaf } from './leaf.js';
import { HASH_BYTES, merkleLeafHash, treeAdvance, verifyInclusion } from './merkle.js';
import { vrfVerify, VRF_PROOF_BYTES } from './vrf.js';
import { verifyKeyMapPath } from './key-map.js';

/**
 * v3: the log of private leaves that carry the newest-key map (leaf.ts,
 * key-map.ts). Heads of the earlier logs (v1: leaves naming users; v2:
 * private leaves without the map) cannot verify under this label, so a head
 * of an old log is never taken for one of this log; the SDK drops stored
 * heads of other versions (TreeHeadRecord.version).
 */
export const TREE_HEAD_LABEL = 'peerlock/key-log/tree-head/v3';
/** The version of the log whose heads a TreeHeadRecord of this SDK holds. */
export const TREE_HEAD_RECORD_VERSION = 3;
/** Versions of stored heads that are recognized as of an earlier log, and dropped. */
export const isOldTreeHeadVersion = (version: unknown): boolean => version === undefined || version === 2;
export const VRF_KEY_LABEL = 'peerlock/key-log/vrf-key/v1';

export interface TreeHead {
  readonly treeSize: number;
  /** Unix milliseconds. */
  readonly timestamp: number;
  readonly rootHash: Uint8Array;
  readonly signature: Uint8Array;
}

function u64be(value: number, what: string): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what}: expected a non-negative safe integer`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** The exact bytes the server's long-term key signs; the server uses this same function. */
export function treeHeadSignedBytes(treeSize: number, timestamp: number, rootHash: Uint8Array): Uint8Array {
  assertBytes(rootHash, 'rootHash', HASH_BYTES);
  return concatBytes(utf8ToBytes(TREE_HEAD_LABEL), new Uint8Array([0]), u64be(treeSize, 'treeSize'), u64be(timestamp, 'timestamp'), rootHash);
}

/** What the long-term key signs to vouch for the key log's VRF public key: the label, 0x00, the key. */
export function vrfKeySignedBytes(vrfPublicKey: Uint8Array): Uint8Array {
  assertBytes(vrfPublicKey, 'vrfPublicKey', 32);
  return concatBytes(utf8ToBytes(VRF_KEY_LABEL), new Uint8Array([0]), vrfPublicKey);
}

/** Throws TreeHeadSignatureError unless the VRF key is signed by `pinnedSigningKey`. */
export function verifyVrfKey(vrfPublicKey: Uint8Array, signature: Uint8Array, pinnedSigningKey: Uint8Array): void {
  if (vrfPublicKey.length !== 32 || signature.length !== 64 || !verifyEd25519(vrfKeySignedBytes(vrfPublicKey), signature, pinnedSigningKey)) {
    throw new TreeHeadSignatureError('the key log VRF key is not signed by the pinned server key');
  }
}

/** Throws TreeHeadSignatureError unless `head` is signed by `pinnedSigningKey`. */
export function verifyTreeHeadSignature(head: TreeHead, pinnedSigningKey: Uint8Array): void {
  assertBytes(pinnedSigningKey, 'pinnedSigningKey', 32);
  const wellFormed =
    Number.isSafeInteger(head.treeSize) && head.treeSize >= 0 && Number.isSafeInteger(head.timestamp) && head.timestamp >= 0 &&
    head.rootHash instanceof Uint8Array && head.rootHash.length === HASH_BYTES && head.signature instanceof Uint8Array && head.signature.length === 64;
  if (!wellFormed || !verifyEd25519(treeHeadSignedBytes(head.treeSize, head.timestamp, head.rootHash), head.signature, pinnedSigningKey)) {
    throw new TreeHeadSignatureError();
  }
}

/**
 * May the client move from `trusted` (null: none yet) to `shown`? Both heads
 * must already have verified signatures. `consistencyProof` is the server's
 * RFC 9162 proof from trusted.treeSize to shown.treeSize (ignored when the
 * sizes are equal or nothing is trusted). Returns the head to trust next.
 */
export function checkTreeHeadAdvance(trusted: TreeHead | null, shown: TreeHead, consistencyProof: readonly Uint8Array[] | null): TreeHead {
  if (trusted === null) return shown;
  const advance = treeAdvance(trusted, shown, consistencyProof);
  if (advance === 'same') return trusted;
  if (advance === 'extends') return shown;
  if (advance === 'rollback') throw new TreeHeadRollbackError(trusted.treeSize, shown.treeSize);
  throw new InconsistentTreeHeadError(advance, trusted.treeSize, shown.treeSize);
}

export interface InclusionProof {
  readonly leafIndex: number;
  readonly leaf: Uint8Array;
  readonly auditPath: readonly Uint8Array[];
}

/** What only an exact lookup by name gets: the VRF proof for the name, and the commitment's opening with what it commits to. */
export interface KeyLookup {
  readonly vrfProof: Uint8Array;
  readonly opening: Uint8Array;
  /** Unix milliseconds. */
  readonly timestamp: number;
  readonly authPublicKey: string;
}

/** That the leaf is the newest for its index at the head: the head's last leaf (whose map root the head commits to) and the map path. */
export interface NewestProof {
  /** Leaf treeSize − 1 of the head's tree. */
  readonly lastLeaf: Uint8Array;
  /** Its RFC 9162 audit path in the head's tree. */
  readonly lastLeafAuditPath: readonly Uint8Array[];
  /** The newest-key map's path for the leaf's index, root side first (key-map.ts). */
  readonly mapPath: readonly Uint8Array[];
}

function decodeLeaf(bytes: Uint8Array, username: string): KeyLogLeaf {
  try {
    return decodeKeyLogLeaf(bytes);
  } catch (error) {
    if (error instanceof MalformedLeafError) throw new KeyNotInLogError(username, 'malformed-leaf');
    throw error;
  }
}

/**
 * Checks that `proof` puts a leaf for exactly (`username`, `miniLockId`) in
 * the tree `head` signs, and that it is the newest leaf for the name there:
 * the audit path leads to the root, the VRF proof shows the leaf's index is
 * the username's (under the server's signed VRF key), the opening shows its
 * commitment is to this key, and the map the head commits to (through its
 * last leaf) holds this leaf for the index. Returns the entry;
 * KeyNotInLogError otherwise.
 */
export function checkKeyLookup(
  expected: { readonly username: string; readonly miniLockId: string },
  head: TreeHead,
  proof: InclusionProof,
  lookup: KeyLookup,
  newest: NewestProof,
  vrfPublicKey: Uint8Array,
): KeyLogEntry {
  const { username } = expected;
  const leaf = decodeLeaf(proof.leaf, username);
  if (!verifyInclusion(merkleLeafHash(proof.leaf), proof.leafIndex, head.treeSize, proof.auditPath, head.rootHash)) {
    throw new KeyNotInLogError(username, 'bad-proof');
  }
  const output = lookup.vrfProof.length === VRF_PROOF_BYTES ? vrfVerify(vrfPublicKey, utf8ToBytes(username), lookup.vrfProof) : null;
  if (!output || !equalBytes(keyLogIndex(output), leaf.index)) throw new KeyNotInLogError(username, 'bad-vrf-proof');
  const entry: KeyLogEntry = { timestamp: lookup.timestamp, keySequence: leaf.keySequence, username, miniLockId: expected.miniLockId, authPublicKey: lookup.authPublicKey };
  const wellFormed = lookup.opening.length === KEY_LOG_OPENING_BYTES && Number.isSafeInteger(lookup.timestamp) && lookup.timestamp >= 0;
  if (!wellFormed || !equalBytes(keyLogCommitment(lookup.opening, entry), leaf.commitment)) throw new KeyNotInLogError(username, 'key-mismatch');
  // Newest: the head's last leaf is in the head's tree, and its map holds exactly this leaf for the index.
  const lastIndex = head.treeSize - 1;
  if (!verifyInclusion(merkleLeafHash(newest.lastLeaf), lastIndex, head.treeSize, newest.lastLeafAuditPath, head.rootHash)) {
    throw new KeyNotInLogError(username, 'not-newest');
  }
  const { mapRoot } = decodeLeaf(newest.lastLeaf, username);
  if (!verifyKeyMapPath(mapRoot, { index: leaf.index, keySequence: leaf.keySequence, leafIndex: proof.leafIndex }, newest.mapPath)) {
    throw new KeyNotInLogError(username, 'not-newest');
  }
  return entry;
}

/** The form a tree head is stored in (inside the sealed pin set) and travels in. */
export interface TreeHeadRecord {
  /** TREE_HEAD_RECORD_VERSION: a head of this log. A record without it, or with 2, is of an earlier log, and is dropped. */
  readonly version?: number;
  readonly treeSize: number;
  /** Unix milliseconds, decimal. */
  readonly timestamp: string;
  /** base64 */
  readonly rootHash: string;
  /** base64 */
  readonly signature: string;
}
