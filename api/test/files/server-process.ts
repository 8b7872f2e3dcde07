/**
 * A real server process on a given port and data directory, for crash and
 * memory tests: from TypeScript source under tsx (src/main.ts), or, with
 * `built`, the compiled server (dist/main.js) under plain node as it is
 * deployed. turbo builds api before its own tests ("@peerlock/api#test").
 */
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const mainScript = join(here, '../../src/main.ts');
export const builtMainScript = join(here, '../../dist/main.js');

/**
 * The V8 flags we run the server with (docs/files.md, Memory): 2 MiB
 * semi-spaces instead of V8's 16 MiB. The young generation then commits
 * ~4 MiB instead of ~32, and the socket buffers of request bodies (64 KiB
 * each, garbage once written to disk) are freed at the next scavenge instead
 * of piling up until V8's 64 MiB external-memory trigger.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=2'];

/** Production mode behind a TLS-terminating proxy (loopback here): no GraphiQL, no dev extras. */
export const PRODUCTION_ENV: Record<string, string> = { PEERLOCK_MODE: 'production', PEERLOCK_TRUST_PROXY: 'true' };

export const RELAXED_ENV: Record<string, string> = {
  PEERLOCK_MODE: 'dev',
  PEERLOCK_HOST: '127.0.0.1',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '100000',
};

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string | null>;
  /** Everything the process printed so far, stdout and stderr. */
  readonly output: () => string;
}

export function startServerProcess(env: Record<string, string>, nodeArgs: readonly string[] = [], options: { built?: boolean } = {}): Promise<ServerProcess> {
  if (options.built && !existsSync(builtMainScript)) {
    return Promise.reject(new Error(`${builtMainScript} is missing: build the api first (npm run build -w @peerlock/api; turbo does it before the api tests)`));
  }
  const script = options.built ? [builtMainScript] : ['--conditions=source', '--import', 'tsx', mainScript];
  const child = spawn(process.execPath, [...nodeArgs, ...script], {
    // The test runner's own PEERLOCK_* switches (PEERLOCK_SKIP_LARGE_TESTS) are not server configuration.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERLOCK_'))), ...RELAXED_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, child, exited, output: () => output });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

export async function stopServerProcess(server: ServerProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}
