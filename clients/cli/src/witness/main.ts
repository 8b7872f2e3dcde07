#!/usr/bin/env node
/**
 * `peerlock-witness`: an independent key-log witness (DESIGN §6, T13). Anyone
 * can run one, anywhere: it needs only the server's URL and its own
 * directory. Exit codes: 0 done, 2 usage, 3 REFUSED (the log showed a
 * checkpoint inconsistent with what this witness co-signed: a fork, a
 * rollback, a bad proof or a bad signature; the witness stops and says why),
 * 1 anything else (with --once; a running witness logs it and tries again).
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointRefusedError, PeerlockApiError, PeerlockNetworkError } from '@peerlock/sdk';
import { witnessOnce, type WitnessOutcome } from './witness.js';
import { initWitness, loadIdentity, verifierKeyOf, WitnessStoreError } from './witness-store.js';

const USAGE = `usage:
  peerlock-witness init <dir> <name>     make a witness key in <dir>; prints its verifier key
  peerlock-witness vkey <dir>            print the verifier key (for the server's PEERLOCK_WITNESSES and clients)
  peerlock-witness run <dir> --server <url> [--log-key <base64>] [--interval <seconds>] [--once]
                                         watch the server's key log and co-sign each consistent checkpoint
                                         (--log-key: the server's long-term key, \`serverKeys.signingPublicKey\`;
                                         without it the key seen on the first run is pinned in <dir>)`;

const EXIT = { refused: 3, usage: 2, failure: 1 } as const;

class Usage extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`peerlock-witness: ${line}\n`);

function describe(outcome: WitnessOutcome): string {
  return outcome.kind === 'unchanged'
    ? `unchanged at size ${outcome.treeSize}`
    : `co-signed size ${outcome.treeSize}${outcome.fromSize === null ? ' (first checkpoint, taken on trust)' : ` (consistent with ${outcome.fromSize})`}`;
}

function explain(error: unknown): string {
  if (error instanceof PeerlockApiError && error.code === 'FORBIDDEN') return 'the server does not list this witness: add its key (`peerlock-witness vkey`) to the server\'s PEERLOCK_WITNESSES [FORBIDDEN]';
  if (error instanceof PeerlockApiError || error instanceof PeerlockNetworkError) return `${error.message} [${error.code}]`;
  if (error instanceof WitnessStoreError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { server: { type: 'string' }, 'log-key': { type: 'string' }, interval: { type: 'string' }, once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, dir, name, ...extra] = positionals;
  if (values.help || command === undefined) {
    say(USAGE);
    return values.help ? 0 : EXIT.usage;
  }
  if (dir === undefined) throw new Usage(`${command}: which directory?`);
  if (command === 'init') {
    if (name === undefined || extra.length > 0) throw new Usage('init <dir> <name>: the name witnesses and clients will know this witness by, e.g. witness.example.org');
    say(verifierKeyOf(initWitness(dir, name)));
    return 0;
  }
  if (command === 'vkey') {
    say(verifierKeyOf(loadIdentity(dir)));
    return 0;
  }
  if (command !== 'run') throw new Usage(`unknown command ${command}`);
  if (!values.server || !URL.canParse(values.server)) throw new Usage('run: --server <url> (the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql)');
  const intervalSeconds = values.interval === undefined ? 10 : Number(values.interval);
  if (!(intervalSeconds > 0 && intervalSeconds <= 86_400)) throw new Usage('--interval: seconds between rounds, more than 0');
  const options = { server: values.server, dir, ...(values['log-key'] ? { logKey: values['log-key'] } : {}) };
  if (values.once) {
    say(describe(await witnessOnce(options)));
    return 0;
  }
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  say(`witnessing ${values.server} as ${verifierKeyOf(loadIdentity(dir))}, every ${intervalSeconds} s`);
  while (!stop.signal.aborted) {
    try {
      const outcome = await witnessOnce(options);
      if (outcome.kind === 'cosigned') say(describe(outcome));
    } catch (error) {
      // A checkpoint this witness must not co-sign: stop, loudly. Anything else: say so and try again next round.
      if (error instanceof CheckpointRefusedError || error instanceof WitnessStoreError) throw error;
      complain(explain(error));
    }
    await sleep(intervalSeconds * 1000, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof CheckpointRefusedError) {
      complain(`REFUSED to co-sign: ${error.message}. The log is showing a history inconsistent with what this witness vouched for; nothing was signed [${error.code}:${error.reason}]`);
      process.exitCode = EXIT.refused;
    } else if (error instanceof Usage || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      complain(`${(error as Error).message}\n${USAGE}`);
      process.exitCode = EXIT.usage;
    } else {
      complain(explain(error));
      process.exitCode = EXIT.failure;
    }
  },
);
