/** Key transparency, the client checks: leaf format, tree-head signatures, rollback, forks, exact lookups → exact typed errors. */
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  checkKeyLookup,
  checkTreeHeadAdvance,
  decodeKeyLogLeaf,
  encodeKeyLogLeaf,
  hexToBytes,
  keyLogCommitment,
  keyLogIndex,
  keyMapBit,
  keyMapBranchHash,
  keyMapLeafHash,
  keyMapRoot,
  MalformedLeafError,
  treeHeadSignedBytes,
  utf8ToBytes,
  verifyTreeHeadSignature,
  verifyVrfKey,
  vrfKeySignedBytes,
  vrfProve,
  vrfPublicKey,
  type KeyLogEntry,
  type KeyMapEntry,
  type TreeHead,
} from '../src/index.js';

const sha = (...p: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(p)).digest());
const server = nacl.sign.keyPair();
const sign = (treeSize: number, timestamp: number, rootHash: Uint8Array, key = server.secretKey): TreeHead => ({
  treeSize,
  timestamp,
  rootHash,
  signature: nacl.sign.detached(treeHeadSignedBytes(treeSize, timestamp, rootHash), key),
});

// The server's VRF key: RFC 9381's example 16 secret key (its proofs are pinned in vrf.unit.test.ts).
const vrfSecret = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const vrfKey = vrfPublicKey(vrfSecret);
const alice: KeyLogEntry = { timestamp: 1_780_000_000_123, keySequence: 2, username: 'alice', miniLockId: '3YTtcFtiWfbAbcb5bfa9MwFVUcbSuiVF7YTarUzy3HVNi', authPublicKey: 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=' };
const bob: KeyLogEntry = { ...alice, keySequence: 0, username: 'bob', miniLockId: 'mkLCsZTqvpc5TzRUMQCgAodEShkDWs5uWUxrLpfR8hB3R' };
const opening = (e: KeyLogEntry) => sha(utf8ToBytes(`opening of ${e.username} ${e.keySequence}`));
const indexOf = (username: string) => keyLogIndex(vrfProve(vrfSecret, utf8ToBytes(username)).output);

/** Leaves for `events` in order, each carrying the newest-key map after it, as the server's projection builds them. */
function logOf(events: readonly KeyLogEntry[]): { leaves: Uint8Array[]; maps: KeyMapEntry[][] } {
  const newest = new Map<string, KeyMapEntry>();
  const leaves: Uint8Array[] = [];
  const maps: KeyMapEntry[][] = [];
  events.forEach((e, leafIndex) => {
    newest.set(e.username, { index: indexOf(e.username), keySequence: e.keySequence, leafIndex });
    maps.push([...newest.values()]);
    leaves.push(encodeKeyLogLeaf({ index: indexOf(e.username), keySequence: e.keySequence, commitment: keyLogCommitment(opening(e), e), mapRoot: keyMapRoot([...newest.values()]) }));
  });
  return { leaves, maps };
}

/** The map path of `index` in the map of `entries`, by the definition (siblings root side first). */
function mapPathOf(entries: readonly KeyMapEntry[], index: Uint8Array, depth = 0): Uint8Array[] {
  if (entries.length <= 1) return [];
  const side = keyMapBit(index, depth);
  const mine = entries.filter((e) => keyMapBit(e.index, depth) === side);
  const other = entries.filter((e) => keyMapBit(e.index, depth) !== side);
  return [keyMapRoot(other), ...mapPathOf(mine, index, depth + 1)];
}

/** The commitment written out from the format in leaf.ts with node:crypto, field by field: an independent computation. */
function commitmentByHand(o: Uint8Array, e: KeyLogEntry): Uint8Array {
  const str = (v: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(v)]), Buffer.from(v)]);
  const u64 = Buffer.alloc(8);
  u64.writeBigUInt64BE(BigInt(e.timestamp));
  const u32 = Buffer.alloc(4);
  u32.writeUInt32BE(e.keySequence);
  return sha(Buffer.from('peerlock/key-log/commitment/v1\0'), o, u64, u32, str(e.username), str(e.miniLockId), str(e.authPublicKey));
}

