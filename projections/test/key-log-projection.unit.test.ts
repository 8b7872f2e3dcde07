/**
 * The key-log projection (DESIGN §6): leaves in log order, node rows equal to
 * the RFC 9162 subtree hashes, the frontier folding to the root of every
 * size, whatever the batching; leaves that name no one (T12), made with the
 * secrets given; each leaf carrying the newest-key map's root after it. The
 * references are MTH written from the RFC and the SDK's keyMapRoot, the map
 * computed from scratch by its definition.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@peerlock/schema';
import { base64ToBytes, bytesToBase64, bytesToHex, decodeKeyLogLeaf, keyLogCommitment, keyMapBit, keyMapLeafHash, keyMapRoot, verifyKeyMapPath, type KeyMapEntry } from '@peerlock/sdk';
import {
  createKeyLogProjection,
  emptyKeyLogState,
  foldEvents,
  KEY_MAP_READ_DEPTH,
  keyLogLeafId,
  keyLogNodeId,
  keyLogUserId,
  keyMapNodeId,
  keyMapPositionId,
  type KeyLogDocument,
  type KeyLogLeafRow,
  type KeyLogState,
  type KeyMapRow,
} from '../src/index.js';

/** Stand-ins for the server's VRF and opening keys: deterministic, distinct per name and key number. */
const secrets = {
  index: (username: string) => new Uint8Array(createHash('sha256').update(`index ${username}`).digest()),
  opening: (username: string, keySequence: number) => new Uint8Array(createHash('sha256').update(`opening ${username} ${keySequence}`).digest()),
};
const keyLogProjection = createKeyLogProjection(secrets);

const sha = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Buffer.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
const rootOf = (state: KeyLogState) => state.frontier.reduceRight<Buffer | null>((acc, f) => (acc === null ? Buffer.from(f.hash, 'hex') : sha(Buffer.of(1), Buffer.from(f.hash, 'hex'), acc)), null) ?? sha();

const AUTH = 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=';
const id = (n: number) => `${'123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[n % 33]!.repeat(10)}${String(n).padStart(33, '1')}`.replace(/0/g, '1');
let position = 0n;
function event(type: 'AccountRegistered' | 'KeyRotated', data: Record<string, unknown>): RecordedEvent {
  position += 1n;
  return {
    id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: null, correlationId: 'test', causationId: null, occurredAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + Number(position) * 1000).toISOString() },
    streamName: `account-${String(data.username)}`,
    streamRevision: 0n,
    globalPosition: position,
  } as RecordedEvent;
}
const sealed = { alg: 'xsalsa20poly1305', keyId: '3b1f8a9e-5c2d-4e7f-9a0b-1c2d3e4f5a6b', nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', ciphertext: 'c2VhbGVkIHByb2ZpbGUgYnl0ZXMgZ28gaGVyZQ==' };

/** n users register, and every third one rotates its key twice, interleaved. */
function history(n: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push(event('AccountRegistered', { username: `u${i}`, miniLockId: id(i), authPublicKey: AUTH, encryptedProfile: sealed }));
    if (i % 3 === 2) {
      events.push(event('KeyRotated', { username: `u${i}`, previousMiniLockId: id(i), miniLockId: id(i + 1000), authPublicKey: AUTH, authorizedBy: 'token' }));
      events.push(event('KeyRotated', { username: `u${i}`, previousMiniLockId: id(i + 1000), miniLockId: id(i + 2000), authPublicKey: AUTH, authorizedBy: 'token' }));
    }
  }
  return events;
}

function fold(events: readonly RecordedEvent[], batchSize: number): Map<string, KeyLogDocument> {
  const docs = new Map<string, KeyLogDocument>();
  const decoded = events.map((e) => keyLogProjection.decode(e));
  for (let i = 0; i < decoded.length; i += batchSize) {
    for (const [docId, doc] of foldEvents(keyLogProjection, { get: (k) => docs.get(k) }, decoded.slice(i, i + batchSize))) {
      if (doc === null) docs.delete(docId);
      else docs.set(docId, JSON.parse(JSON.stringify(doc)) as KeyLogDocument);
    }
  }
  return docs;
}

