/**
 * Which subtree hashes an RFC 9162 proof consists of, as index ranges
 * [start, end) over the leaves: pure planning, no hashing, no I/O.
 *
 *   PATH(m, D[n])        §2.1.3.1   inclusion of leaf m in the tree of n leaves
 *   SUBPROOF(m, D[n], b) §2.1.4.1   consistency of the first m leaves with all n
 *
 * Every range these produce starts at a multiple of a power of two at least as
 * large as the range (induction on the RFC's split at the largest power of two
 * below the size), so MTH of the range is the right fold of its greedy
 * decomposition into aligned perfect subtrees (`perfectPieces`), each of which
 * the key-log projection stores as one row. A proof therefore needs
 * O(log n) stored hashes and O(log n) SHA-256 calls, never a pass over the leaves.
 */
export type LeafRange = readonly [start: number, end: number];

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The audit path of leaf `index` in the tree of `size` leaves, leaf-side first (the order verifiers consume). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new RangeError('inclusion: need 0 ≤ index < size');
  const out: LeafRange[] = [];
  const path = (start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (index < start + k) {
      path(start, start + k);
      out.push([start + k, end]);
    } else {
      path(start + k, end);
      out.push([start, start + k]);
    }
  };
  path(0, size);
  return out;
}

/** The consistency proof from the tree of `from` leaves to the tree of `to` leaves (empty when equal or from = 0). */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) throw new RangeError('consistency: need 0 ≤ from ≤ to');
  if (from === 0 || from === to) return [];
  const out: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push([start, end]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      out.push([start + k, end]);
    } else {
      subproof(m - k, start + k, end, false);
      out.push([start, start + k]);
    }
  };
  subproof(from, 0, to, true);
  return out;
}

/** A perfect subtree of 2^level leaves starting at leaf index·2^level. */
export interface PerfectSubtree {
  readonly level: number;
  readonly index: number;
}

/** [start, end) as aligned perfect subtrees, largest first. */
export function perfectPieces(start: number, end: number): PerfectSubtree[] {
  const out: PerfectSubtree[] = [];
  let s = start;
  while (s < end) {
    let size = 1;
    let level = 0;
    while (s % (size * 2) === 0 && s + size * 2 <= end) {
      size *= 2;
      level += 1;
    }
    out.push({ level, index: s / size });
    s += size;
  }
  return out;
}
