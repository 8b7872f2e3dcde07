/**
 * The parse cache (issue 14) is bounded by the heap its documents hold, not
 * by their number: the weight it charges a document is an upper bound of
 * what the document really retains (re-measured here on the worst shapes at
 * the query-text limits), and its entries' weights never sum past the budget.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ByteBoundedCache, documentWeight, boundedParserCache, PARSE_CACHE_BYTES } from '../../src/plugins/parse-cache.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap retained per document: `count` fresh parses of distinct texts kept alive, measured after full collections. */
function retainedPerDocument(make: (i: number) => string, count: number): { retained: number; weight: number } {
  const texts = Array.from({ length: count }, (_, i) => make(i));
  // Flatten the texts now (as a request body's string is): their size counts in `weight`, not in `retained`'s baseline.
  const flat = texts.map((t) => JSON.parse(JSON.stringify(t)) as string);
  const kept: DocumentNode[] = [];
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const text of flat) kept.push(parse(text));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const weight = documentWeight(flat[0]!, kept[0]!);
  expect(kept).toHaveLength(count);
  return { retained: (after - before) / count, weight };
}

describe('parse cache weight', () => {
  it('is an upper bound of the heap a document holds, on the worst shapes at the default text limits', () => {
    // A field per token: the most AST per byte (2,000 tokens, the token limit).
    const fields = retainedPerDocument((i) => `{ ${'a '.repeat(1_998)}} # ${i}`, 40);
    // A string of escapes: parsed into a rope of one piece per escape (32 KiB, the size limit).
    const escapes = retainedPerDocument((i) => `{ a(s: "${'\\nx'.repeat(10_900)}") } # ${i}`, 40);
    // A plain document of the size the SDK sends.
    const plain = retainedPerDocument((i) => `query Q${i}($c: ID!, $first: Int) { conversation(id: $c) { id messages(first: $first) { edges { node { id sender sentAt } } } } }`, 400);
    for (const [shape, m] of Object.entries({ fields, escapes, plain })) {
      expect(m.retained, `${shape}: retained ${Math.round(m.retained)} B per document, charged ${m.weight}`).toBeLessThan(m.weight);
    }
  });

  it('keeps a few of the largest documents the limits allow, and hundreds of real ones', () => {
    const largest = parse(`{ ${'a '.repeat(1_998)}}`);
    expect(PARSE_CACHE_BYTES / documentWeight(`{ ${'a '.repeat(1_998)}}`, largest)).toBeGreaterThanOrEqual(8);
  });
});

describe('ByteBoundedCache', () => {
  it('evicts the least recently used first, and never holds more than its budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('get', 'set'), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 120 })), { maxLength: 200 }),
        (ops) => {
          const cache = new ByteBoundedCache<number>(100, (_k, v) => v);
          // A model: an array in recency order.
          let model: [string, number][] = [];
          for (const [op, key, weight] of ops) {
            const k = String(key);
            if (op === 'get') {
              const found = model.find(([mk]) => mk === k);
              expect(cache.get(k)).toBe(found?.[1]);
              if (found) model = [...model.filter(([mk]) => mk !== k), found];
            } else {
              cache.set(k, weight);
              model = model.filter(([mk]) => mk !== k);
              if (weight <= 100) model.push([k, weight]);
              while (model.reduce((s, [, w]) => s + w, 0) > 100) model.shift();
            }
            expect(cache.bytes).toBe(model.reduce((s, [, w]) => s + w, 0));
            expect(cache.bytes).toBeLessThanOrEqual(100);
            expect(cache.size).toBe(model.length);
          }
        },
      ),
    );
  });

  it('Yoga’s cache option: documents bounded by bytes, no failures and no validation results kept', () => {
    const cache = boundedParserCache(1_000_000);
    const document = parse('{ a }');
    cache.documentCache.set('{ a }', document);
    expect(cache.documentCache.get('{ a }')).toBe(document);
    cache.errorCache.set();
    expect(cache.errorCache.get()).toBeUndefined();
    expect(cache.validationCache).toBe(false);
  });
});
