/**
 * The session cache: the config directory alone opens nothing (secrets are
 * sealed with a key kept in the runtime directory), a damaged or foreign
 * cache reads as "not logged in", logout removes both halves, and a cached
 * subject is dropped once its opening message has disappeared.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, randomBytes, secretbox, secretboxOpenFramed, utf8ToBytes, NONCE_BYTES } from '@peerlock/sdk';
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

/** What the cache holds sealed, opened with the runtime key. */
function sealedText(): string {
  const key = base64ToBytes(readFileSync(join(home, 'run/peerlock/session.key'), 'utf8').trim());
  const file = JSON.parse(readFileSync(join(configDir(), 'session.json'), 'utf8')) as { sealed: string };
  return bytesToUtf8(secretboxOpenFramed(base64ToBytes(file.sealed), key));
}

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
    const s = { ...session(), subjects: { '7Kq2mWabc': { subject: 'Q3 numbers, confidential', messageId: 'opening' } } };
    saveSession(s);
    expect(loadSession()).toEqual(s);
    expect(readFileSync(join(configDir(), 'session.json'), 'utf8')).not.toContain('Q3 numbers');
  });

  it('drops a subject once its opening message has expired: on load, and on save (nothing of it stays on disk)', () => {
    const now = 1_800_000_000_000;
    const subjects = {
      lives: { subject: 'Lunch on Friday', expiresAt: now + 60_000, messageId: 'm1' },
      expired: { subject: 'Gate code 4711', expiresAt: now - 1, messageId: 'm2' },
      forever: { subject: 'Q3 numbers' },
    };
    saveSession({ ...session(), subjects }, now - 120_000);
    // Saved while it still lived; loaded after: left out.
    expect(loadSession(now - 120_000)?.subjects).toEqual(subjects);
    expect(loadSession(now)?.subjects).toEqual({ lives: subjects.lives, forever: subjects.forever });
    expect(loadSession(now + 60_000)?.subjects).toEqual({ forever: subjects.forever });

    // Saved after it expired: not written at all, not even sealed.
    saveSession({ ...session(), subjects }, now);
    expect(sealedText()).not.toContain('Gate code 4711');
    expect(sealedText()).toContain('Lunch on Friday');
    expect(loadSession(now - 120_000)?.subjects).toEqual({ lives: subjects.lives, forever: subjects.forever });
  });

  it('reads a subject cached before subjects had expiries (a bare string) as one that never expires; drops what is malformed', () => {
    saveSession(session());
    const key = base64ToBytes(readFileSync(join(home, 'run/peerlock/session.key'), 'utf8').trim());
    const path = join(configDir(), 'session.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { sealed: string };
    const part = JSON.parse(sealedText()) as Record<string, unknown>;
    const legacy = { ...part, subjects: { old: 'From before timers', broken: { subject: 7 }, odd: { subject: 'x', expiresAt: 'soon' } } };
    const nonce = randomBytes(NONCE_BYTES);
    file.sealed = bytesToBase64(concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify(legacy)), nonce, key)));
    writeFileSync(path, JSON.stringify(file));
    expect(loadSession()?.subjects).toEqual({ old: { subject: 'From before timers' } });
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
