/**
 * From argv to what to do. A command is one or two words ("inbox",
 * "contacts add"); the global options (--server, --json, --passphrase-file,
 * --no-color, --help, --version) may come before, between or after them,
 * the command's own options after its name. Every mistake is a UsageError
 * that names the command and says where to look (exit 2), with a
 * suggestion when the word looks like a typo.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import type { Command, Options, ParsedArgs } from './command.js';
import { commandHelp, GLOBAL_OPTIONS, groupOf, optionSyntax, overview } from './help.js';

export interface GlobalValues {
  readonly server: string | undefined;
  readonly json: boolean;
  readonly passphraseFile: string | undefined;
  readonly noColor: boolean;
}

export type Invocation =
  | { readonly kind: 'version' }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly command: Command; readonly args: ParsedArgs; readonly globals: GlobalValues };

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * Tokens only: unknown options are reported by us, in our words, instead of by parseArgs.
 * Ids are base64url, so one in 64 begins with "-" ("peerlock read -TmX…"): an argument that
 * looks like an id and is not a cluster of this command's short options stays a positional,
 * as the user copied it (`--` works too).
 */
function tokenize(args: readonly string[], options: Options): { tokens: Token[]; values: ParsedArgs['values']; positionals: string[] } {
  const shielded = new Map<string, string>();
  const end = args.indexOf('--');
  const input = args.map((arg, i) => {
    if ((end >= 0 && i > end) || !ID_LIKE.test(arg) || isShortCluster(arg, options)) return arg;
    const placeholder = `\u0000${i}`;
    shielded.set(placeholder, arg);
    return placeholder;
  });
  const parsed = parseArgs({ args: input, options, strict: false, allowPositionals: true, tokens: true });
  const restore = <T>(v: T): T => (typeof v === 'string' ? ((shielded.get(v) as T | undefined) ?? v) : v);
  const tokens = parsed.tokens.map((t): Token => ('value' in t && typeof t.value === 'string' ? ({ ...t, value: restore(t.value) } as Token) : t));
  const values = Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [k, Array.isArray(v) ? v.map(restore) : restore(v)]));
  return { tokens, values: values as ParsedArgs['values'], positionals: parsed.positionals.map(restore) };
}

/** A single dash and at least seven base64url characters: an id or an id's prefix, unless it is a cluster of short options. */
const ID_LIKE = /^-[A-Za-z0-9_][A-Za-z0-9_-]{6,}$/;

/** "-vx" (booleans -v and -x) or "-mhello" (-m with the value "hello"), as parseArgs reads them. */
function isShortCluster(arg: string, options: Options): boolean {
  for (let i = 1; i < arg.length; i++) {
    const spec = Object.values(options).find((o) => o.short === arg[i]);
    if (!spec) return false;
    if (spec.type === 'string') return true;
  }
  return true;
}

export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): Invocation {
  const groups = new Set(commands.map((c) => groupOf(c.name)).filter((g): g is string => g !== null));
  const { tokens } = tokenize(argv, GLOBAL_OPTIONS);
  const asked = (name: string) => tokens.some((t) => t.kind === 'option' && t.name === name);
  if (asked('version')) return { kind: 'version' };

  // The command's words: the first positionals, up to two; only global options may stand before or between them.
  const words: { value: string; index: number }[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      words.push({ value: t.value, index: t.index });
      const first = words[0]!.value;
      // An unknown first word takes its neighbour along, only to suggest a two-word command ("contact add").
      const needed = first === 'help' ? 3 : groups.has(first) || !commands.some((c) => c.name === first) ? 2 : 1;
      if (words.length >= needed) break;
    } else if (t.kind === 'option' && !(t.name in GLOBAL_OPTIONS)) {
      if (words[0]?.value === 'help') break;
      const near = suggest(t.name, Object.keys(GLOBAL_OPTIONS));
      throw new UsageError(
        near.length
          ? `unknown option ${t.rawName}: did you mean ${near.map((n) => `--${n}`).join(' or ')}? (see peerlock help)`
          : `unknown option ${t.rawName} before the command: only global options may come first, a command's own options go after its name (see peerlock help)`,
      );
    }
  }

  if (words[0]?.value === 'help') {
    const topic = words.slice(1).map((w) => w.value);
    if (topic.length === 0) return { kind: 'help', text: overview(commands) };
    const found = lookup(topic, commands, groups);
    return { kind: 'help', text: 'group' in found ? overview(commands, found.group) : commandHelp(found.command) };
  }
  if (words.length === 0) {
    if (argv.length === 0 || asked('help')) return { kind: 'help', text: overview(commands) };
    throw new UsageError('missing command (see peerlock help)');
  }

  const found = lookup(
    words.map((w) => w.value),
    commands,
    groups,
  );
  if ('group' in found) {
    if (asked('help')) return { kind: 'help', text: overview(commands, found.group) };
    throw new UsageError(`peerlock ${found.group} needs a subcommand: ${subcommandsOf(found.group, commands).join(', ')} (see peerlock help ${found.group})`);
  }
  const { command, used } = found;
  if (asked('help')) return { kind: 'help', text: commandHelp(command) };

  const nameAt = new Set(words.slice(0, used).map((w) => w.index));
  const rest = argv.filter((_, i) => !nameAt.has(i));
  const options: Options = { ...GLOBAL_OPTIONS, ...command.options };
  const parsed = tokenize(rest, options);
  for (const t of parsed.tokens) if (t.kind === 'option') checkOption(t, options, command);
  const v = parsed.values;
  return {
    kind: 'run',
    command,
    args: { positionals: parsed.positionals, values: v },
    globals: {
      server: typeof v.server === 'string' ? v.server : undefined,
      json: v.json === true,
      passphraseFile: typeof v['passphrase-file'] === 'string' ? v['passphrase-file'] : undefined,
      noColor: v['no-color'] === true,
    },
  };
}

