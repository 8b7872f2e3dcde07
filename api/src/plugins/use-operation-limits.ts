/**
 * Limits on what one request may ask for, so that a single request cannot
 * cost the server much (DESIGN.md §7, issue 14 "hostile documents"). Each is
 * checked before the work it guards, and each check is linear in what was sent:
 *
 *   - the body size, against Content-Length before the body is read (Node's
 *     HTTP parser then refuses a body longer than announced);
 *   - JSON bodies and GET/form parameters: their nesting, scanned in the text
 *     before JSON.parse, and malformed JSON answered BAD_INPUT, not 500;
 *   - the query text: its UTF-8 bytes (PEERLOCK_MAX_QUERY_BYTES) and the
 *     nesting of its brackets, scanned before parsing, then its tokens
 *     (PEERLOCK_MAX_QUERY_TOKENS, graphql-js's `maxTokens`) while parsing;
 *   - the parsed document, before graphql-js's validation rules run: the
 *     selection depth (PEERLOCK_MAX_QUERY_DEPTH) and a cost that counts every
 *     field after fragment expansion (PEERLOCK_MAX_QUERY_COST, so aliases and
 *     fragment fan-out count in full), of every operation and of every
 *     fragment no operation uses, each fragment measured once; fragment
 *     cycles and unknown fragments are refused there too;
 *   - variables that did not come through a scanned body (WebSocket,
 *     multipart): their nesting, walked without recursion.
 *
 * Brackets, selection sets with fragment spreads, and JSON may nest at most
 * 2 × PEERLOCK_MAX_QUERY_DEPTH + 24 deep (40 by default): room for an argument
 * list, an input literal and an inline fragment around the selections, and
 * for GraphiQL's introspection query (21) at the smallest depth limit, far
 * from what overflows the stack (~10,000). Refusals are BAD_INPUT and name
 * the limit, the value measured and the variable that sets it.
 *
 * In dev mode (`exemptIntrospection`) an operation that asks only for
 * introspection (`__schema`, `__type`, `__typename` at its root) has fixed
 * limits of its own instead (depth 24, cost 1,000), so GraphiQL's own schema
 * query (depth 15, cost 230) works whatever PEERLOCK_MAX_QUERY_DEPTH and
 * PEERLOCK_MAX_QUERY_COST say, and 100,000 `__typename` are still refused
 * before graphql-js compares them pairwise. Production serves no
 * introspection at all.
 */
import {
  GraphQLError,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type Source,
} from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { LimitsConfig } from '../config.js';
import { graphqlNesting, jsonTextNesting, jsonValueNesting } from './document-scan.js';

