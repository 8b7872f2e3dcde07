import { AccountRegistered, KeyRotated } from '@peerlock/schema';
import { defineProjection, type ReadModelChange } from '../projection.js';
// The leaf encoding and the RFC 9162 hashes have one home, the SDK, whose verifier reads what this writes.
import { base64ToBytes, bytesToBase64, bytesToHex, encodeKeyLogLeaf, hexToBytes, keyLogCommitment, merkleLeafHash, merkleNodeHash } from '@peerlock/sdk';
import { insertIntoKeyMap, keyMapReadIds, type KeyMapRow } from './key-map-rows.js';

/**
 * The key-transparency log (DESIGN §6; docs/key-transparency.md): every key
 * event (a signup's keys, each KeyRotated) becomes one leaf of an append-only
 * RFC 9162 Merkle tree, in the event log's global order. Leaves name no one
 * (T12, sdk/src/keylog/leaf.ts): the server's secrets give each username's
 * VRF index and each key's commitment opening, deterministically, so the fold
 * stays pure: the same secrets and events give the same tree, on every node
 * and in every rebuild. Rows and checkpoint
 * commit together like every projection, so the tree is exactly the fold of
 * the log up to the checkpoint and a rebuild reproduces it bit for bit.
 *
 * Documents (hashes in lowercase hex):
 *
 *   state                 { size, timestamp, frontier }   frontier: the roots of the perfect
 *                                                          subtrees the tree decomposes into,
 *                                                          largest first (at most log2(size)+1)
 *   leaf:<index 12 digits> { leaf (base64), hash }
 *   node:<level 2>:<index 12> { hash }                     the perfect subtree of 2^level leaves
 *                                                          starting at leaf index·2^level (level ≥ 1);
 *                                                          immutable once written
 *   user:<username>        { leafIndex, keySequence, miniLockId, authPublicKey, timestamp }
 *                                                          the user's current key's leaf and what
 *                                                          its commitment holds (served only to an
 *                                                          exact lookup by this name)
 *   map:…, mn:…            the newest-key map (key-map-rows.ts): each leaf sets its index's
 *                          entry, and the leaf carries the map's root after it
 *
 * Appending leaf n merges it into the frontier as a binary counter adds one:
 * while the last frontier root is as high as the new node, the two become
 * their parent, which is written as a node row. So each append writes one
 * leaf row plus one node row per level it completes (amortized two), reads
 * only `state` and the user's row, and the root of any size, and every
 * subtree hash a proof needs, comes from stored rows without rehashing leaves.
 *
 * Events the directory ignores (a second registration, a rotation that does
 * not start from the user's current key, anything for an unknown user) are
 * ignored here too, so the log's current key of a user is the directory's.
 */
export interface KeyLogFrontierNode {
  readonly level: number;
  readonly hash: string;
}

export interface KeyLogState {
  readonly kind: 'state';
  readonly size: number;
  /** Unix ms of the newest leaf's event; 0 for the empty tree. */
  readonly timestamp: number;
  readonly frontier: readonly KeyLogFrontierNode[];
}

export interface KeyLogLeafRow {
  readonly kind: 'leaf';
  readonly leaf: string;
  readonly hash: string;
  /** Unix ms of the key event: the tree head of this size is signed with it. */
  readonly timestamp: number;
}

export interface KeyLogNodeRow {
  readonly kind: 'node';
  readonly hash: string;
}

export interface KeyLogUserRow {
  readonly kind: 'user';
  readonly leafIndex: number;
  readonly keySequence: number;
  readonly miniLockId: string;
  readonly authPublicKey: string;
  /** Unix ms of the key event. */
  readonly timestamp: number;
}

/** The server's secret-keyed functions the leaves are made with (ServerKeys). */
export interface KeyLogSecrets {
  /** The VRF index a username's leaves are filed under (32 bytes). */
  index(username: string): Uint8Array;
  /** The opening of the commitment of a username's key number keySequence (32 bytes). */
  opening(username: string, keySequence: number): Uint8Array;
}

export type KeyLogDocument = KeyLogState | KeyLogLeafRow | KeyLogNodeRow | KeyLogUserRow | KeyMapRow;

