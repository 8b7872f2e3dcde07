#!/usr/bin/env node
/**
 * The `peerlock` command. Subcommands may be two words ("contacts add");
 * global flags may appear anywhere (src/command-line.ts). Every failure ends
 * as one line on stderr and a non-zero exit code chosen by the error's code
 * (src/cli-error.ts).
 */
import { describeError, MissingArgumentError, UsageError } from './cli-error.js';
import { parseCommandLine } from './command-line.js';
import { COMMANDS } from './commands/index.js';
import { Context } from './context.js';
import { VERSION } from './help.js';
import { createOutput, CLOSED_PIPE_EXIT, outputClosed, outputFailed, writeStderr, writeStdout } from './output.js';

async function main(argv: string[]): Promise<number> {
  const invocation = parseCommandLine(argv, COMMANDS);
  if (invocation.kind === 'version') {
    writeStdout(argv.includes('--json') ? `${JSON.stringify({ version: VERSION })}\n` : `peerlock ${VERSION}\n`);
    return 0;
  }
  if (invocation.kind === 'help') {
    writeStdout(`${invocation.text}\n`);
    return 0;
  }
  const { command, args, globals } = invocation;
  const out = createOutput({ json: globals.json, noColor: globals.noColor });
  const ctx = new Context({ server: globals.server, json: globals.json, passphraseFile: globals.passphraseFile }, out);
  try {
    await command.run(ctx, args);
  } catch (error) {
    if (error instanceof MissingArgumentError) throw new UsageError(`${error.message} (usage: ${command.usage})`);
    throw error;
  } finally {
    ctx.save();
  }
  return 0;
}

// The reader may go away after the command's last write was accepted (the error arrives a tick later): decided last.
process.on('exit', () => {
  // Whatever was not written is lost to the reader: 141 as for a process killed by SIGPIPE, so `set -o pipefail` sees it.
  if (process.exitCode === 0 || process.exitCode === undefined) {
    if (outputClosed.aborted) process.exitCode = outputFailed === null ? CLOSED_PIPE_EXIT : 1;
  }
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code === 0 && outputFailed !== null) writeStderr(`peerlock: could not write the output (${outputFailed}) [OUTPUT]\n`);
    process.exitCode = code;
  },
  (error: unknown) => {
    const { code, message, exit, details } = describeError(error);
    if (process.argv.includes('--json')) writeStderr(`${JSON.stringify({ error: { code, message, ...details } })}\n`);
    else {
      const red = process.stderr.isTTY && !process.env.NO_COLOR ? (s: string) => `\u001b[31m${s}\u001b[39m` : (s: string) => s;
      writeStderr(`${red('peerlock:')} ${message} [${code}]\n`);
    }
    process.exitCode = exit;
  },
);
