/**
 * Yoga's parse cache, bounded by memory instead of by entries (issue 14).
 *
 * Yoga's default keeps 1,024 parsed documents and 1,024 failed ones, whatever
 * their size: 400 distinct 1.4 MB documents took a server from 140 MB to over
 * 1 GB, and kept it there. Here a document reaches the cache only once it
 * passed the query-text limits (PEERLOCK_MAX_QUERY_BYTES, PEERLOCK_MAX_QUERY_TOKENS),
 * each entry is charged an upper bound of the heap it holds, and the least
 * recently used entries leave once the total passes the budget. Failed parses
 * are not cached at all: a document under the token limit parses in well
 * under a millisecond, and a cache of failures is one an attacker fills.
 */
import type { DocumentNode, Token } from 'graphql';

/**
 * Upper bounds of what a parsed document holds (graphql 16, with locations,
 * as Yoga parses), measured on the worst shapes: a field per token holds
 * ~490 bytes per token (AST node, name node, two locations, the token); a
 * string value built from escapes (`"\nx\nx…"`) is a rope of one piece per
 * escape and holds up to ~27 bytes per character of source (the text itself
 * included). test/api/parse-cache.unit.test.ts re-measures them.
 */
export const BYTES_PER_TOKEN = 512;
export const BYTES_PER_SOURCE_CHAR = 32;

/**
 * The parse cache's budget. A document at the default limits (32 KiB, 2,000
 * tokens) weighs at most ~2 MiB, so at least 8 of them fit; the SDK's
 * documents (≤ 520 bytes, ≤ 80 tokens) weigh ≤ 57 KiB, so ~290 of them.
 */
export const PARSE_CACHE_BYTES = 16 * 1024 * 1024;

/** The heap a parsed document holds at most, by its tokens (counted along its token list) and its text. */
export function documentWeight(source: string, document: DocumentNode): number {
  let tokens = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) tokens++;
  // Without locations (not how Yoga parses) the token list is not reachable: count a token per two characters.
  if (!document.loc) tokens = Math.ceil(source.length / 2);
  return tokens * BYTES_PER_TOKEN + source.length * BYTES_PER_SOURCE_CHAR;
}

/** A least-recently-used map whose entries' weights sum to at most `budget`. */
export class ByteBoundedCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    readonly budget: number,
    private readonly weigh: (key: string, value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    const weight = this.weigh(key, value);
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.total -= previous.weight;
    }
    if (weight > this.budget) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(oldest);
      this.total -= entry.weight;
    }
  }

  /** The summed weights (bytes, as estimated). */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }
}

const NOTHING_CACHED = { get: (): undefined => undefined, set: (): void => undefined };

/**
 * Yoga's `parserAndValidationCache` option. Yoga's validation cache is off:
 * it keeps every document's errors with the document (up to 100 errors,
 * ~300 KB), outside any budget. use-operation-limits.ts remembers instead
 * which documents passed validation (a WeakMap: they leave with the document).
 */
export function boundedParserCache(budget = PARSE_CACHE_BYTES) {
  return {
    documentCache: new ByteBoundedCache<DocumentNode>(budget, documentWeight),
    errorCache: NOTHING_CACHED,
    validationCache: false,
  };
}
