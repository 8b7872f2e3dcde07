import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519PublicKey, formatVerifierKey, noteKey, NOTE_COSIGNATURE_V1, NOTE_ED25519, randomBytes } from '@peerlock/sdk';
import { ConfigError, describeConfig, loadConfig } from '../src/config.js';
import { loadServerSecrets, SECRETS_FILE, ServerSecretsError } from '../src/auth/server-secrets.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('defaults: production, SQLite under ./data, port 4000, loopback, strict limits', () => {
    const c = loadConfig({ PEERLOCK_TRUST_PROXY: 'true' });
    expect(c).toMatchObject({ mode: 'production', store: 'sqlite', port: 4000, host: '127.0.0.1', tokenTtlSeconds: 600, maxOutstandingTokens: 1024 });
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('the log: info (the start-up and stop lines) in production and dev, text; PEERLOCK_LOG_LEVEL and PEERLOCK_LOG_FORMAT checked', () => {
    expect(loadConfig({ PEERLOCK_TRUST_PROXY: 'true' })).toMatchObject({ logLevel: 'info', logFormat: 'text' });
    expect(loadConfig({ PEERLOCK_TRUST_PROXY: 'true', PEERLOCK_LOG_LEVEL: 'warn' })).toMatchObject({ logLevel: 'warn' });
    expect(loadConfig({ PEERLOCK_MODE: 'dev' })).toMatchObject({ logLevel: 'info', logFormat: 'text' });
    expect(loadConfig({ PEERLOCK_MODE: 'dev', PEERLOCK_LOG_LEVEL: 'error', PEERLOCK_LOG_FORMAT: 'json' })).toMatchObject({ logLevel: 'error', logFormat: 'json' });
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_LOG_LEVEL: 'loud', PEERLOCK_LOG_FORMAT: 'xml' }).map((p) => p.split(':')[0])).toEqual(['PEERLOCK_LOG_LEVEL', 'PEERLOCK_LOG_FORMAT']);
  });

  it('a clock offset (end-to-end tests of disappearing messages) only in dev mode', () => {
    expect(loadConfig({ PEERLOCK_MODE: 'dev', PEERLOCK_DEV_CLOCK_OFFSET_MS: '360000' }).devClockOffsetMs).toBe(360_000);
    expect(loadConfig({ PEERLOCK_TRUST_PROXY: 'true' }).devClockOffsetMs).toBe(0);
    expect(problemsOf({ PEERLOCK_TRUST_PROXY: 'true', PEERLOCK_DEV_CLOCK_OFFSET_MS: '1' }).map((p) => p.split(':')[0])).toEqual(['PEERLOCK_DEV_CLOCK_OFFSET_MS']);
  });

  it('production needs TLS or a trusted proxy; dev does not', () => {
    expect(problemsOf({})).toEqual([expect.stringContaining('PEERLOCK_TLS_CERT')]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev' })).toEqual([]);
  });

  it('reports every problem by name, including misspelt variables', () => {
    const problems = problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_PORT: '99999', PEERLOCK_STORE: 'mysql', PEERLOCK_TOKEN_TTL: '5', PEERLOCK_MAX_OUTSTANDING_TOKENS: '5000' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PEERLOCK_STORE', 'PEERLOCK_PORT', 'PEERLOCK_MAX_OUTSTANDING_TOKENS', 'PEERLOCK_TOKEN_TTL']);
  });

  it('witnesses: cosignature/v1 verifier keys, each once; the CLI settings of the same shell are let be', () => {
    const key = (type: typeof NOTE_COSIGNATURE_V1 | typeof NOTE_ED25519, name = 'witness-a.example') => formatVerifierKey(noteKey(name, type, ed25519PublicKey(randomBytes(32))));
    const [a, b] = [key(NOTE_COSIGNATURE_V1), key(NOTE_COSIGNATURE_V1, 'witness-b.example')];
    expect(loadConfig({ PEERLOCK_MODE: 'dev', PEERLOCK_WITNESSES: `${a}, ${b}` }).witnesses).toEqual([a, b]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_SERVER: 'http://127.0.0.1:4000', PEERLOCK_WITNESS_THRESHOLD: '2', PEERLOCK_PASSPHRASE: 'x' })).toEqual([]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_WITNESSES: 'not-a-key' })).toEqual([expect.stringContaining('PEERLOCK_WITNESSES: expected verifier keys')]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_WITNESSES: key(NOTE_ED25519) })).toEqual([expect.stringContaining('PEERLOCK_WITNESSES: expected cosignature/v1')]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_WITNESSES: `${a},${a}` })).toEqual([expect.stringContaining('listed twice')]);
  });

  it('PostgreSQL and KurrentDB need their URLs', () => {
    const shared = { PEERLOCK_BLOB_FOLDER_SHARED: 'true' };
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_STORE: 'postgres', ...shared })).toEqual([expect.stringContaining('PEERLOCK_DATABASE_URL')]);
    expect(problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_STORE: 'kurrentdb', PEERLOCK_DATABASE_URL: 'postgres://x', ...shared })).toEqual([
      expect.stringContaining('PEERLOCK_KURRENTDB_URL'),
    ]);
  });

  it('a cluster store with node-local blob folders is refused unless the folder is declared shared', () => {
    const cluster = { PEERLOCK_MODE: 'dev', PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: 'postgres://x' };
    const [problem] = problemsOf(cluster);
    expect(problem).toMatch(/^PEERLOCK_BLOB_STORE=local with PEERLOCK_STORE=postgres: every node must serve every file; use PEERLOCK_BLOB_STORE=azure, or set PEERLOCK_BLOB_FOLDER_SHARED=true/);
    expect(problemsOf({ ...cluster, PEERLOCK_BLOB_FOLDER_SHARED: 'true' })).toEqual([]);
    expect(problemsOf({ ...cluster, PEERLOCK_BLOB_STORE: 'azure', PEERLOCK_AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' })).toEqual([]);
    // SQLite is one node by construction: the default needs nothing.
    expect(problemsOf({ PEERLOCK_MODE: 'dev' })).toEqual([]);
  });

  it('never echoes a secret, even a malformed one', () => {
    const secret = 'hunter2-not-base64-secret-value';
    const problems = problemsOf({ PEERLOCK_MODE: 'dev', PEERLOCK_MAC_KEY: secret });
    expect(problems).toHaveLength(1);
    expect(problems.join()).not.toContain(secret);
    const c = loadConfig({ PEERLOCK_MODE: 'dev', PEERLOCK_MAC_KEY: 'A'.repeat(43) + '=', PEERLOCK_DATABASE_URL: 'postgres://user:pw@host/db' });
    expect(JSON.stringify(describeConfig(c))).not.toMatch(/AAAA|pw@host/);
  });
});

describe('server secrets', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated once into the data directory, owner-only, and stable across starts', () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-secrets-'));
    const a = loadServerSecrets({ dataDir: dir, signingSeed: null, macKey: null });
    const b = loadServerSecrets({ dataDir: dir, signingSeed: null, macKey: null });
    expect(b).toEqual(a);
    expect(statSync(join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('refuse a secrets file readable by others', () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-secrets-'));
    loadServerSecrets({ dataDir: dir, signingSeed: null, macKey: null });
    chmodSync(join(dir, SECRETS_FILE), 0o644);
    expect(() => loadServerSecrets({ dataDir: dir, signingSeed: null, macKey: null })).toThrow(ServerSecretsError);
  });

  it('come from configuration when given, and then nothing is written', () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-secrets-'));
    const seed = Buffer.alloc(32, 7).toString('base64');
    const mac = Buffer.alloc(32, 9).toString('base64');
    const s = loadServerSecrets({ dataDir: dir, signingSeed: seed, macKey: mac });
    expect(Buffer.from(s.rootKey).toString('base64')).toBe(mac);
    expect(() => statSync(join(dir, SECRETS_FILE))).toThrow();
  });
});
