/** A real server process (src/main.ts) on a given port and data directory, for crash and memory tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mainScript = join(dirname(fileURLToPath(import.meta.url)), '../../src/main.ts');

export const RELAXED_ENV: Record<string, string> = {
  PEERLOCK_MODE: 'dev',
  PEERLOCK_HOST: '127.0.0.1',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '100000',
};

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string | null>;
}

export function startServerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=source', '--import', 'tsx', mainScript], {
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
      if (match) resolve({ url: match[1]!, child, exited });
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
