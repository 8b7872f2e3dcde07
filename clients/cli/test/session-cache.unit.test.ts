/**
 * The session cache: the config directory alone opens nothing (secrets are
 * sealed with a key kept in the runtime directory), a damaged or foreign
 * cache reads as "not logged in", and logout removes both halves.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { clearSession, configDir, loadSession, saveSession, type CachedSession } from '../src/session-cache.js';

let home: string;
const saved = { config: process.env.XDG_CONFIG_HOME, runtime: process.env.XDG_RUNTIME_DIR };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'peerlock-cache-'));
  process.env.XDG_CONFIG_HOME = join(home, 'config');
  process.env.XDG_RUNTIME_DIR = join(home, 'run');
});

afterEach(() => {
  process.env.XDG_CONFIG_HOME = saved.config;
  process.env.XDG_RUNTIME_DIR = saved.runtime;
  rmSync(home, { recursive: true, force: true });
});

const session = (): CachedSession => ({
  server: 'http://127.0.0.1:4000/graphql',
  lastPosition: '42',
  pendingTwoFactor: 'sealed-setup',
  session: {
    username: 'alice',
    secretKey: bytesToBase64(randomBytes(32)),
    tokens: [bytesToBase64(randomBytes(32)), bytesToBase64(randomBytes(32))],
    tokensExpireAt: 1_900_000_000_000,
    serverSigningKey: bytesToBase64(randomBytes(32)),
    pinVersion: 7,
  },
});

describe('session cache', () => {
  it('round-trips, with no secret in the config directory', () => {
    const s = session();
    saveSession(s);
    expect(loadSession()).toEqual(s);
    const onDisk = readFileSync(join(configDir(), 'session.json'), 'utf8');
    for (const secret of [s.session.secretKey, ...s.session.tokens, s.pendingTwoFactor!]) expect(onDisk).not.toContain(secret);
  });

  it('keeps verified conversation subjects sealed, never in clear', () => {
    const s = { ...session(), subjects: { '7Kq2mWabc': 'Q3 numbers, confidential' } };
    saveSession(s);
    expect(loadSession()).toEqual(s);
    expect(readFileSync(join(configDir(), 'session.json'), 'utf8')).not.toContain('Q3 numbers');
  });

  it('opens nothing without the runtime key (a copied config directory, a reboot)', () => {
    saveSession(session());
    rmSync(join(home, 'run'), { recursive: true });
    expect(loadSession()).toBeNull();
  });

  it('reads a tampered cache as no session', () => {
    saveSession(session());
    const path = join(configDir(), 'session.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { sealed: string };
    file.sealed = bytesToBase64(randomBytes(120));
    writeFileSync(path, JSON.stringify(file));
    expect(loadSession()).toBeNull();
  });

  it('logout removes both halves', () => {
    saveSession(session());
    clearSession();
    expect(existsSync(join(configDir(), 'session.json'))).toBe(false);
    expect(existsSync(join(home, 'run/peerlock/session.key'))).toBe(false);
    expect(loadSession()).toBeNull();
  });
});
