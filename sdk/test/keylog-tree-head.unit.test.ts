/** Key transparency, the client checks: leaf format, tree-head signatures, rollback, forks, key inclusion → exact typed errors. */
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  checkKeyInclusion,
  checkTreeHeadAdvance,
  decodeKeyLogLeaf,
  encodeKeyLogLeaf,
  hexToBytes,
  MalformedLeafError,
  treeHeadSignedBytes,
  verifyTreeHeadSignature,
  type KeyLogLeaf,
  type TreeHead,
} from '../src/index.js';

/** Pins the leaf format (version 1) that the server's projection writes with this same encoder. */
const VECTOR: { fields: KeyLogLeaf; hex: string } = {
  fields: { kind: 'rotated', timestamp: 1_780_000_000_123, keySequence: 2, username: 'alice', miniLockId: '3YTtcFtiWfbAbcb5bfa9MwFVUcbSuiVF7YTarUzy3HVNi', authPublicKey: 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=' },
  hex: '01020000019e7044887b000000020005616c696365002d33595474634674695766624162636235626661394d77465655636253756956463759546172557a793348564e69002c4349384a62724d565844694245443776785337413438686a62304a552b57656a652f6f68646464616946633d',
};

const sha = (...p: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(p)).digest());
const server = nacl.sign.keyPair();
const sign = (treeSize: number, timestamp: number, rootHash: Uint8Array, key = server.secretKey): TreeHead => ({
  treeSize,
  timestamp,
  rootHash,
  signature: nacl.sign.detached(treeHeadSignedBytes(treeSize, timestamp, rootHash), key),
});

/** A two-leaf log: alice's key and bob's. */
const leaves = [
  encodeKeyLogLeaf({ ...VECTOR.fields, kind: 'registered', keySequence: 0 }),
  encodeKeyLogLeaf({ ...VECTOR.fields, kind: 'registered', keySequence: 0, username: 'bob', miniLockId: 'mkLCsZTqvpc5TzRUMQCgAodEShkDWs5uWUxrLpfR8hB3R' }),
];
const leafHashes = leaves.map((l) => sha(Uint8Array.of(0), l));
const root1 = leafHashes[0]!;
const root2 = sha(Uint8Array.of(1), leafHashes[0]!, leafHashes[1]!);

describe('key-log leaves', () => {
  it('encode to the shared vector and decode back', () => {
    expect(bytesToHex(encodeKeyLogLeaf(VECTOR.fields))).toBe(VECTOR.hex);
    expect(decodeKeyLogLeaf(hexToBytes(VECTOR.hex))).toEqual(VECTOR.fields);
  });

  it('refuses a wrong version or kind, truncation and trailing bytes', () => {
    const bytes = hexToBytes(VECTOR.hex);
    const with0 = (i: number, v: number) => Uint8Array.from(bytes, (b, j) => (j === i ? v : b));
    for (const bad of [with0(0, 2), with0(1, 3), bytes.subarray(0, bytes.length - 1), Uint8Array.of(...bytes, 0), bytes.subarray(0, 10)]) {
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

  it('key inclusion: the proven leaf must be this user and this key, else KeyNotInLog', () => {
    const head = sign(2, 2000, root2);
    const alice = { username: 'alice', miniLockId: VECTOR.fields.miniLockId };
    expect(checkKeyInclusion(alice, head, { leafIndex: 0, leaf: leaves[0]!, auditPath: [leafHashes[1]!] })).toMatchObject({ username: 'alice', kind: 'registered' });
    const refused = (reason: string) => expect.objectContaining({ code: 'KEY_NOT_IN_LOG', reason, username: 'alice' });
    expect(() => checkKeyInclusion(alice, head, { leafIndex: 1, leaf: leaves[0]!, auditPath: [leafHashes[1]!] })).toThrow(refused('bad-proof'));
    expect(() => checkKeyInclusion(alice, head, { leafIndex: 1, leaf: leaves[1]!, auditPath: [leafHashes[0]!] })).toThrow(refused('key-mismatch'));
    expect(() => checkKeyInclusion({ ...alice, miniLockId: 'mkLCsZTqvpc5TzRUMQCgAodEShkDWs5uWUxrLpfR8hB3R' }, head, { leafIndex: 0, leaf: leaves[0]!, auditPath: [leafHashes[1]!] })).toThrow(
      refused('key-mismatch'),
    );
    expect(() => checkKeyInclusion(alice, head, { leafIndex: 0, leaf: Uint8Array.of(1, 2, 3), auditPath: [leafHashes[1]!] })).toThrow(refused('malformed-leaf'));
  });
});
