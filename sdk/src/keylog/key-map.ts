/**
 * The newest-key map (DESIGN §6, T12): for every VRF index in the key log,
 * which leaf is that index's newest. Its root after leaf n is part of leaf n
 * (leaf.ts), so the signed tree of size s commits to the map as it stood
 * after its last leaf, and a client can check that the key it is shown is
 * not only in the log but the newest one for the name, even on its first
 * lookup (a key from before a rotation is refused).
 *
 * A binary sparse Merkle tree over 256-bit keys (the indices, most
 * significant bit first), with every subtree that holds exactly one entry
 * collapsed into that entry's leaf hash (as in Diem's and Aptos's sparse
 * Merkle trees), so a path is about log2(entries) hashes long:
 *
 *   MAP({})          = 0^32                                             (empty)
 *   MAP({e})         = SHA-256(0x10 ‖ e.index (32) ‖ u32be(e.keySequence) ‖ u64be(e.leafIndex))
 *   MAP(E), |E| ≥ 2  = SHA-256(0x11 ‖ MAP(E with next bit 0) ‖ MAP(E with next bit 1))
 *
 * The tags 0x10 and 0x11 are apart from RFC 9162's 0x00 and 0x01, so no map
 * node ever hashes like a log leaf or log node. No SHA-256 input has the
 * all-zero output, so the empty subtree hashes like nothing else.
 *
 * A path for index i is the list of sibling hashes from the root down to the
 * depth where i's one-entry subtree is; verifying folds it back up from
 * MAP({e}). Binding: two paths for one index under one root either have one
 * length (then a SHA-256 collision), or the shorter ends at a leaf where the
 * longer passes a branch (tags differ: again a collision).
 */
import { assertBytes, concatBytes, equalBytes } from '../crypto/bytes.js';
import { sha256 } from '../crypto/sha256.js';
import { HASH_BYTES } from './merkle.js';
import { KEY_LOG_INDEX_BYTES } from './leaf.js';

const MAP_LEAF_TAG = 0x10;
const MAP_BRANCH_TAG = 0x11;
/** At most one sibling per bit of the index. */
export const KEY_MAP_MAX_DEPTH = KEY_LOG_INDEX_BYTES * 8;

/** One entry: the newest leaf filed under `index`. */
export interface KeyMapEntry {
  readonly index: Uint8Array;
  readonly keySequence: number;
  readonly leafIndex: number;
}

/** The hash of the empty map (and of every empty subtree). */
export const EMPTY_KEY_MAP_ROOT: Uint8Array = new Uint8Array(HASH_BYTES);

/** MAP({e}): a subtree holding exactly `entry`, at whatever depth. */
export function keyMapLeafHash(entry: KeyMapEntry): Uint8Array {
  assertBytes(entry.index, 'index', KEY_LOG_INDEX_BYTES);
  if (!Number.isInteger(entry.keySequence) || entry.keySequence < 0 || entry.keySequence > 0xffff_ffff) throw new RangeError('keySequence: expected a u32');
  if (!Number.isSafeInteger(entry.leafIndex) || entry.leafIndex < 0) throw new RangeError('leafIndex: expected a non-negative safe integer');
  const out = new Uint8Array(1 + KEY_LOG_INDEX_BYTES + 4 + 8);
  const view = new DataView(out.buffer);
  out[0] = MAP_LEAF_TAG;
  out.set(entry.index, 1);
  view.setUint32(1 + KEY_LOG_INDEX_BYTES, entry.keySequence);
  view.setBigUint64(1 + KEY_LOG_INDEX_BYTES + 4, BigInt(entry.leafIndex));
  return sha256(out);
}

/** A subtree holding two or more entries. */
export function keyMapBranchHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([MAP_BRANCH_TAG]), left, right));
}

/** Bit `depth` of a 32-byte index, most significant first. */
export function keyMapBit(index: Uint8Array, depth: number): 0 | 1 {
  return ((index[depth >> 3]! >> (7 - (depth & 7))) & 1) as 0 | 1;
}

/**
 * Does `path` (siblings, root side first) show `entry` as what the map with
 * root `root` holds for `entry.index`? False on any malformed input.
 */
export function verifyKeyMapPath(root: Uint8Array, entry: KeyMapEntry, path: readonly Uint8Array[]): boolean {
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES || path.length > KEY_MAP_MAX_DEPTH) return false;
  if (!path.every((h) => h instanceof Uint8Array && h.length === HASH_BYTES)) return false;
  let hash: Uint8Array;
  try {
    hash = keyMapLeafHash(entry);
  } catch {
    return false;
  }
  for (let depth = path.length - 1; depth >= 0; depth--) {
    hash = keyMapBit(entry.index, depth) === 0 ? keyMapBranchHash(hash, path[depth]!) : keyMapBranchHash(path[depth]!, hash);
  }
  return equalBytes(hash, root);
}

/**
 * The root of the map holding `entries` (one per index), computed from
 * scratch by the definition above. The key log's projection builds the same
 * root incrementally; this is the reference it is tested against, and what
 * an auditor replaying the public leaves (each leaf's index and key sequence,
 * the newest per index) would compute.
 */
export function keyMapRoot(entries: readonly KeyMapEntry[]): Uint8Array {
  const hashOf = (subset: readonly KeyMapEntry[], depth: number): Uint8Array => {
    if (subset.length === 0) return EMPTY_KEY_MAP_ROOT;
    if (subset.length === 1) return keyMapLeafHash(subset[0]!);
    if (depth >= KEY_MAP_MAX_DEPTH) throw new RangeError('key map: two entries with one index');
    const left = subset.filter((e) => keyMapBit(e.index, depth) === 0);
    const right = subset.filter((e) => keyMapBit(e.index, depth) === 1);
    return keyMapBranchHash(hashOf(left, depth + 1), hashOf(right, depth + 1));
  };
  return hashOf(entries, 0);
}
