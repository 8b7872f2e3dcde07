/** What `peerlock help`, `--help` and `--version` print, from the command table. */
import { readFileSync } from 'node:fs';
import type { Command, Options } from './command.js';

/** The package's own version (dist/ and src/ both sit beside package.json). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Flags every command takes, before or after the command's name. */
export const GLOBAL_OPTIONS: Options = {
  server: { type: 'string' },
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

const GLOBAL_HELP: readonly (readonly [string, string])[] = [
  ['--server URL', 'the Peerlock server (or PEERLOCK_SERVER; default http://127.0.0.1:4000)'],
  ['--json', 'machine-readable output: one JSON value on stdout, errors as {"error":{…}} on stderr'],
  ['--passphrase-file FILE', 'read the passphrase from a file (or PEERLOCK_PASSPHRASE; else a hidden prompt)'],
  ['--no-color', 'no colours (also NO_COLOR; colours only on a terminal anyway)'],
  ['-h, --help', 'help for any command (also: peerlock help <command>)'],
  ['-V, --version', 'the version of this peerlock'],
];

/** "contacts" for "contacts add"; null for a one-word command. */
export function groupOf(name: string): string | null {
  const space = name.indexOf(' ');
  return space < 0 ? null : name.slice(0, space);
}

const table = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
};

/** Every command, or those of one group ("contacts"). */
export function overview(commands: readonly Command[], group?: string): string {
  const shown = group ? commands.filter((c) => groupOf(c.name) === group) : commands;
  return [
    `Usage: peerlock ${group ?? '<command>'}${group ? ' <subcommand>' : ''} [options]`,
    '',
    group ? `${group} commands:` : 'Commands:',
    ...table([...shown.map((c) => [c.name, c.summary] as const), ...(group ? [] : [['help [command]', 'this overview, or the help of one command'] as const])]),
    '',
    'Global options (before or after the command):',
    ...table(GLOBAL_HELP),
    '',
    'Exit status: 0 ok, 1 refused or failed, 2 usage, 3 a key problem (changed key, pins, safety numbers differ), 4 authentication, 5 network,',
    '  141 the output\'s reader went away (| head).',
  ].join('\n');
}

/** How an option is written in help and errors: `-o, --output VALUE`. */
export function optionSyntax(name: string, option: Options[string]): string {
  return `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ' VALUE' : ''}`;
}

export function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, o]) => [optionSyntax(name, o), command.optionHelp?.[name] ?? ''] as const);
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    ...(options.length ? ['', 'Options:', ...table(options).map((line) => line.trimEnd())] : []),
    '',
    'Global options (before or after the command): --server URL, --json, --passphrase-file FILE, --no-color (see peerlock help)',
  ].join('\n');
}
