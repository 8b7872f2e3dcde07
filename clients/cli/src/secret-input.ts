/**
 * Passphrases and codes: from a file (--passphrase-file), the environment
 * (PEERLOCK_PASSPHRASE) for scripts, or a hidden prompt on a terminal.
 * Never echoed, never logged.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './cli-error.js';

export async function hiddenPrompt(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new UsageError(`${question.replace(/:\s*$/, '')}: no terminal to ask on (use --passphrase-file or PEERLOCK_PASSPHRASE)`);
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(value);
        }
        if (ch === '\u0003') {
          done();
          return reject(new UsageError('cancelled'));
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
    };
    input.on('data', onData);
  });
}

export async function readPassphrase(options: { file?: string | undefined; envName?: string; prompt: string }): Promise<string> {
  if (options.file) return readFileSync(options.file, 'utf8').replace(/\r?\n$/, '');
  const fromEnv = process.env[options.envName ?? 'PEERLOCK_PASSPHRASE'];
  if (fromEnv) return fromEnv;
  return hiddenPrompt(options.prompt);
}

/** A plain (visible) question, for two-factor codes and confirmations. */
export async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/[:?]\s*$/, '')}: no terminal to ask on`);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
