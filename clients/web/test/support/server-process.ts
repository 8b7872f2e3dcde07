/**
 * The real server as its own process (`node api/dist/main.js`), SQLite in a
 * temporary data directory, port 0 (the kernel picks a free one), serving
 * the built web client from clients/web/dist.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const webRoot = join(repoRoot, 'clients/web/dist');

export interface ServerProcess {
  /** The origin the page is served from, e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly dataDir: string;
  stop(): Promise<void>;
  /**
   * Stops the process and starts it again on the same data directory and
   * port with `extra` in its environment (e.g. PEERLOCK_DEV_CLOCK_OFFSET_MS
   * to run the server's clock ahead); pages on the origin stay valid.
   */
  restart(extra?: Readonly<Record<string, string>>): Promise<void>;
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

export async function startServer(extra: Readonly<Record<string, string>> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-web-e2e-'));
  let running = await launch(dataDir, '0', extra);
  const origin = new URL(running.url).origin;
  return {
    origin,
    dataDir,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart(more = {}) {
      await running.stop();
      running = await launch(dataDir, new URL(origin).port, { ...extra, ...more });
    },
  };
}

async function launch(dataDir: string, port: string, extra: Readonly<Record<string, string>>): Promise<{ url: string; stop(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PEERLOCK_MODE: 'dev', PEERLOCK_HOST: '127.0.0.1', PEERLOCK_PORT: port, PEERLOCK_DATA_DIR: dataDir, PEERLOCK_WEB_ROOT: webRoot, ...RELAXED, ...extra };
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (\S+)/.exec(log);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Plays the malicious storage layer (DESIGN T4): flips one byte of a stored
 * message ciphertext in the server's SQLite file. Runs in a child process
 * from api/, where better-sqlite3 is a dependency.
 */
export function tamperStoredCiphertext(dataDir: string, messageId: string): void {
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database(process.env.DB);
    db.pragma('busy_timeout = 5000');
    const row = db.prepare('SELECT ciphertext FROM message_ciphertexts WHERE message_id = ?').get(process.env.MESSAGE_ID);
    if (!row) { console.error('no such message'); process.exit(3); }
    const bytes = Buffer.from(row.ciphertext);
    bytes[bytes.length - 40] ^= 0x01;
    db.prepare('UPDATE message_ciphertexts SET ciphertext = ? WHERE message_id = ?').run(bytes, process.env.MESSAGE_ID);
    db.close();
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(repoRoot, 'api'),
    env: { PATH: process.env.PATH, DB: join(dataDir, 'peerlock-messages.db'), MESSAGE_ID: messageId },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
