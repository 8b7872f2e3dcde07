/**
 * The documents issue 14 froze or crashed the server with, and a fragment
 * bomb, shared by the integration test (each one's typed refusal) and the
 * fault suite (its latency and the server's memory).
 */

export interface HostileDocument {
  readonly name: string;
  readonly query: string;
  readonly bytes: number;
  /** What refuses it at the default limits. */
  readonly over: 'bytes' | 'nesting' | 'cost';
}

/** `[[[…]]]`, n deep. */
export const deepJson = (n: number): string => '['.repeat(n) + ']'.repeat(n);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function document(name: string, over: HostileDocument['over'], query: string): HostileDocument {
  return { name, query, bytes: Buffer.byteLength(query), over };
}

export const HOSTILE_DOCUMENTS: readonly HostileDocument[] = [
  // 1.4 MB, under the body limit: 33 s of quadratic fragment-map building before issue 14.
  document('60,000 operations', 'bytes', range(60_000).map((i) => `query q${i}{__typename}`).join(' ')),
  document('30,000 variable definitions', 'bytes', `query q(${range(30_000).map((i) => `$v${i}: Int`).join(', ')}) { __typename }`),
  document('130,000 fields', 'bytes', `{ ${'__typename '.repeat(130_000)}}`),
  // 30,000 bytes: under the size limit, so the nesting scan is what refuses it.
  document('10,000-deep selections', 'nesting', '{a'.repeat(10_000) + '}'.repeat(10_000)),
  document('50,000-deep list literal', 'bytes', `{ user(username: ${'['.repeat(50_000)}"x"${']'.repeat(50_000)}) { username } }`),
  document('200,000-deep object literal', 'bytes', `{ user(username: ${'{a:'.repeat(200_000)}1${'}'.repeat(200_000)}) { username } }`),
  document('10,000 chained fragments', 'bytes', `query { ...F0 } ${range(10_000).map((i) => `fragment F${i} on Query { ${i < 9_999 ? `...F${i + 1}` : '__typename'} }`).join(' ')}`),
  // 15 fragments, each spreading the next twice: 2^15 fields from 1 KB of text.
  document('fragment fan-out to 2^15 fields', 'cost', `query { ...F0 } ${range(15).map((i) => `fragment F${i} on Query { serverKeys { signingPublicKey } ${i < 14 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`),
];
