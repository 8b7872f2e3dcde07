/**
 * The newest-key map (sdk/src/keylog/key-map.ts) kept as read-model rows, so
 * that each key event updates it in O(depth) rows, and a proof can be served
 * under any size the log has had:
 *
 *   map:<depth 3>:<prefix hex>  the node at that position now (the current
 *                               tree; what the next insertion reads)
 *   mn:<hash base64>            a branch by its hash, written once and never
 *                               changed: every version of the tree stays
 *                               walkable from its root (the root after leaf
 *                               n is in leaf n), so proofs under an older
 *                               head, e.g. the newest one the witnesses have
 *                               co-signed, need no rebuilding. A walk for an
 *                               entry ends where the hash is that entry's
 *                               leaf hash, so leaves need no such row.
 *
 * A node is a leaf (one entry: a subtree holding exactly one index) or a
 * branch (the hashes of its two halves, base64); an absent position is empty.
 * Hashes are base64 in rows and ids: they are most of what the map stores.
 *
 * A projection declares the rows it reads before it folds, so an insertion
 * may read positions 0..KEY_MAP_READ_DEPTH of its index's path. An index's
 * path ends where no other index shares its prefix, one level below the
 * longest prefix it shares with any other; VRF outputs are uniformly random
 * (nobody without the server's VRF key can aim at a prefix), so among a
 * billion users two share 80 bits with probability about 2^-21. Beyond that
 * the fold stops with UndeclaredDocumentError rather than go on wrongly.
 */
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  EMPTY_KEY_MAP_ROOT,
  hexToBytes,
  keyMapBit,
  keyMapBranchHash,
  keyMapLeafHash,
  type KeyMapEntry,
} from '@peerlock/sdk';
import type { ReadModelChange, ReadModelView } from '../projection.js';

export interface KeyMapLeafRow {
  readonly kind: 'map-leaf';
  /** hex, 32 bytes */
  readonly index: string;
  readonly keySequence: number;
  readonly leafIndex: number;
}

export interface KeyMapBranchRow {
  readonly kind: 'map-branch';
  /** base64 hashes of the halves whose next bit is 0 and 1 */
  readonly left: string;
  readonly right: string;
}

export type KeyMapRow = KeyMapLeafRow | KeyMapBranchRow;

export const KEY_MAP_READ_DEPTH = 80;
export const EMPTY_KEY_MAP_ROOT_B64 = bytesToBase64(EMPTY_KEY_MAP_ROOT);

/** The position at `depth` on `index`'s path: its first `depth` bits, as hex with the unused low bits of the last digit zero. */
export function keyMapPositionId(index: Uint8Array, depth: number): string {
  const digits = Math.ceil(depth / 4);
  let hex = bytesToHex(index.subarray(0, Math.ceil(digits / 2))).slice(0, digits);
  const spare = digits * 4 - depth;
  if (spare > 0) hex = hex.slice(0, -1) + ((parseInt(hex.slice(-1), 16) >> spare) << spare).toString(16);
  return `map:${String(depth).padStart(3, '0')}:${hex}`;
}

/** The branch whose hash is `hash` (base64). */
export const keyMapNodeId = (hash: string): string => `mn:${hash}`;

/** Every position an insertion of `index` may read. */
export function keyMapReadIds(index: Uint8Array): string[] {
  return Array.from({ length: KEY_MAP_READ_DEPTH + 1 }, (_, depth) => keyMapPositionId(index, depth));
}

const entryOf = (row: KeyMapLeafRow): KeyMapEntry => ({ index: hexToBytes(row.index), keySequence: row.keySequence, leafIndex: row.leafIndex });

/** The hash of a stored node. */
export function keyMapRowHash(row: KeyMapRow): Uint8Array {
  return row.kind === 'map-leaf' ? keyMapLeafHash(entryOf(row)) : keyMapBranchHash(base64ToBytes(row.left), base64ToBytes(row.right));
}

/**
 * Sets `entry` as its index's newest, on the current tree in `view`. Returns
 * the rows to write and the new root (base64).
 */
export function insertIntoKeyMap(view: ReadModelView<unknown>, entry: KeyMapEntry): { changes: ReadModelChange<KeyMapRow>[]; root: string } {
  const { index } = entry;
  // Down the path: branches, then an empty position or a leaf.
  const branches: KeyMapBranchRow[] = [];
  let terminal: KeyMapLeafRow | undefined;
  for (;;) {
    const row = view.get(keyMapPositionId(index, branches.length)) as KeyMapRow | undefined;
    if (row?.kind !== 'map-branch') {
      terminal = row;
      break;
    }
    branches.push(row);
  }
  const depth = branches.length;
  const changes: ReadModelChange<KeyMapRow>[] = [];
  const put = (position: number, row: KeyMapRow, hash: string): void => {
    changes.push({ op: 'put', id: keyMapPositionId(index, position), doc: row });
    if (row.kind === 'map-branch') changes.push({ op: 'put', id: keyMapNodeId(hash), doc: row });
  };
  const branch = (position: number, mine: string, other: string): string => {
    const row: KeyMapBranchRow = keyMapBit(index, position) === 0 ? { kind: 'map-branch', left: mine, right: other } : { kind: 'map-branch', left: other, right: mine };
    const hash = bytesToBase64(keyMapRowHash(row));
    put(position, row, hash);
    return hash;
  };

  const leaf: KeyMapLeafRow = { kind: 'map-leaf', index: bytesToHex(index), keySequence: entry.keySequence, leafIndex: entry.leafIndex };
  let hash = bytesToBase64(keyMapLeafHash(entry));
  if (terminal && terminal.index !== leaf.index) {
    // Another index's leaf holds this prefix: both go down to where they first differ.
    const other = hexToBytes(terminal.index);
    let split = depth;
    while (keyMapBit(index, split) === keyMapBit(other, split)) split += 1;
    changes.push({ op: 'put', id: keyMapPositionId(other, split + 1), doc: terminal });
    put(split + 1, leaf, hash);
    hash = branch(split, hash, bytesToBase64(keyMapRowHash(terminal)));
    for (let position = split - 1; position >= depth; position--) hash = branch(position, hash, EMPTY_KEY_MAP_ROOT_B64);
  } else {
    put(depth, leaf, hash);
  }
  // Back up: each branch on the path gets this side's new hash.
  for (let position = depth - 1; position >= 0; position--) {
    const row = branches[position]!;
    hash = branch(position, hash, keyMapBit(index, position) === 0 ? row.right : row.left);
  }
  return { changes, root: hash };
}
