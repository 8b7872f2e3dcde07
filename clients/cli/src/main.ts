#!/usr/bin/env node
/**
 * The `peerlock` command. Subcommands may be two words ("contacts add");
 * global flags may appear anywhere. Every failure ends as one line on
 * stderr and a non-zero exit code chosen by the error's code.
 */
import { parseArgs } from 'node:util';
import { describeError, UsageError } from './cli-error.js';
import type { Command, Options } from './command.js';
import { Context } from './context.js';
import { createOutput } from './output.js';
import { accountCommands } from './commands/account.js';
import { twoFactorCommands } from './commands/two-factor.js';
import { contactCommands } from './commands/contacts.js';
import { messageCommands } from './commands/messages.js';
import { fileCommands } from './commands/files.js';
import { devCommands } from './commands/dev.js';

const COMMANDS: Command[] = [...accountCommands, ...twoFactorCommands, ...contactCommands, ...messageCommands, ...fileCommands, ...devCommands];

const GLOBAL: Options = {
  server: { type: 'string' },
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function findCommand(words: readonly string[]): { command: Command; rest: string[] } | null {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: words.slice(length) };
  }
  return null;
}

function overview(prefix = ''): string {
  const shown = COMMANDS.filter((c) => c.name.startsWith(prefix));
  const width = Math.max(...shown.map((c) => c.name.length));
  return [
    'Usage: peerlock <command> [options]',
    '',
    'Commands:',
    ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --server URL            the Peerlock server (or PEERLOCK_SERVER; default http://127.0.0.1:4000)',
    '  --json                  machine-readable output',
    '  --passphrase-file FILE  read the passphrase from a file (or PEERLOCK_PASSPHRASE; else a hidden prompt)',
    '  --no-color              no colours (also NO_COLOR; colours only on a terminal anyway)',
    '  -h, --help              help for any command',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const options = Object.entries(c.options ?? {}).map(([name, o]) => {
    const flagText = `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    const help = c.optionHelp?.[name];
    return help ? `${flagText.padEnd(28)}  ${help}` : flagText;
  });
  return [`Usage: ${c.usage}`, '', c.summary, ...(options.length ? ['', 'Options:', ...options] : []), '', 'Global options: --server, --json, --passphrase-file, --no-color (see peerlock --help)'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const found = findCommand(argv.slice(0, 2).every((a) => !a.startsWith('-')) ? argv.slice(0, 2) : words.slice(0, 2));
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!found) {
    const group = argv[0] && !argv[0].startsWith('-') ? argv[0] : '';
    const known = group && COMMANDS.some((c) => c.name.startsWith(`${group} `));
    if (wantsHelp || argv.length === 0 || known) {
      process.stdout.write(`${overview(known ? `${group} ` : '')}\n`);
      return known && !wantsHelp ? 2 : 0;
    }
    throw new UsageError(`unknown command ${JSON.stringify(argv[0])} (see peerlock --help)`);
  }
  const { command } = found;
  const nameWords = command.name.split(' ').length;
  const rest = argv.slice(nameWords);
  if (wantsHelp) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const out = createOutput({ json: values.json === true, noColor: values['no-color'] === true });
  const ctx = new Context({ server: values.server as string | undefined, json: values.json === true, passphraseFile: values['passphrase-file'] as string | undefined }, out);
  try {
    await command.run(ctx, { positionals: parsed.positionals, values: parsed.values as never });
  } finally {
    ctx.save();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { code, message, exit, details } = describeError(error);
    const json = process.argv.includes('--json');
    if (json) process.stderr.write(`${JSON.stringify({ error: { code, message, ...details } })}\n`);
    else {
      const red = process.stderr.isTTY && !process.env.NO_COLOR ? (s: string) => `\u001b[31m${s}\u001b[39m` : (s: string) => s;
      process.stderr.write(`${red('peerlock:')} ${message} [${code}]\n`);
    }
    process.exitCode = exit;
  },
);
