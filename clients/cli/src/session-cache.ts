/**
 * The session between commands. The config directory (XDG_CONFIG_HOME)
 * holds only what is safe to leak: server, username, the server's pinned
 * signing key, the pin-set high-water mark, the last notification position,
 * and the secrets (identity key, unspent tokens, a pending 2FA setup, the
 * conversation subjects already verified) sealed with secretbox. The
 * sealing key is random per login and lives in the runtime directory
 * (XDG_RUNTIME_DIR: memory-backed, per boot, private), so a copied config
 * directory or backup opens nothing. `logout` removes both.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, randomBytes, secretbox, secretboxOpenFramed, utf8ToBytes, NONCE_BYTES, type ClientSession } from '@peerlock/sdk';

interface SealedPart {
  readonly secretKey: string;
  readonly tokens: readonly string[];
  readonly tokensExpireAt: number;
  /** This machine's device session: its id and secret (refills need no two-factor code). */
  readonly sessionId?: string;
  readonly sessionSecret?: string;
  readonly pendingTwoFactor?: string;
  readonly subjects?: Readonly<Record<string, string>>;
}

export interface CachedSession {
  readonly server: string;
  readonly session: ClientSession;
  readonly lastPosition: string | null;
  readonly pendingTwoFactor?: string;
  /**
   * Conversation id → its subject, as a full read verified it: a subject
   * never changes once verified (the opening message's), so `inbox` need not
   * spend tokens verifying it again. Message content: sealed like the key.
   */
  readonly subjects?: Readonly<Record<string, string>>;
}

interface FileShape {
  v: 1;
  server: string;
  username: string;
  serverSigningKey: string;
  pinVersion: number;
  lastPosition: string | null;
  sealed: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'peerlock');
}

function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(env.XDG_RUNTIME_DIR || join(tmpdir(), `peerlock-${uid}`), 'peerlock');
}

const sessionPath = () => join(configDir(), 'session.json');
const keyPath = () => join(runtimeDir(), 'session.key');

export function loadSession(): CachedSession | null {
  if (!existsSync(sessionPath()) || !existsSync(keyPath())) return null;
  let file: FileShape;
  try {
    file = JSON.parse(readFileSync(sessionPath(), 'utf8')) as FileShape;
    const key = base64ToBytes(readFileSync(keyPath(), 'utf8').trim(), 'session key');
    const sealed = base64ToBytes(file.sealed, 'sealed session');
    const opened = secretboxOpenFramed(sealed, key);
    const part = JSON.parse(bytesToUtf8(opened)) as SealedPart;
    return {
      server: file.server,
      lastPosition: file.lastPosition,
      ...(part.pendingTwoFactor ? { pendingTwoFactor: part.pendingTwoFactor } : {}),
      ...(part.subjects ? { subjects: part.subjects } : {}),
      session: {
        username: file.username,
        serverSigningKey: file.serverSigningKey,
        pinVersion: file.pinVersion,
        secretKey: part.secretKey,
        tokens: part.tokens,
        tokensExpireAt: part.tokensExpireAt,
        ...(part.sessionId && part.sessionSecret ? { sessionId: part.sessionId, sessionSecret: part.sessionSecret } : {}),
      },
    };
  } catch {
    // A damaged cache is as good as none: the user logs in again.
    return null;
  }
}

export function saveSession(cached: CachedSession): void {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  mkdirSync(runtimeDir(), { recursive: true, mode: 0o700 });
  let key: Uint8Array;
  try {
    key = base64ToBytes(readFileSync(keyPath(), 'utf8').trim(), 'session key');
  } catch {
    key = randomBytes(32);
    writeFileSync(keyPath(), bytesToBase64(key), { mode: 0o600 });
  }
  const { session } = cached;
  const part: SealedPart = {
    secretKey: session.secretKey,
    tokens: session.tokens,
    tokensExpireAt: session.tokensExpireAt,
    ...(session.sessionId && session.sessionSecret ? { sessionId: session.sessionId, sessionSecret: session.sessionSecret } : {}),
    ...(cached.pendingTwoFactor ? { pendingTwoFactor: cached.pendingTwoFactor } : {}),
    ...(cached.subjects && Object.keys(cached.subjects).length ? { subjects: cached.subjects } : {}),
  };
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify(part)), nonce, key));
  const file: FileShape = {
    v: 1,
    server: cached.server,
    username: session.username,
    serverSigningKey: session.serverSigningKey,
    pinVersion: session.pinVersion,
    lastPosition: cached.lastPosition,
    sealed: bytesToBase64(sealed),
  };
  writeFileSync(sessionPath(), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}

export function clearSession(): void {
  rmSync(sessionPath(), { force: true });
  rmSync(keyPath(), { force: true });
}