function refusal(status: number, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_INPUT' } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

interface Limit {
  /** "Query too <what>" */
  readonly what: string;
  readonly measure: string;
  readonly limit: number;
  /** The variable that sets the limit, as shown in the message (may be a formula of it). */
  readonly shown: string;
  /** The variable alone, in `extensions.variable` (none for the fixed introspection limits). */
  readonly variable?: string;
}

/** A refusal of something over a limit: BAD_INPUT, HTTP 400, naming the limit, the value and the variable. */
export function overLimit(subject: string, limit: Limit, measured: number, nodes?: readonly DefinitionNode[], http: { status: number } | null = { status: 400 }): GraphQLError {
  return new GraphQLError(`${subject} too ${limit.what}: ${limit.measure} at least ${measured}, over the limit of ${limit.limit} (${limit.shown})`, {
    ...(nodes ? { nodes } : {}),
    extensions: { code: 'BAD_INPUT', ...(http ? { http } : {}), limit: limit.limit, measured, ...(limit.variable ? { variable: limit.variable } : {}) },
  });
}

function badInput(message: string, nodes?: readonly DefinitionNode[]): GraphQLError {
  return new GraphQLError(message, { ...(nodes ? { nodes } : {}), extensions: { code: 'BAD_INPUT', http: { status: 400 } } });
}

/** How deep brackets, fragment spreads and JSON may nest: see the module comment. */
export function nestingLimit(limits: Pick<LimitsConfig, 'maxDepth'>): number {
  return 2 * limits.maxDepth + 24;
}

const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type', '__typename']);
/** Dev mode's limits for introspection-only operations: see the module comment. */
export const INTROSPECTION_LIMITS = { maxDepth: 24, maxCost: 1000 } as const;

function onlyIntrospection(set: SelectionSetNode): boolean {
  return set.selections.every((s) => s.kind === Kind.FIELD && INTROSPECTION_ROOTS.has(s.name.value));
}

interface Measure {
  /** Fields after fragment expansion (saturating). */
  readonly cost: number;
  /** Fields along the deepest path. */
  readonly depth: number;
  /** Selection sets and fragment spreads along the deepest path. */
  readonly nesting: number;
}

/** Thrown inside the walk, caught at its top: the walk stops at the first refusal. */
class Refused {
  constructor(readonly error: GraphQLError) {}
}

const saturate = (n: number): number => (n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n);

/**
 * Measures every operation and every fragment of a document, each fragment
 * once (so a fragment bomb costs its size to measure, not its expansion),
 * and returns the first refusal, or null. Recursion follows the document's
 * nesting, which is refused past `nesting` before the stack grows further.
 */
export function measureDocument(document: DocumentNode, limits: LimitsConfig, options: { exemptIntrospection?: boolean } = {}): GraphQLError | null {
  const nesting = nestingLimit(limits);
  const NESTING: Limit = { what: 'deeply nested', measure: 'nesting', limit: nesting, shown: '2 × PEERLOCK_MAX_QUERY_DEPTH + 24', variable: 'PEERLOCK_MAX_QUERY_DEPTH' };
  const DEPTH: Limit = { what: 'deep', measure: 'depth', limit: limits.maxDepth, shown: 'PEERLOCK_MAX_QUERY_DEPTH', variable: 'PEERLOCK_MAX_QUERY_DEPTH' };
  const COST: Limit = { what: 'costly', measure: 'cost', limit: limits.maxCost, shown: 'PEERLOCK_MAX_QUERY_COST', variable: 'PEERLOCK_MAX_QUERY_COST' };

  // Built once per document (it was once per operation: 60,000 operations took 33 s).
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const measured = new Map<string, Measure>();
  const inProgress = new Set<string>();
  let definition: DefinitionNode | undefined;

  const measureSet = (set: SelectionSetNode, level: number): Measure => {
    if (level > nesting) throw new Refused(overLimit('Query', NESTING, nesting + 1, definition ? [definition] : undefined));
    let cost = 0;
    let depth = 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? measureSet(selection.selectionSet, level + 1) : null;
        cost = saturate(cost + 1 + (inner?.cost ?? 0));
        depth = Math.max(depth, 1 + (inner?.depth ?? 0));
        deepest = Math.max(deepest, inner?.nesting ?? 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = measureSet(selection.selectionSet, level + 1);
        cost = saturate(cost + inner.cost);
        depth = Math.max(depth, inner.depth);
        deepest = Math.max(deepest, inner.nesting);
      } else {
        const inner = measureFragment(selection.name.value, level + 1);
        // The spread is a level of its own: a chain of fragments that only spread the next one nests too.
        if (level + inner.nesting > nesting) throw new Refused(overLimit('Query', NESTING, level + inner.nesting, definition ? [definition] : undefined));
        cost = saturate(cost + inner.cost);
        depth = Math.max(depth, inner.depth);
        deepest = Math.max(deepest, inner.nesting);
      }
    }
    return { cost, depth, nesting: deepest + 1 };
  };

  const measureFragment = (name: string, level: number): Measure => {
    const known = measured.get(name);
    if (known) return { ...known, nesting: known.nesting + 1 };
    const fragment = fragments.get(name);
    // graphql-js's own messages (KnownFragmentNamesRule, NoFragmentCyclesRule), given before its rules run.
    if (!fragment) throw new Refused(badInput(`Unknown fragment "${name}".`, definition ? [definition] : undefined));
    if (inProgress.has(name)) throw new Refused(badInput(`Cannot spread fragment "${name}" within itself.`, [fragment]));
    if (level > nesting) throw new Refused(overLimit('Query', NESTING, nesting + 1, definition ? [definition] : undefined));
    inProgress.add(name);
    const m = measureSet(fragment.selectionSet, level);
    inProgress.delete(name);
    measured.set(name, m);
    return { ...m, nesting: m.nesting + 1 };
  };

  const INTROSPECTION_DEPTH: Limit = { what: 'deep', measure: 'depth', limit: INTROSPECTION_LIMITS.maxDepth, shown: 'introspection in dev mode' };
  const INTROSPECTION_COST: Limit = { what: 'costly', measure: 'cost', limit: INTROSPECTION_LIMITS.maxCost, shown: 'introspection in dev mode' };

  const check = (node: OperationDefinitionNode | FragmentDefinitionNode, m: Measure, introspection: boolean): void => {
    if (m.nesting > nesting) throw new Refused(overLimit('Query', NESTING, m.nesting, [node]));
    const [depth, cost] = introspection ? [INTROSPECTION_DEPTH, INTROSPECTION_COST] : [DEPTH, COST];
    if (m.depth > depth.limit) throw new Refused(overLimit('Query', depth, m.depth, [node]));
    if (m.cost > cost.limit) throw new Refused(overLimit('Query', cost, m.cost, [node]));
  };

  try {
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      definition = d;
      check(d, measureSet(d.selectionSet, 1), options.exemptIntrospection === true && onlyIntrospection(d.selectionSet));
    }
    // A fragment no operation spreads is refused by graphql-js (NoUnusedFragmentsRule), but its
    // rules would still examine it first: it must be as small as an operation.
    for (const d of document.definitions) {
      if (d.kind !== Kind.FRAGMENT_DEFINITION || measured.has(d.name.value)) continue;
      definition = d;
      const m = measureFragment(d.name.value, 1);
      check(d, { ...m, nesting: m.nesting - 1 }, false);
    }
  } catch (err) {
    if (err instanceof Refused) return err.error;
    throw err;
  }
  return null;
}