/** A two-leaf log: alice's key and bob's. */
const { leaves } = logOf([alice, bob]);
const leafHashes = leaves.map((l) => sha(Uint8Array.of(0), l));
const root1 = leafHashes[0]!;
const root2 = sha(Uint8Array.of(1), leafHashes[0]!, leafHashes[1]!);

describe('key-log leaves (version 3: private, with the newest-key map)', () => {
  it('hold the VRF index, the key sequence, the commitment and the map root, 101 bytes; the commitment is the format in leaf.ts computed independently', () => {
    const leaf = leaves[0]!;
    expect(leaf).toHaveLength(101);
    expect(leaf[0]).toBe(3);
    const decoded = decodeKeyLogLeaf(leaf);
    // RFC 9381 example 16's key on "alice": the index is the first 32 bytes of the output, as the RFC computes it.
    expect(bytesToHex(decoded.index)).toBe(bytesToHex(vrfProve(vrfSecret, utf8ToBytes('alice')).output.subarray(0, 32)));
    expect(decoded.keySequence).toBe(2);
    expect(bytesToHex(decoded.commitment)).toBe(bytesToHex(commitmentByHand(opening(alice), alice)));
    // The map after leaf 0 holds alice's entry alone: its root is that entry's leaf hash, written out by hand.
    const u32 = Buffer.alloc(4);
    u32.writeUInt32BE(2);
    expect(bytesToHex(decoded.mapRoot)).toBe(bytesToHex(sha(Uint8Array.of(0x10), decoded.index, u32, new Uint8Array(8))));
    // Nothing of the name or the key is in the bytes.
    for (const secret of [alice.username, alice.miniLockId, alice.authPublicKey]) expect(Buffer.from(leaf).includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a wrong version, truncation and trailing bytes', () => {
    const bytes = leaves[0]!;
    const with0 = (i: number, v: number) => Uint8Array.from(bytes, (b, j) => (j === i ? v : b));
    for (const bad of [with0(0, 1), with0(0, 2), with0(0, 4), bytes.subarray(0, bytes.length - 1), Uint8Array.of(...bytes, 0), bytes.subarray(0, 10), new Uint8Array(0)]) {
      expect(() => decodeKeyLogLeaf(bad)).toThrow(MalformedLeafError);
    }
  });
});

describe('tree heads', () => {
  it('verify under the pinned key; a forged or altered head → TreeHeadSignatureInvalid', () => {
    const head = sign(2, 1000, root2);
    expect(() => verifyTreeHeadSignature(head, server.publicKey)).not.toThrow();
    const other = nacl.sign.keyPair();
    const code = { code: 'TREE_HEAD_SIGNATURE_INVALID' };
    expect(() => verifyTreeHeadSignature(sign(2, 1000, root2, other.secretKey), server.publicKey)).toThrow(expect.objectContaining(code));
    expect(() => verifyTreeHeadSignature({ ...head, treeSize: 3 }, server.publicKey)).toThrow(expect.objectContaining(code));
    expect(() => verifyTreeHeadSignature({ ...head, timestamp: 1001 }, server.publicKey)).toThrow(expect.objectContaining(code));
    expect(() => verifyTreeHeadSignature({ ...head, rootHash: root1 }, server.publicKey)).toThrow(expect.objectContaining(code));
    expect(() => verifyTreeHeadSignature({ ...head, signature: new Uint8Array(64) }, server.publicKey)).toThrow(expect.objectContaining(code));
  });

  it('advance: first sight is trusted; rollback → TreeHeadRollback; same size, other root → fork; bad proof → InconsistentTreeHead', () => {
    const h1 = sign(1, 1000, root1);
    const h2 = sign(2, 2000, root2);
    expect(checkTreeHeadAdvance(null, h2, null)).toBe(h2);
    expect(checkTreeHeadAdvance(h1, h2, [leafHashes[1]!])).toBe(h2);
    expect(checkTreeHeadAdvance(h2, h2, null)).toBe(h2);
    expect(() => checkTreeHeadAdvance(h2, h1, null)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_ROLLBACK', trustedSize: 2, shownSize: 1 }));
    const fork = sign(2, 2000, sha(Uint8Array.of(1), leafHashes[0]!, sha(Uint8Array.of(0), Uint8Array.of(9))));
    expect(() => checkTreeHeadAdvance(h2, fork, null)).toThrow(expect.objectContaining({ code: 'INCONSISTENT_TREE_HEAD', reason: 'fork' }));
    expect(() => checkTreeHeadAdvance(h1, fork, [leafHashes[1]!])).toThrow(expect.objectContaining({ code: 'INCONSISTENT_TREE_HEAD', reason: 'bad-consistency-proof' }));
    expect(() => checkTreeHeadAdvance(h1, h2, null)).toThrow(expect.objectContaining({ code: 'INCONSISTENT_TREE_HEAD', reason: 'bad-consistency-proof' }));
  });

  it('exact lookup: the leaf is in the tree, filed under this name (VRF proof), committed to this key (opening) and the newest for the name, else KeyNotInLog', () => {
    // alice's key 1, bob's key, alice's key 2 (after a rotation): MTH of three leaves.
    const aliceBefore: KeyLogEntry = { ...alice, keySequence: 1, miniLockId: 'VAHgKzXGjvXt7xDCUZ1NpX4RTgi5URWfVsMhNx2q9q7Ha' };
    const log = logOf([aliceBefore, bob, alice]);
    const h = log.leaves.map((l) => sha(Uint8Array.of(0), l));
    const root = sha(Uint8Array.of(1), sha(Uint8Array.of(1), h[0]!, h[1]!), h[2]!);
    const head = sign(3, 3000, root);
    const expected = { username: 'alice', miniLockId: alice.miniLockId };
    const proof = { leafIndex: 2, leaf: log.leaves[2]!, auditPath: [sha(Uint8Array.of(1), h[0]!, h[1]!)] };
    const lookup = { vrfProof: vrfProve(vrfSecret, utf8ToBytes('alice')).proof, opening: opening(alice), timestamp: alice.timestamp, authPublicKey: alice.authPublicKey };
    const newest = { lastLeaf: log.leaves[2]!, lastLeafAuditPath: proof.auditPath, mapPath: mapPathOf(log.maps[2]!, indexOf('alice')) };
    expect(newest.mapPath).toHaveLength(1);
    expect(checkKeyLookup(expected, head, proof, lookup, newest, vrfKey)).toEqual(alice);
    const refused = (reason: string) => expect.objectContaining({ code: 'KEY_NOT_IN_LOG', reason, username: 'alice' });
    expect(() => checkKeyLookup(expected, head, { ...proof, leafIndex: 1 }, lookup, newest, vrfKey)).toThrow(refused('bad-proof'));
    expect(() => checkKeyLookup(expected, head, { ...proof, leaf: Uint8Array.of(3, 2, 3) }, lookup, newest, vrfKey)).toThrow(refused('malformed-leaf'));
    // Bob's leaf, genuinely in the tree, shown as alice's: the VRF proof for "alice" names another index.
    const bobProof = { leafIndex: 1, leaf: log.leaves[1]!, auditPath: [h[0]!, h[2]!] };
    expect(() => checkKeyLookup(expected, head, bobProof, lookup, newest, vrfKey)).toThrow(refused('bad-vrf-proof'));
    // … or with bob's VRF proof: a proof for another name.
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, vrfProof: vrfProve(vrfSecret, utf8ToBytes('bob')).proof }, newest, vrfKey)).toThrow(refused('bad-vrf-proof'));
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, vrfProof: new Uint8Array(80) }, newest, vrfKey)).toThrow(refused('bad-vrf-proof'));
    expect(() => checkKeyLookup(expected, head, proof, lookup, newest, vrfPublicKey(new Uint8Array(32).fill(1)))).toThrow(refused('bad-vrf-proof'));
    // The commitment opens to exactly one key, time and opening.
    expect(() => checkKeyLookup({ ...expected, miniLockId: bob.miniLockId }, head, proof, lookup, newest, vrfKey)).toThrow(refused('key-mismatch'));
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, authPublicKey: 'AAAA' }, newest, vrfKey)).toThrow(refused('key-mismatch'));
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, timestamp: alice.timestamp + 1 }, newest, vrfKey)).toThrow(refused('key-mismatch'));
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, opening: opening(bob) }, newest, vrfKey)).toThrow(refused('key-mismatch'));
    expect(() => checkKeyLookup(expected, head, proof, { ...lookup, opening: new Uint8Array(31) }, newest, vrfKey)).toThrow(refused('key-mismatch'));

    // alice's key from before the rotation: in the tree, hers, opened right, but the head's map holds leaf 2 for her.
    const before = { username: 'alice', miniLockId: aliceBefore.miniLockId };
    const beforeProof = { leafIndex: 0, leaf: log.leaves[0]!, auditPath: [h[1]!, h[2]!] };
    const beforeLookup = { ...lookup, opening: opening(aliceBefore) };
    expect(() => checkKeyLookup(before, head, beforeProof, beforeLookup, newest, vrfKey)).toThrow(refused('not-newest'));
    // … with the map as it stood after leaf 0 (its own leaf's map root): that leaf is not the head's last.
    const stale = { lastLeaf: log.leaves[0]!, lastLeafAuditPath: beforeProof.auditPath, mapPath: [] };
    expect(() => checkKeyLookup(before, head, beforeProof, beforeLookup, stale, vrfKey)).toThrow(refused('not-newest'));
    // Under the head of size 1 (before the rotation) it was the newest.
    expect(checkKeyLookup(before, sign(1, 1000, h[0]!), { ...beforeProof, auditPath: [] }, beforeLookup, { ...stale, lastLeafAuditPath: [] }, vrfKey)).toEqual(aliceBefore);
    // A path that does not lead to the head's map root, or the last leaf shown at another place.
    expect(() => checkKeyLookup(expected, head, proof, lookup, { ...newest, mapPath: [new Uint8Array(32)] }, vrfKey)).toThrow(refused('not-newest'));
    expect(() => checkKeyLookup(expected, head, proof, lookup, { ...newest, mapPath: [] }, vrfKey)).toThrow(refused('not-newest'));
    expect(() => checkKeyLookup(expected, head, proof, lookup, { ...newest, lastLeaf: log.leaves[1]!, lastLeafAuditPath: [h[0]!, h[2]!] }, vrfKey)).toThrow(refused('not-newest'));
    // The map branch and leaf hashes are the definition's: bob's side and alice's split on their first differing bit.
    const bit = (username: string) => keyMapBit(indexOf(username), 0);
    expect(bit('alice')).not.toBe(bit('bob'));
    const [a, b] = [keyMapLeafHash(log.maps[2]![0]!), keyMapLeafHash(log.maps[2]![1]!)];
    expect(bytesToHex(decodeKeyLogLeaf(log.leaves[2]!).mapRoot)).toBe(bytesToHex(bit('alice') === 0 ? keyMapBranchHash(a, b) : keyMapBranchHash(b, a)));
  });

  it("the VRF key counts only under the pinned key's signature", () => {
    const signature = nacl.sign.detached(vrfKeySignedBytes(vrfKey), server.secretKey);
    expect(() => verifyVrfKey(vrfKey, signature, server.publicKey)).not.toThrow();
    expect(() => verifyVrfKey(vrfPublicKey(new Uint8Array(32)), signature, server.publicKey)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }));
    expect(() => verifyVrfKey(vrfKey, nacl.sign.detached(vrfKeySignedBytes(vrfKey), nacl.sign.keyPair().secretKey), server.publicKey)).toThrow(
      expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }),
    );
  });
});
