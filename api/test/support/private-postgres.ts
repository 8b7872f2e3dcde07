/**
 * A PostgreSQL server of a test's own, on a free port in a temporary
 * directory, that the test may stop, restart and crash at will (the shared
 * one at DATABASE_URL must never be touched that way: other suites use it).
 *
 * Needs the server binaries (initdb, pg_ctl). They are looked up in
 * PEERLOCK_PG_BIN, on PATH, then under /usr/lib/postgresql/<version>/bin.
 * PostgreSQL refuses to run as root, so as root every command runs as the
 * `postgres` user (runuser), in a directory it owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The directory holding initdb and pg_ctl, or null. */
export function findPostgresBinaries(): string | null {
  const candidates = [
    process.env.PEERLOCK_PG_BIN,
    ...(process.env.PATH ?? '').split(delimiter),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : []),
  ];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

const isRoot = process.getuid?.() === 0;

/** Why a private PostgreSQL cannot run here, or '' when it can. */
export function privatePostgresUnavailable(): string {
  if (!findPostgresBinaries()) return 'initdb and pg_ctl not found (install the PostgreSQL server package, or set PEERLOCK_PG_BIN)';
  if (isRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
      execFileSync('runuser', ['--help'], { stdio: 'pipe' });
    } catch {
      return 'running as root without a postgres user or runuser to start PostgreSQL as';
    }
  }
  return '';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb, then start; `url` connects as the superuser `postgres` to database `postgres`. */
  static async start(): Promise<PrivatePostgres> {
    const bin = findPostgresBinaries();
    const unavailable = privatePostgresUnavailable();
    if (!bin || unavailable) throw new Error(`cannot run a private PostgreSQL: ${unavailable}`);
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-private-pg-'));
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(bin, dir, await freePort());
    await pg.as('initdb', '-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync');
    await pg.startServer();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server and waits until it accepts connections (after crash recovery, if any). */
  async startServer(): Promise<void> {
    await this.as(
      'pg_ctl',
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      'start',
    );
  }

  /** `fast` ends every session (rolling back what is open) and checkpoints; `immediate` is a crash: recovery at the next start. */
  async stopServer(mode: ShutdownMode): Promise<void> {
    await this.as('pg_ctl', '-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop');
  }

  /** Stops the server, keeps it down for `downMs`, starts it again; returns how long it was unreachable. */
  async restart(mode: ShutdownMode, downMs = 0): Promise<{ downMs: number }> {
    const started = performance.now();
    await this.stopServer(mode);
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startServer();
    return { downMs: performance.now() - started };
  }

  /** Stops the server (immediately) and deletes its files. */
  async destroy(): Promise<void> {
    await this.stopServer('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log, for a failed test's message. */
  logTail(lines = 40): string {
    try {
      return execFileSync('tail', ['-n', String(lines), join(this.dir, 'server.log')]).toString();
    } catch {
      return '';
    }
  }

  private async as(command: string, ...args: string[]): Promise<void> {
    const path = join(this.bin, command);
    try {
      if (isRoot) await run('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: this.dir });
      else await run(path, args, { cwd: this.dir });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${command} ${args.join(' ')} failed: ${stderr || stdout || String(error)}\n${this.logTail()}`);
    }
  }
}