export const KEY_LOG_STATE_ID = 'state';
export const keyLogLeafId = (index: number): string => `leaf:${String(index).padStart(12, '0')}`;
export const keyLogNodeId = (level: number, index: number): string => `node:${String(level).padStart(2, '0')}:${String(index).padStart(12, '0')}`;
export const keyLogUserId = (username: string): string => `user:${username}`;
export const emptyKeyLogState: KeyLogState = { kind: 'state', size: 0, timestamp: 0, frontier: [] };

/**
 * The projection for one server's secrets. Its name is new with each leaf
 * version: a server upgraded from an earlier log (read models `key_log`,
 * v1 leaves, and `private_key_log`, v2 leaves without the map; no longer
 * read) builds this one from the events on its first start.
 */
export const KEY_LOG_PROJECTION_NAME = 'key_log_v3';

/** The last few usernames' VRF indices: documentIds and apply both need the one of each event (~1.5 ms each). */
function rememberIndices(index: (username: string) => Uint8Array): (username: string) => Uint8Array {
  const known = new Map<string, Uint8Array>();
  return (username) => {
    let found = known.get(username);
    if (!found) {
      if (known.size >= 4096) known.delete(known.keys().next().value!);
      found = index(username);
      known.set(username, found);
    }
    return found;
  };
}

export const createKeyLogProjection = (secrets: KeyLogSecrets) => {
  const indexOf = rememberIndices((username) => secrets.index(username));
  return defineProjection({
    name: KEY_LOG_PROJECTION_NAME,
    version: 1,
    handles: [AccountRegistered, KeyRotated],
    documentIds: (event) => [KEY_LOG_STATE_ID, keyLogUserId(event.data.username), ...keyMapReadIds(indexOf(event.data.username))],
    apply(view, event): ReadModelChange<KeyLogDocument>[] {
      const { username, miniLockId, authPublicKey } = event.data;
      const user = view.get(keyLogUserId(username)) as KeyLogUserRow | undefined;
      let keySequence: number;
      if (event.type === 'AccountRegistered') {
        if (user) return [];
        keySequence = 0;
      } else {
        if (!user || user.miniLockId !== event.data.previousMiniLockId) return [];
        keySequence = user.keySequence + 1;
      }
      const state = (view.get(KEY_LOG_STATE_ID) as KeyLogState | undefined) ?? emptyKeyLogState;
      const timestamp = Date.parse(event.metadata.occurredAt);
      const commitment = keyLogCommitment(secrets.opening(username, keySequence), { timestamp, keySequence, username, miniLockId, authPublicKey });
      const index = state.size;
      const vrfIndex = indexOf(username);
      const map = insertIntoKeyMap(view, { index: vrfIndex, keySequence, leafIndex: index });
      const leaf = encodeKeyLogLeaf({ index: vrfIndex, keySequence, commitment, mapRoot: base64ToBytes(map.root) });
      const hash = merkleLeafHash(leaf);
      const changes: ReadModelChange<KeyLogDocument>[] = [...map.changes, { op: 'put', id: keyLogLeafId(index), doc: { kind: 'leaf', leaf: bytesToBase64(leaf), hash: bytesToHex(hash), timestamp } }];
      // Merge into the frontier: equal-height roots pair up into their parent (RFC 9162 MTH on a perfect subtree).
      const frontier = [...state.frontier];
      let node = hash;
      let level = 0;
      let nodeIndex = index;
      while (frontier.length > 0 && frontier[frontier.length - 1]!.level === level) {
        const left = frontier.pop()!;
        node = merkleNodeHash(hexToBytes(left.hash), node);
        level += 1;
        nodeIndex = Math.floor(nodeIndex / 2);
        changes.push({ op: 'put', id: keyLogNodeId(level, nodeIndex), doc: { kind: 'node', hash: bytesToHex(node) } });
      }
      frontier.push({ level, hash: bytesToHex(node) });
      changes.push({ op: 'put', id: KEY_LOG_STATE_ID, doc: { kind: 'state', size: index + 1, timestamp, frontier } });
      changes.push({ op: 'put', id: keyLogUserId(username), doc: { kind: 'user', leafIndex: index, keySequence, miniLockId, authPublicKey, timestamp } });
      return changes;
    },
  });
};
