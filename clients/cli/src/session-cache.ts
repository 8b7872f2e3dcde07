/**
 * The session between commands. The config directory (XDG_CONFIG_HOME)
 * holds only what is safe to leak: server, username, the server's pinned
 * signing key, the pin-set high-water mark, the last notification position,
 * and the secrets (identity key, unspent tokens, a pending 2FA setup, the
 * conversation subjects already verified) sealed with secretbox. The
 * sealing key is random per login and lives in the runtime directory
 * (XDG_RUNTIME_DIR: memory-backed, per boot, private), so a copied config
 * directory or backup opens nothing. `logout` removes both.
 *
 * A subject is the only message content kept, and never past its opening
 * message's expiry (disappearing messages, issue 20): each is stored with
 * when that message disappears, and dropped once that time has passed, on
 * every load and every save.
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
  /** A bare string: a subject cached before subjects had expiries (its message has none: it predates timers). */
  readonly subjects?: Readonly<Record<string, string | CachedSubject>>;
}

/** A conversation's verified subject, as long as its opening message lives. */
export interface CachedSubject {
  readonly subject: string;
  /** When the opening message disappears (ms since the epoch, the CLI's clock); absent: never. The subject goes with it. */
  readonly expiresAt?: number;
  /** The opening message's id: a delete of it takes the subject along. */
  readonly messageId?: string;
}

export interface CachedSession {
  readonly server: string;
  readonly session: ClientSession;
  readonly lastPosition: string | null;
  readonly pendingTwoFactor?: string;
  /**
   * Conversation id → its subject, as a full read verified it: a subject
   * never changes once verified (the opening message's), so `inbox` need not
   * spend tokens verifying it again. Message content: sealed like the key,
   * and kept only until its opening message disappears (see liveSubjects).
   */
  readonly subjects?: Readonly<Record<string, CachedSubject>>;
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

/**
 * The subjects whose opening message has not disappeared at `now`, the
 * others left out. A legacy bare string becomes a subject without expiry;
 * anything malformed is dropped (a subject is only a saving, never needed).
 */
export function liveSubjects(subjects: Readonly<Record<string, unknown>> | undefined, now: number): Record<string, CachedSubject> {
  const live: Record<string, CachedSubject> = {};
  for (const [id, value] of Object.entries(subjects ?? {})) {
    const entry: unknown = typeof value === 'string' ? { subject: value } : value;
    if (!isCachedSubject(entry)) continue;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) continue;
    live[id] = { subject: entry.subject, ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}), ...(entry.messageId !== undefined ? { messageId: entry.messageId } : {}) };
  }
  return live;
}

function isCachedSubject(value: unknown): value is CachedSubject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.subject === 'string' && (v.expiresAt === undefined || Number.isFinite(v.expiresAt)) && (v.messageId === undefined || typeof v.messageId === 'string');
}

/** `now`: the CLI's clock (Context.now), which decides which cached subjects have expired. */
export function loadSession(now: number = Date.now()): CachedSession | null {
  if (!existsSync(sessionPath()) || !existsSync(keyPath())) return null;
  let file: FileShape;
  try {
    file = JSON.parse(readFileSync(sessionPath(), 'utf8')) as FileShape;
    const key = base64ToBytes(readFileSync(keyPath(), 'utf8').trim(), 'session key');
    const sealed = base64ToBytes(file.sealed, 'sealed session');
    const opened = secretboxOpenFramed(sealed, key);
    const part = JSON.parse(bytesToUtf8(opened)) as SealedPart;
    const subjects = liveSubjects(part.subjects, now);
    return {
      server: file.server,
      lastPosition: file.lastPosition,
      ...(part.pendingTwoFactor ? { pendingTwoFactor: part.pendingTwoFactor } : {}),
      ...(Object.keys(subjects).length ? { subjects } : {}),
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

export function saveSession(cached: CachedSession, now: number = Date.now()): void {
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
  const subjects = liveSubjects(cached.subjects, now);
  const part: SealedPart = {
    secretKey: session.secretKey,
    tokens: session.tokens,
    tokensExpireAt: session.tokensExpireAt,
    ...(session.sessionId && session.sessionSecret ? { sessionId: session.sessionId, sessionSecret: session.sessionSecret } : {}),
    ...(cached.pendingTwoFactor ? { pendingTwoFactor: cached.pendingTwoFactor } : {}),
    ...(Object.keys(subjects).length ? { subjects } : {}),
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
