/**
 * A real server on an ephemeral port, over real HTTP, with a real store in a
 * temporary directory (SQLite) or a private PostgreSQL schema. The clock is
 * the only thing a test controls: it moves time forward to expire challenges
 * and tokens and to step TOTP, instead of sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp, type PeerlockApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export type Backend = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL when DATABASE_URL is set (CI sets it). */
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export class TestClock {
  constructor(public t = Date.parse('2026-06-01T12:00:00.000Z')) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestServer {
  readonly app: PeerlockApp;
  readonly url: string;
  readonly clock: TestClock;
  readonly dataDir: string;
  /** PostgreSQL schema holding this server's tables (postgres backend only). */
  readonly databaseSchema?: string;
  close(): Promise<void>;
}

/** Generous limits so that only tests about limits meet them. */
const RELAXED: Record<string, string> = {
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '100000',
  PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_ADDRESS: '100000',
  PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_USERNAME: '100000',
};

export async function startTestServer(backend: Backend, env: Record<string, string> = {}, clock = new TestClock()): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-api-'));
  const storeEnv: Record<string, string> =
    backend === 'postgres'
      ? // One node: its blob folder is the only one.
        { PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: process.env.DATABASE_URL!, PEERLOCK_DATABASE_SCHEMA: `t_${randomBytes(6).toString('hex')}`, PEERLOCK_BLOB_FOLDER_SHARED: 'true' }
      : {};
  const config = loadConfig({ PEERLOCK_MODE: 'dev', PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dataDir, ...RELAXED, ...storeEnv, ...env });
  const app = buildApp(config, { now: clock.now });
  await app.start();
  return {
    app,
    url: app.url,
    clock,
    dataDir,
    ...(backend === 'postgres' ? { databaseSchema: storeEnv.PEERLOCK_DATABASE_SCHEMA! } : {}),
    async close() {
      await app.stop();
      if (backend === 'postgres') await dropSchema(storeEnv.PEERLOCK_DATABASE_SCHEMA!);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