describe('key-log projection', () => {
  const events = history(40);

  it('appends one leaf per key event in log order; node rows are the RFC 9162 subtree hashes; the frontier folds to MTH', () => {
    const docs = fold(events, 1000);
    const state = docs.get('state') as KeyLogState;
    expect(state.size).toBe(40 + 2 * 13);
    const leaves = Array.from({ length: state.size }, (_, i) => Buffer.from((docs.get(keyLogLeafId(i)) as KeyLogLeafRow).leaf, 'base64'));
    expect(rootOf(state)).toEqual(mth(leaves));
    for (let level = 1; 2 ** level <= state.size; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= state.size; index++) {
        const doc = docs.get(keyLogNodeId(level, index)) as { hash: string };
        expect(doc.hash, `level ${level} index ${index}`).toBe(mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)).toString('hex'));
      }
    }
    const u2 = docs.get(keyLogUserId('u2'));
    expect(u2).toEqual({ kind: 'user', leafIndex: 4, keySequence: 2, miniLockId: id(2002), authPublicKey: AUTH, timestamp: expect.any(Number) });
    // u2's three keys: filed under u2's index, numbered, each committed to its key and time with its own opening.
    for (const [leafIndex, keySequence, key] of [[2, 0, id(2)], [3, 1, id(1002)], [4, 2, id(2002)]] as const) {
      const row = docs.get(keyLogLeafId(leafIndex)) as KeyLogLeafRow;
      const leaf = decodeKeyLogLeaf(new Uint8Array(Buffer.from(row.leaf, 'base64')));
      expect(leaf.index).toEqual(secrets.index('u2'));
      expect(leaf.keySequence).toBe(keySequence);
      const entry = { timestamp: row.timestamp, keySequence, username: 'u2', miniLockId: key, authPublicKey: AUTH };
      expect(leaf.commitment).toEqual(keyLogCommitment(secrets.opening('u2', keySequence), entry));
      // The rows the proofs are served from name no one.
      for (const named of ['u2', AUTH, key]) expect(JSON.stringify(row)).not.toContain(named);
    }
  });

  it('the root of every prefix is MTH of that prefix (folding one event at a time)', () => {
    const docs = new Map<string, KeyLogDocument>();
    const leaves: Buffer[] = [];
    for (const e of events) {
      for (const [k, doc] of foldEvents(keyLogProjection, { get: (x) => docs.get(x) }, [keyLogProjection.decode(e)])) docs.set(k, doc!);
      const state = (docs.get('state') as KeyLogState | undefined) ?? emptyKeyLogState;
      leaves.push(Buffer.from((docs.get(keyLogLeafId(state.size - 1)) as KeyLogLeafRow).leaf, 'base64'));
      expect(rootOf(state)).toEqual(mth(leaves));
    }
  });

  it('batching does not change a single row', () => {
    const one = fold(events, 1);
    for (const size of [2, 7, 1000]) expect(fold(events, size)).toEqual(one);
  });

  it('ignores what the directory ignores: a second registration, a rotation from a key that is not current, an unknown user', () => {
    const base = history(2);
    const extra = [
      event('AccountRegistered', { username: 'u0', miniLockId: id(77), authPublicKey: AUTH, encryptedProfile: sealed }),
      event('KeyRotated', { username: 'u1', previousMiniLockId: id(99), miniLockId: id(98), authPublicKey: AUTH, authorizedBy: 'token' }),
      event('KeyRotated', { username: 'nobody', previousMiniLockId: id(1), miniLockId: id(2), authPublicKey: AUTH, authorizedBy: 'token' }),
    ];
    expect(fold([...base, ...extra], 1)).toEqual(fold(base, 1));
  });
});

