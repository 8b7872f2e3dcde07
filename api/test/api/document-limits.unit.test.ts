/**
 * The document limits (issue 14) leave room for every document a real
 * client sends: each of the SDK's generated operations, as printed onto the
 * wire, and GraphiQL's introspection query in dev mode even at the smallest
 * depth limit. And the scans that run before the parser measure what the
 * lexer would: brackets inside strings, block strings and comments do not count.
 */
import { getIntrospectionQuery, parse, print, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from '@peerlock/sdk/operations';
import { loadConfig } from '../../src/config.js';
import { graphqlNesting, jsonTextNesting, jsonValueNesting } from '../../src/plugins/document-scan.js';
import { measureDocument, nestingLimit } from '../../src/plugins/use-operation-limits.js';

const defaults = loadConfig({ PEERLOCK_MODE: 'dev' }).limits;
const sdkDocuments = Object.entries(generated).filter(([name, value]) => name.endsWith('Document') && (value as DocumentNode).kind === 'Document') as [string, DocumentNode][];

describe('document limits fit real clients', () => {
  it('finds the SDK’s operations', () => {
    expect(sdkDocuments.length).toBeGreaterThan(30);
  });

  it.each(sdkDocuments)('%s passes every limit at the defaults, with room to spare', (_name, document) => {
    const text = print(document);
    expect(Buffer.byteLength(text)).toBeLessThan(defaults.maxQueryBytes / 4);
    expect(graphqlNesting(text, nestingLimit(defaults))).toBeLessThan(nestingLimit(defaults));
    const parsed = parse(text, { maxTokens: defaults.maxQueryTokens / 4 });
    expect(measureDocument(parsed, defaults)).toBeNull();
  });

  it('GraphiQL’s introspection query passes in dev mode even at the smallest depth and cost limits', () => {
    const smallest = { ...defaults, maxDepth: 2, maxCost: 10 };
    const text = getIntrospectionQuery();
    expect(Buffer.byteLength(text)).toBeLessThan(defaults.maxQueryBytes);
    expect(graphqlNesting(text, nestingLimit(smallest))).toBeLessThanOrEqual(nestingLimit(smallest));
    const document = parse(text, { maxTokens: defaults.maxQueryTokens });
    expect(measureDocument(document, smallest, { exemptIntrospection: true })).toBeNull();
    // Outside dev mode the same query is measured like any other.
    expect(measureDocument(document, smallest)?.extensions).toMatchObject({ code: 'BAD_INPUT', variable: 'PEERLOCK_MAX_QUERY_DEPTH' });
  });

  it('100,000 __typename are refused even as introspection', () => {
    const document = parse(`{ ${'__typename '.repeat(100_000)}}`);
    expect(measureDocument(document, defaults, { exemptIntrospection: true })?.message).toMatch(/^Query too costly: cost at least \d+, over the limit of 1000 \(introspection in dev mode\)$/);
  });
});

describe('the scans before parsing', () => {
  it('count brackets as the lexer sees them, not inside strings, block strings or comments', () => {
    expect(graphqlNesting('{ a { b(x: [1, {y: 2}]) } }', 100)).toBe(5);
    expect(graphqlNesting('{ a(s: "{{{{[[[(((\\"{{{") }', 100)).toBe(2);
    expect(graphqlNesting('{ a(s: """ {{{{ \\""" {{{{ """) }', 100)).toBe(2);
    expect(graphqlNesting('# {{{{{{{{\n{ a }', 100)).toBe(1);
    expect(graphqlNesting('{ a }\r# {{{{{{{{\r{ b }', 100)).toBe(1);
    // Unterminated strings and comments end the scan where the lexer would refuse them.
    expect(graphqlNesting('{ a(s: "{{{{\n{{ ', 100)).toBe(4);
    expect(graphqlNesting('{ a(s: """{{{{', 100)).toBe(2);
  });

  it('stop as soon as the limit is passed and say "at least"', () => {
    expect(graphqlNesting('{'.repeat(1_000_000), 40)).toBe(41);
    expect(jsonTextNesting('['.repeat(1_000_000), 40)).toBe(41);
    expect(jsonTextNesting('{"a":"[[[[[[[[[\\"[[[[", "b": [[]]}', 100)).toBe(3);
  });

  it('walk parsed values without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = { a: [deep] };
    expect(jsonValueNesting(deep, 40)).toBe(41);
    expect(jsonValueNesting({ a: [1, { b: null }], c: 'x' }, 40)).toBe(3);
    expect(jsonValueNesting('scalar', 40)).toBe(0);
  });
});
