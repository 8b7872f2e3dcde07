/**
 * Merkle tree hashing and proof verification exactly as RFC 9162
 * (Certificate Transparency v2) §2.1, with SHA-256:
 *
 *   MTH({})       = SHA-256()                                   (empty tree)
 *   MTH({d0})     = SHA-256(0x00 ‖ d0)                          (leaf hash)
 *   MTH(D[n])     = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   k = largest power of two < n
 *
 * The 0x00 / 0x01 prefixes keep a leaf from ever hashing like an inner node
 * (second-preimage resistance). The verifiers below are the algorithms of
 * §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), step for step; they are
 * pure and synchronous and return false on any malformed input rather than
 * throwing, so callers map "false" to their own typed error.
 *
 * Sizes and indices are JavaScript numbers (safe integers); the arithmetic
 * uses division, not 32-bit shifts, so it is exact up to 2^53.
 */
import { concatBytes, equalBytes } from '../crypto/bytes.js';
import { sha256 } from '../crypto/sha256.js';

export const HASH_BYTES = 32;
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** SHA-256(0x00 ‖ leaf): the hash of one log entry. */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, leaf));
}

/** SHA-256(0x01 ‖ left ‖ right): an inner node. */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** The root of the empty tree, SHA-256 of the empty string. */
export function emptyTreeRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_BYTES;
const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * RFC 9162 §2.1.3.2: does `auditPath` prove that the leaf with hash
 * `leafHash` sits at `leafIndex` in the tree of `treeSize` leaves whose root
 * is `root`?
 */
export function verifyInclusion(leafHash: Uint8Array, leafIndex: number, treeSize: number, auditPath: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isHash(leafHash) || !isHash(root) || !isSize(leafIndex) || !isSize(treeSize) || !auditPath.every(isHash)) return false;
  // 1. leaf_index must be below tree_size.
  if (leafIndex >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size − 1, r = hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  // 3. For each p in the path:
  for (const p of auditPath) {
    // a. If sn is 0, the path is too long.
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      // b. p is a left sibling: r = HASH(0x01 ‖ p ‖ r) …
      r = merkleNodeHash(p, r);
      // … and, if fn was a right-edge node with no sibling, climb until fn is a right child or 0.
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      // c. p is a right sibling: r = HASH(0x01 ‖ r ‖ p).
      r = merkleNodeHash(r, p);
    }
    // d. Up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 4. The path must reach the root exactly, and end at the given root.
  return sn === 0 && equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `firstSize` leaves
 * with root `firstRoot` is a prefix of the tree of `secondSize` leaves with
 * root `secondRoot`? Equal sizes need an empty proof and equal roots; the
 * empty tree is a prefix of every tree.
 */
export function verifyConsistency(firstSize: number, secondSize: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  if (!isSize(firstSize) || !isSize(secondSize) || !isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  if (firstSize > secondSize) return false;
  if (firstSize === secondSize) return proof.length === 0 && equalBytes(firstRoot, secondRoot);
  if (firstSize === 0) return proof.length === 0 && equalBytes(firstRoot, emptyTreeRoot());
  // 1. If first is an exact power of two, its root is the first node of the path.
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  // 2. fn = first − 1, sn = second − 1.
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  // 3. If LSB(fn) is set, right-shift both until it is not.
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 4. fr = sr = the first node of the path.
  let fr = path[0]!;
  let sr = path[0]!;
  // 5. For each remaining c:
  for (const c of path.slice(1)) {
    // a. The path is too long.
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      // b. c is a left sibling in both trees.
      fr = merkleNodeHash(c, fr);
      sr = merkleNodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      // c. c lies beyond the first tree: only the second root takes it.
      sr = merkleNodeHash(sr, c);
    }
    // d. Up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 6. Both roots reproduced and the path used up exactly.
  return sn === 0 && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && !odd(x)) x = half(x);
  return x === 1;
}

/** How a tree (size, root) a log shows relates to one seen before. */
export type TreeAdvance = 'same' | 'extends' | 'rollback' | 'fork' | 'bad-consistency-proof';

/**
 * The one rule for moving from a tree seen before to a tree shown now (a
 * client's trusted head, a witness's last co-signed checkpoint): never
 * smaller (rollback); at the same size the same root (else a fork); larger
 * only with a valid RFC 9162 consistency proof (unused otherwise).
 */
export function treeAdvance(
  seen: { readonly treeSize: number; readonly rootHash: Uint8Array },
  shown: { readonly treeSize: number; readonly rootHash: Uint8Array },
  consistencyProof: readonly Uint8Array[] | null,
): TreeAdvance {
  if (shown.treeSize < seen.treeSize) return 'rollback';
  if (shown.treeSize === seen.treeSize) return equalBytes(shown.rootHash, seen.rootHash) ? 'same' : 'fork';
  return consistencyProof !== null && verifyConsistency(seen.treeSize, shown.treeSize, consistencyProof, seen.rootHash, shown.rootHash) ? 'extends' : 'bad-consistency-proof';
}