const textOf = (source: string | Source): string => (typeof source === 'string' ? source : source.body);

function isContentType(request: Request, expected: string): boolean {
  const type = request.headers.get('content-type')?.split(',')[0]?.trim().toLowerCase();
  return type === expected || type?.startsWith(`${expected};`) === true;
}

export function useOperationLimits(limits: LimitsConfig, options: { exemptIntrospection?: boolean } = {}): Plugin {
  const nesting = nestingLimit(limits);
  const JSON_NESTING: Limit = { what: 'deeply nested', measure: 'nesting', limit: nesting, shown: '2 × PEERLOCK_MAX_QUERY_DEPTH + 24', variable: 'PEERLOCK_MAX_QUERY_DEPTH' };
  const QUERY_NESTING: Limit = JSON_NESTING;
  const BYTES: Limit = { what: 'large', measure: 'bytes', limit: limits.maxQueryBytes, shown: 'PEERLOCK_MAX_QUERY_BYTES', variable: 'PEERLOCK_MAX_QUERY_BYTES' };
  const TOKENS: Limit = { what: 'long', measure: 'tokens', limit: limits.maxQueryTokens, shown: 'PEERLOCK_MAX_QUERY_TOKENS', variable: 'PEERLOCK_MAX_QUERY_TOKENS' };

  /** JSON text from a client: its nesting first (JSON.parse of 200,000 nested arrays takes ~90 ms), then parsed; malformed is BAD_INPUT. */
  const parseJson = (subject: string, text: string): unknown => {
    const depth = jsonTextNesting(text, nesting);
    if (depth > nesting) throw overLimit(subject, JSON_NESTING, depth);
    try {
      return JSON.parse(text);
    } catch {
      throw badInput(`${subject} is not valid JSON`);
    }
  };

  /** GET query strings and form bodies (Yoga's own parser lets JSON.parse's SyntaxError through: a 500). */
  const paramsOfSearch = (search: URLSearchParams): GraphQLParams => {
    const json = (name: string): Record<string, unknown> | undefined => {
      const text = search.get(name);
      if (!text) return undefined;
      return parseJson(`Parameter "${name}"`, text) as Record<string, unknown>;
    };
    return {
      operationName: search.get('operationName') || undefined,
      query: search.get('query') || undefined,
      variables: json('variables'),
      extensions: json('extensions'),
    };
  };

  const parseJsonBody = async (request: Request): Promise<GraphQLParams> => {
    const body = parseJson('Request body', await request.text());
    if (body === null || typeof body !== 'object') throw badInput(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`);
    return body as GraphQLParams;
  };

  const validDocuments = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, string>>();

  const refuseDeepVariables = (variables: unknown): GraphQLError | null => {
    const depth = jsonValueNesting(variables, nesting);
    // An execution result, not a request error: no HTTP status (a WebSocket has none).
    return depth > nesting ? overLimit('Variables', JSON_NESTING, depth, undefined, null) : null;
  };

  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length === null || !/^\d+$/.test(length)) {
        endResponse(refusal(411, 'Content-Length required'));
      } else if (Number(length) > limits.maxBodyBytes) {
        endResponse(refusal(413, 'Request body too large'));
      }
    },
    // After Yoga's own request parsers: ours replace the three that read JSON text.
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'GET') {
        const at = request.url.indexOf('?');
        setRequestParser(() => paramsOfSearch(new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1))));
      } else if (request.method === 'POST') {
        if (isContentType(request, 'application/json') || isContentType(request, 'application/graphql+json')) setRequestParser(parseJsonBody);
        else if (isContentType(request, 'application/x-www-form-urlencoded')) setRequestParser(async (r) => paramsOfSearch(new URLSearchParams(await r.text())));
      }
    },
    // HTTP and WebSocket alike: the text is measured before it is parsed, or looked up in the parse cache (the next plugin).
    onParse({ params, parseFn, setParseFn }) {
      const text = textOf(params.source);
      // A UTF-8 byte is at most one UTF-16 unit: a text of more units than the limit is over it, whatever it says.
      if (text.length > limits.maxQueryBytes || Buffer.byteLength(text, 'utf8') > limits.maxQueryBytes) {
        throw overLimit('Query', BYTES, Buffer.byteLength(text, 'utf8'));
      }
      const depth = graphqlNesting(text, nesting);
      if (depth > nesting) throw overLimit('Query', QUERY_NESTING, depth);
      setParseFn((source, parseOptions) => {
        try {
          return parseFn(source, { ...parseOptions, maxTokens: limits.maxQueryTokens });
        } catch (err) {
          // graphql 16: "Document contains more that N tokens. Parsing aborted."
          if (err instanceof GraphQLError && /Document contains more th\w+ \d+ tokens/.test(err.message)) throw overLimit('Query', TOKENS, limits.maxQueryTokens + 1);
          throw err;
        }
      });
    },
    // Before graphql-js's rules. A document that passed them once (the parse cache hands out the same
    // object) passes again: remembered per schema and rule set, weakly, with no errors kept.
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((schema, document, rules, typeInfo, validationOptions) => {
        const rulesKey = rules?.map((rule: { name: string }) => rule.name).join(',') ?? '';
        let passed = validDocuments.get(schema);
        if (!passed) validDocuments.set(schema, (passed = new WeakMap()));
        if (passed.get(document) === rulesKey) return [];
        const refused = measureDocument(document, limits, options);
        if (refused) return [refused];
        const errors = validateFn(schema, document, rules, typeInfo, validationOptions);
        if (errors.length === 0) passed.set(document, rulesKey);
        return errors;
      });
    },
    // Variables that arrived already parsed: over a WebSocket, in a multipart body.
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refuseDeepVariables(args.variableValues);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refuseDeepVariables(args.variableValues);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
  };
}
