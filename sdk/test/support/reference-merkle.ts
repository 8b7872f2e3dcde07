/**
 * RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF), written
 * straight from the RFC's recursive definitions with node:crypto, slow on
 * purpose: the reference the SDK's verifiers and the witness are tested against.
 */
import { createHash } from 'node:crypto';

const nodeSha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
export const refLeaf = (d: Uint8Array) => nodeSha(new Uint8Array([0]), d);
export const refNode = (l: Uint8Array, r: Uint8Array) => nodeSha(new Uint8Array([1]), l, r);
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
export function mth(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return nodeSha();
  if (d.length === 1) return refLeaf(d[0]!);
  const k = split(d.length);
  return refNode(mth(d.slice(0, k)), mth(d.slice(k)));
}
export function path(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}
export const proof = (m: number, d: readonly Uint8Array[]) => subproof(m, d, true);