function checkOption(t: Extract<Token, { kind: 'option' }>, options: Options, command: Command): void {
  const where = `for "peerlock ${command.name}" (see peerlock ${command.name} --help)`;
  const spec = options[t.name];
  if (!spec) {
    const near = suggest(t.name, Object.keys(options));
    throw new UsageError(`unknown option ${t.rawName} for "peerlock ${command.name}"${near.length ? `: did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''} (see peerlock ${command.name} --help)`);
  }
  if (spec.type === 'boolean') {
    if (t.inlineValue) throw new UsageError(`--${t.name} takes no value ${where}`);
    return;
  }
  if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value: ${optionSyntax(t.name, spec)} ${where}`);
  // As parseArgs' strict mode: "-m -x" is more likely a forgotten value than a message "-x";
  // but "--conversation -p0HFlZXcr" is an id that begins with "-" (see tokenize).
  if (!t.inlineValue && t.value.length > 1 && t.value.startsWith('-') && !(ID_LIKE.test(t.value) && !isShortCluster(t.value, options))) {
    throw new UsageError(`${t.rawName} needs a value, and ${t.value} looks like an option; for a value that starts with "-", write --${t.name}=${t.value}`);
  }
}

/** A command by its words, a group waiting for its second word, or a UsageError with a suggestion. */
function lookup(words: readonly string[], commands: readonly Command[], groups: ReadonlySet<string>): { command: Command; used: number } | { group: string } {
  const [first = '', second] = words;
  const group = groups.has(first) ? first : null;
  if (group !== null && second === undefined) {
    // A group that is a command of its own too ("sessions", "sessions revoke").
    const own = commands.find((c) => c.name === group);
    return own ? { command: own, used: 1 } : { group };
  }
  const name = group !== null ? `${group} ${second}` : first;
  const command = commands.find((c) => c.name === name);
  if (command) return { command, used: group !== null ? 2 : 1 };

  // Each name is compared with as many typed words as it has, so "contact add bob" still finds "contacts add".
  const typedFor = (candidate: string) => words.slice(0, candidate.split(' ').length).join(' ');
  const nearCommands = suggestAmong(
    commands.map((c) => c.name),
    typedFor,
  );
  const near = nearCommands.length || group !== null ? nearCommands : suggestAmong([...groups], typedFor);
  const hint = near.length
    ? `: did you mean ${near.map((n) => `\`peerlock ${n}\``).join(' or ')}?`
    : group !== null
      ? `: ${group} has ${subcommandsOf(group, commands).join(', ')}`
      : '';
  throw new UsageError(`unknown command "${name}"${hint} (see peerlock help${group !== null ? ` ${group}` : ''})`);
}

const subcommandsOf = (group: string, commands: readonly Command[]) => commands.filter((c) => groupOf(c.name) === group).map((c) => c.name.slice(group.length + 1));

/** Names close to `typed`: within an edit distance that grows with the name, or that `typed` begins. */
export function suggest(typed: string, names: readonly string[]): string[] {
  return suggestAmong(names, () => typed);
}

function suggestAmong(names: readonly string[], typedFor: (name: string) => string): string[] {
  const scored = names
    .map((name) => {
      const typed = typedFor(name).toLowerCase();
      // Word by word, each within an edit distance that grows with the word: "contacts ad" is near "contacts add", "files dl" is not near "files rm".
      const nameWords = name.split(' ');
      const typedWords = typed.split(' ');
      const distances = nameWords.map((w, i) => editDistance(typedWords[i] ?? '', w));
      const close = typedWords.length === nameWords.length && distances.every((d, i) => d <= Math.min(2, Math.floor(nameWords[i]!.length / 3)));
      const prefix = typed.length >= 2 && name.startsWith(typed);
      return { name, score: close ? distances.reduce((a, b) => a + b, 0) : prefix ? 3 : Infinity };
    })
    .filter((s) => s.score !== Infinity);
  const best = Math.min(...scored.map((s) => s.score));
  return [...new Set(scored.filter((s) => s.score === best).map((s) => s.name))].slice(0, 3);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps ("sned" → "send" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
