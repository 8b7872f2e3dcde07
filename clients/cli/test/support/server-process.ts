/**
 * The real server as its own process (`node api/dist/main.js`), embedded
 * default store (SQLite) in a temporary data directory, or PostgreSQL in a
 * private schema; port 0, so the kernel picks a free one and the server
 * prints it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  /** The server's process id (benchmarks read its CPU time from /proc). */
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  readonly schema: string;
  /** Stops the process; `keepData` leaves the data directory and schema for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Relaxed so only the scenario's own steps count (rate limits have their own tests in api/). */
const RELAXED = {
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: '1000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '1000',
  PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '1000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '1000',
  PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_ADDRESS: '1000',
  PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_USERNAME: '1000',
};

export interface StartOptions {
  /** More settings for the server (PEERLOCK_TOKEN_BATCH_SIZE, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Restart on the same port, data directory and schema (a crash or deploy). */
  readonly reuse?: { readonly port: number; readonly dataDir: string; readonly schema: string };
}

export async function startServer(store: 'sqlite' | 'postgres' = 'sqlite', options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'peerlock-e2e-'));
  const schema = options.reuse?.schema ?? `e2e_${randomBytes(6).toString('hex')}`;
  const storeEnv =
    store === 'postgres' ? { PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: process.env.DATABASE_URL ?? '', PEERLOCK_DATABASE_SCHEMA: schema, PEERLOCK_BLOB_FOLDER_SHARED: 'true' } : {};
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PEERLOCK_MODE: 'dev', PEERLOCK_HOST: '127.0.0.1', PEERLOCK_PORT: String(options.reuse?.port ?? 0), PEERLOCK_DATA_DIR: dataDir, ...RELAXED, ...storeEnv, ...options.env };
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (\S+)/.exec(log);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    url,
    pid: child.pid!,
    port: Number(new URL(url).port),
    dataDir,
    schema,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (keepData) return;
      if (store === 'postgres') {
        // pg from a child process: the test runner's module loader and pg's CommonJS do not mix.
        const drop = `import pg from 'pg'; const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect(); await c.query('DROP SCHEMA IF EXISTS ${schema} CASCADE'); await c.end();`;
        execFileSync(process.execPath, ['--input-type=module', '-e', drop], { cwd: join(repoRoot, 'api'), env: { PATH: process.env.PATH, DATABASE_URL: process.env.DATABASE_URL } });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
