/**
 * Cheap, linear, non-recursive measures of what a client sent, taken before
 * any recursive code (graphql-js's parser and validation, our own cost walk)
 * sees it (issue 14, "hostile documents"): a selection set, list or object
 * literal nested 10,000 deep would otherwise overflow the stack in there and
 * surface as a 500.
 *
 * Each scan stops as soon as `limit` is passed and then returns `limit + 1`
 * ("at least"), so a hostile megabyte costs only as much as its first
 * `limit` brackets and the text before them.
 */

const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const QUOTE = 34;
const HASH = 35;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * The bracket counter both text scans share: `opens`/`closes` say which
 * characters nest, `skip` jumps over what the grammar does not read as
 * brackets (strings, comments) and returns where to go on, or -1 at the end
 * of the text (an unterminated string: the parser refuses it).
 */
function bracketNesting(text: string, limit: number, nests: (c: number) => 1 | -1 | 0, skip: (text: string, i: number, c: number) => number): number {
  let depth = 0;
  let deepest = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const step = nests(c);
    if (step === 1) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
      i++;
    } else if (step === -1) {
      if (depth > 0) depth--;
      i++;
    } else {
      i = skip(text, i, c);
      if (i === -1) return deepest;
    }
  }
  return deepest;
}

const graphqlBrackets = (c: number): 1 | -1 | 0 =>
  c === OPEN_BRACE || c === OPEN_BRACKET || c === OPEN_PAREN ? 1 : c === CLOSE_BRACE || c === CLOSE_BRACKET || c === CLOSE_PAREN ? -1 : 0;
const jsonBrackets = (c: number): 1 | -1 | 0 => (c === OPEN_BRACE || c === OPEN_BRACKET ? 1 : c === CLOSE_BRACE || c === CLOSE_BRACKET ? -1 : 0);

/** GraphQL's lexer: comments to the end of the line, block strings to an unescaped `"""`, strings to a quote or the line's end. */
function skipGraphql(text: string, i: number, c: number): number {
  const n = text.length;
  if (c === HASH) {
    while (i < n && text.charCodeAt(i) !== LINE_FEED && text.charCodeAt(i) !== CARRIAGE_RETURN) i++;
    return i;
  }
  if (c !== QUOTE) return i + 1;
  if (text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE) {
    // A block string ends at the next """ not escaped as \""".
    i += 3;
    for (;;) {
      const end = text.indexOf('"""', i);
      if (end === -1) return -1;
      i = end + 3;
      if (text.charCodeAt(end - 1) !== BACKSLASH) return i;
    }
  }
  // A string ends at an unescaped quote, or (unterminated: the parser refuses it) at the line's end.
  i++;
  while (i < n) {
    const s = text.charCodeAt(i);
    if (s === BACKSLASH) i += 2;
    else if (s === QUOTE) return i + 1;
    else if (s === LINE_FEED || s === CARRIAGE_RETURN) return i;
    else i++;
  }
  return i;
}

/** JSON: strings to an unescaped quote. */
function skipJson(text: string, i: number, c: number): number {
  if (c !== QUOTE) return i + 1;
  const n = text.length;
  i++;
  while (i < n) {
    const s = text.charCodeAt(i);
    if (s === BACKSLASH) i += 2;
    else if (s === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

/**
 * How deep `{`, `[` and `(` nest in a GraphQL document, outside strings,
 * block strings and comments (the lexer's rules, GraphQL spec §2.1): what
 * bounds the parser's recursion (selection sets, list and object literals,
 * list types). Unbalanced text is measured as written; the parser refuses it.
 */
export function graphqlNesting(text: string, limit: number): number {
  return bracketNesting(text, limit, graphqlBrackets, skipGraphql);
}

/** How deep objects and arrays nest in JSON text (strings skipped), before JSON.parse reads it. */
export function jsonTextNesting(text: string, limit: number): number {
  return bracketNesting(text, limit, jsonBrackets, skipJson);
}

/**
 * How deep objects and arrays nest in a value already parsed (variables
 * that arrived over a WebSocket or in a multipart body), walked with an
 * explicit stack. A scalar is 0 deep, `{}` and `[]` are 1.
 */
export function jsonValueNesting(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return limit + 1;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child as object, depth + 1]);
  }
  return deepest;
}
