/**
 * The newest-key map (key-map.ts): its root and paths against an independent
 * computation from the definition (node:crypto, bits as strings), and a path
 * verifies for exactly the entry the map holds.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, EMPTY_KEY_MAP_ROOT, keyMapRoot, verifyKeyMapPath, type KeyMapEntry } from '../src/index.js';

const sha = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const bits = (index: Uint8Array) => [...index].map((b) => b.toString(2).padStart(8, '0')).join('');

/** MAP(E) from the definition: empty → 0^32; one entry → SHA-256(0x10 ‖ index ‖ u32 ‖ u64); else SHA-256(0x11 ‖ MAP(0…) ‖ MAP(1…)). */
function reference(entries: readonly KeyMapEntry[], depth = 0): Buffer {
  if (entries.length === 0) return Buffer.alloc(32);
  if (entries.length === 1) {
    const [e] = entries;
    const value = Buffer.alloc(12);
    value.writeUInt32BE(e!.keySequence, 0);
    value.writeBigUInt64BE(BigInt(e!.leafIndex), 4);
    return sha(Buffer.of(0x10), e!.index, value);
  }
  const side = (bit: string) => entries.filter((e) => bits(e.index)[depth] === bit);
  return sha(Buffer.of(0x11), reference(side('0'), depth + 1), reference(side('1'), depth + 1));
}

function referencePath(entries: readonly KeyMapEntry[], index: Uint8Array, depth = 0): Buffer[] {
  if (entries.length <= 1) return [];
  const mine = bits(index)[depth];
  return [reference(entries.filter((e) => bits(e.index)[depth] !== mine), depth + 1), ...referencePath(entries.filter((e) => bits(e.index)[depth] === mine), index, depth + 1)];
}

/** Entries with distinct indices, some sharing long prefixes. */
const entries = fc
  .tuple(
    fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 2 ** 40 })), { maxLength: 24 }),
    fc.nat({ max: 4 }),
  )
  .map(([list, shared]) => list.map(([index, keySequence, leafIndex]) => ({ index: Uint8Array.from(index, (b, i) => (i < shared ? 0x5a : b)), keySequence, leafIndex })))
  .filter((list) => new Set(list.map((e) => bytesToHex(e.index))).size === list.length);

describe('the newest-key map', () => {
  it('the empty map is 32 zero bytes', () => {
    expect(keyMapRoot([])).toEqual(EMPTY_KEY_MAP_ROOT);
    expect(EMPTY_KEY_MAP_ROOT).toEqual(new Uint8Array(32));
  });

  it('its root is the definition computed independently, whatever the order of the entries', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const root = keyMapRoot(list);
        expect(bytesToHex(root)).toBe(reference(list).toString('hex'));
        expect(keyMapRoot([...list].reverse())).toEqual(root);
      }),
    );
  });

  it('a path verifies for the entry the map holds, and for nothing else', () => {
    fc.assert(
      fc.property(entries.filter((l) => l.length > 0), fc.nat(), (list, pick) => {
        const root = keyMapRoot(list);
        const entry = list[pick % list.length]!;
        const path = referencePath(list, entry.index);
        expect(verifyKeyMapPath(root, entry, path)).toBe(true);
        // Another key sequence or leaf for the index, a path one hash short or long, a sibling changed, another root.
        expect(verifyKeyMapPath(root, { ...entry, keySequence: entry.keySequence ^ 1 }, path)).toBe(false);
        expect(verifyKeyMapPath(root, { ...entry, leafIndex: entry.leafIndex + 1 }, path)).toBe(false);
        expect(verifyKeyMapPath(root, entry, [...path, new Uint8Array(32)])).toBe(false);
        if (path.length > 0) {
          expect(verifyKeyMapPath(root, entry, path.slice(1))).toBe(false);
          expect(verifyKeyMapPath(root, entry, path.map((h, i) => (i === 0 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h)))).toBe(false);
        }
        expect(verifyKeyMapPath(sha(root), entry, path)).toBe(false);
        // An index the map does not hold, with the path of one it does.
        const absent = { ...entry, index: Uint8Array.from(entry.index, (b, i) => (i === 31 ? b ^ 0x80 : b)) };
        if (!list.some((e) => bytesToHex(e.index) === bytesToHex(absent.index))) expect(verifyKeyMapPath(root, absent, path)).toBe(false);
      }),
    );
  });

  it('malformed input is false, not an exception', () => {
    const entry = { index: new Uint8Array(32), keySequence: 0, leafIndex: 0 };
    const root = keyMapRoot([entry]);
    expect(verifyKeyMapPath(root, entry, [])).toBe(true);
    expect(verifyKeyMapPath(root.subarray(1), entry, [])).toBe(false);
    expect(verifyKeyMapPath(root, { ...entry, index: new Uint8Array(31) }, [])).toBe(false);
    expect(verifyKeyMapPath(root, { ...entry, keySequence: -1 }, [])).toBe(false);
    expect(verifyKeyMapPath(root, { ...entry, leafIndex: 2 ** 53 }, [])).toBe(false);
    expect(verifyKeyMapPath(root, entry, [new Uint8Array(31)])).toBe(false);
    expect(verifyKeyMapPath(root, entry, new Array<Uint8Array>(257).fill(new Uint8Array(32)))).toBe(false);
  });
});