describe('the newest-key map in the key log', () => {
  /** Each leaf's map root, against the reference root of the newest (index, key sequence, leaf) per name so far. */
  function checkMaps(projectionSecrets: typeof secrets, events: readonly RecordedEvent[]): Map<string, KeyLogDocument> {
    const projection = createKeyLogProjection(projectionSecrets);
    const docs = new Map<string, KeyLogDocument>();
    const newest = new Map<string, KeyMapEntry>();
    let root = keyMapRoot([]);
    for (const e of events) {
      const decoded = projection.decode(e);
      const changed = foldEvents(projection, { get: (x) => docs.get(x) }, [decoded]);
      for (const [k, doc] of changed) docs.set(k, JSON.parse(JSON.stringify(doc)) as KeyLogDocument);
      if (changed.size === 0) continue;
      const state = docs.get('state') as KeyLogState;
      const leaf = decodeKeyLogLeaf(new Uint8Array(Buffer.from((docs.get(keyLogLeafId(state.size - 1)) as KeyLogLeafRow).leaf, 'base64')));
      const { username } = decoded.data as { username: string };
      newest.set(username, { index: projectionSecrets.index(username), keySequence: leaf.keySequence, leafIndex: state.size - 1 });
      const expected = bytesToBase64(keyMapRoot([...newest.values()]));
      expect(bytesToBase64(leaf.mapRoot)).toBe(expected);
      root = leaf.mapRoot;
    }
    // Every entry is reachable from the final root (the last leaf's) through the nodes stored by hash, and its path verifies.
    const rootText = bytesToBase64(root);
    for (const entry of newest.values()) {
      const path: Uint8Array[] = [];
      const target = bytesToBase64(keyMapLeafHash(entry));
      for (let hash = rootText; hash !== target; ) {
        const row = docs.get(keyMapNodeId(hash)) as KeyMapRow;
        expect(row.kind).toBe('map-branch');
        if (row.kind !== 'map-branch') break;
        const bit = keyMapBit(entry.index, path.length);
        path.push(base64ToBytes(bit === 0 ? row.right : row.left));
        hash = bit === 0 ? row.left : row.right;
      }
      expect(verifyKeyMapPath(root, entry, path)).toBe(true);
      // The current tree's position rows hold the entry where its path ends.
      expect(docs.get(keyMapPositionId(entry.index, path.length))).toEqual({ kind: 'map-leaf', index: bytesToHex(entry.index), keySequence: entry.keySequence, leafIndex: entry.leafIndex });
    }
    return docs;
  }

  it('each leaf carries the root of the map of every name\'s newest leaf after it; every entry has a verifying path', () => {
    checkMaps(secrets, history(40));
  });

  it('indices that share long prefixes (40 bits) go as deep as they must, within what an insertion reads', () => {
    const deep = { ...secrets, index: (username: string) => Uint8Array.from(secrets.index(username), (b, i) => (i < 5 && username.length % 2 === 0 ? 0 : b)) };
    const docs = checkMaps(deep, history(60));
    expect([...docs.keys()].some((k) => k.startsWith('map:041:'))).toBe(true);
  });

  it('the map built one event at a time equals its reference for random histories (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 11 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 12, maxLength: 12 }),
        fc.nat({ max: 3 }),
        (steps, indices, shared) => {
          // Names 0..11 get the drawn indices, their first `shared` bytes made equal: forced long common prefixes.
          const unique = new Set(indices.map((i) => bytesToHex(i.subarray(shared))));
          fc.pre(unique.size === indices.length);
          const local = { ...secrets, index: (username: string) => Uint8Array.from(indices[Number(username.slice(1))]!, (b, i) => (i < shared ? 7 : b)) };
          const keys = new Map<number, number>();
          const events = steps.map(([user, rotate]) => {
            const current = keys.get(user);
            if (current === undefined || !rotate) {
              keys.set(user, current ?? user);
              return event('AccountRegistered', { username: `n${user}`, miniLockId: id(user), authPublicKey: AUTH, encryptedProfile: sealed });
            }
            keys.set(user, current + 100);
            return event('KeyRotated', { username: `n${user}`, previousMiniLockId: id(current), miniLockId: id(current + 100), authPublicKey: AUTH, authorizedBy: 'token' });
          });
          checkMaps(local, events);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an insertion reads only positions it declared', () => {
    const projection = createKeyLogProjection(secrets);
    const e = projection.decode(history(1)[0]!);
    const ids = projection.documentIds(e);
    expect(ids).toContain(keyMapPositionId(secrets.index('u0'), 0));
    expect(ids).toContain(keyMapPositionId(secrets.index('u0'), KEY_MAP_READ_DEPTH));
    expect(keyMapPositionId(Uint8Array.of(0xff, 0xff, ...new Array<number>(30).fill(0)), 6)).toBe('map:006:fc');
    expect(keyMapPositionId(Uint8Array.of(0xab, 0xcd, ...new Array<number>(30).fill(0)), 12)).toBe('map:012:abc');
  });
});
