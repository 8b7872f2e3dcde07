/**
 * Key transparency, the Merkle part (RFC 9162 §2.1). A reference
 * implementation written straight from the RFC's recursive definitions
 * (MTH, PATH, SUBPROOF) builds every tree of 1..64 leaves; the SDK verifiers
 * must accept every proof it produces and refuse every altered one.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, emptyTreeRoot, merkleLeafHash, merkleNodeHash, sha256, utf8ToBytes, verifyConsistency, verifyInclusion } from '../src/index.js';

import { mth, path, proof, refLeaf, refNode } from './support/reference-merkle.js';

const entries = (n: number) => Array.from({ length: n }, (_, i) => utf8ToBytes(`leaf ${i}`));
const flip = (h: Uint8Array, bit = 0) => {
  const out = h.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
};

describe('SHA-256 (pure JS)', () => {
  it('matches FIPS 180-4 examples and node:crypto on every length 0..300', () => {
    expect(bytesToHex(sha256(utf8ToBytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(bytesToHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 0; n <= 300; n++) {
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(bytesToHex(sha256(m))).toBe(createHash('sha256').update(m).digest('hex'));
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (m) => bytesToHex(sha256(m)) === createHash('sha256').update(m).digest('hex')));
  });
});

describe('RFC 9162 hashing', () => {
  it('leaf and node hashes carry the 0x00 / 0x01 domain prefixes; the empty root is SHA-256("")', () => {
    const d = utf8ToBytes('x');
    expect(merkleLeafHash(d)).toEqual(refLeaf(d));
    expect(merkleNodeHash(refLeaf(d), refLeaf(d))).toEqual(refNode(refLeaf(d), refLeaf(d)));
    expect(emptyTreeRoot()).toEqual(mth([]));
    // A leaf never hashes like the node made of its own bytes.
    expect(merkleLeafHash(new Uint8Array(64))).not.toEqual(merkleNodeHash(new Uint8Array(32), new Uint8Array(32)));
  });
});

describe('inclusion proofs, every leaf of every tree of 1..64 leaves', () => {
  it('accepts every honest proof and refuses it at any other index, size, root or with any path element altered', () => {
    for (let n = 1; n <= 64; n++) {
      const d = entries(n);
      const root = mth(d);
      for (let m = 0; m < n; m++) {
        const leaf = refLeaf(d[m]!);
        const p = path(m, d);
        expect(verifyInclusion(leaf, m, n, p, root), `n=${n} m=${m}`).toBe(true);
        if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, p, root)).toBe(false);
        // (The size is not checked here beyond the path's shape: a left leaf's path can read the same at n and n+1. The size comes from the signed head.)
        expect(verifyInclusion(leaf, m, n, p, flip(root))).toBe(false);
        expect(verifyInclusion(flip(leaf), m, n, p, root)).toBe(false);
        p.forEach((_, i) => expect(verifyInclusion(leaf, m, n, p.map((h, j) => (j === i ? flip(h, 255) : h)), root)).toBe(false));
        expect(verifyInclusion(leaf, m, n, [...p, root], root)).toBe(false);
        if (p.length > 0) expect(verifyInclusion(leaf, m, n, p.slice(0, -1), root)).toBe(false);
      }
      expect(verifyInclusion(refLeaf(d[0]!), n, n, path(0, d), root)).toBe(false);
    }
  });

  it('refuses malformed input without throwing', () => {
    const d = entries(5);
    expect(verifyInclusion(refLeaf(d[0]!), -1, 5, path(0, d), mth(d))).toBe(false);
    expect(verifyInclusion(refLeaf(d[0]!), 0.5, 5, path(0, d), mth(d))).toBe(false);
    expect(verifyInclusion(refLeaf(d[0]!), 0, 5, [new Uint8Array(31)], mth(d))).toBe(false);
    expect(verifyInclusion(refLeaf(d[0]!), 0, 0, [], mth([]))).toBe(false);
  });
});

describe('consistency proofs, every pair of sizes 1 ≤ m ≤ n ≤ 64', () => {
  it('accepts every honest proof and refuses altered proofs, swapped roots and other sizes', () => {
    for (let n = 1; n <= 64; n++) {
      const d = entries(n);
      const second = mth(d);
      for (let m = 1; m <= n; m++) {
        const first = mth(d.slice(0, m));
        const p = m === n ? [] : proof(m, d);
        expect(verifyConsistency(m, n, p, first, second), `m=${m} n=${n}`).toBe(true);
        if (m === n) continue;
        expect(verifyConsistency(m, n, p, flip(first), second)).toBe(false);
        expect(verifyConsistency(m, n, p, first, flip(second))).toBe(false);
        expect(verifyConsistency(n, m, p, second, first)).toBe(false);
        p.forEach((_, i) => expect(verifyConsistency(m, n, p.map((h, j) => (j === i ? flip(h, 7) : h)), first, second)).toBe(false));
        expect(verifyConsistency(m, n, [...p, first], first, second)).toBe(false);
        expect(verifyConsistency(m, n, p.slice(0, -1), first, second)).toBe(false);
        if (m + 1 < n) expect(verifyConsistency(m + 1, n, p, first, second)).toBe(false);
      }
    }
  });

  it('the empty tree is a prefix of every tree; equal sizes need equal roots and no proof', () => {
    const d = entries(7);
    expect(verifyConsistency(0, 7, [], mth([]), mth(d))).toBe(true);
    expect(verifyConsistency(7, 7, [], mth(d), mth(d))).toBe(true);
    expect(verifyConsistency(7, 7, [], mth(d), flip(mth(d)))).toBe(false);
    expect(verifyConsistency(7, 7, [mth(d)], mth(d), mth(d))).toBe(false);
  });

  it('a fork (same prefix size, different history) never verifies', () => {
    const honest = entries(20);
    const forked = honest.map((e, i) => (i === 3 ? utf8ToBytes('substituted key') : e));
    for (let m = 4; m <= 20; m++) {
      for (let n = m + 1; n <= 20; n++) {
        expect(verifyConsistency(m, n, proof(m, forked), mth(honest.slice(0, m)), mth(forked))).toBe(false);
      }
    }
  });
});

describe('properties (fast-check) on larger trees', () => {
  const tree = fc.integer({ min: 1, max: 300 }).map((n) => entries(n));

  it('every inclusion proof verifies; any single flipped bit anywhere is refused', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), (d, mRaw, bitRaw) => {
        const m = mRaw % d.length;
        const p = path(m, d);
        const root = mth(d);
        const leaf = refLeaf(d[m]!);
        if (!verifyInclusion(leaf, m, d.length, p, root)) return false;
        const all = [leaf, ...p, root];
        const bit = bitRaw % (all.length * 256);
        const which = Math.floor(bit / 256);
        const bad = all.map((h, i) => (i === which ? flip(h, bit % 256) : h));
        return !verifyInclusion(bad[0]!, m, d.length, bad.slice(1, -1), bad[bad.length - 1]!);
      }),
      { numRuns: 200 },
    );
  });

  it('every consistency proof verifies; any single flipped bit anywhere is refused', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), (d, mRaw, bitRaw) => {
        if (d.length < 2) return true;
        const m = 1 + (mRaw % (d.length - 1));
        const first = mth(d.slice(0, m));
        const second = mth(d);
        const p = proof(m, d);
        if (!verifyConsistency(m, d.length, p, first, second)) return false;
        const all = [first, ...p, second];
        const bit = bitRaw % (all.length * 256);
        const which = Math.floor(bit / 256);
        const bad = all.map((h, i) => (i === which ? flip(h, bit % 256) : h));
        return !verifyConsistency(m, d.length, bad.slice(1, -1), bad[0]!, bad[bad.length - 1]!);
      }),
      { numRuns: 200 },
    );
  });
});
