/**
 * What every command gets: parsed flags, output, and a client restored
 * from the session cache (saved again when the command ends, so spent
 * tokens are never offered twice).
 */
import { hostname } from 'node:os';
import { PeerlockClient, NotLoggedInError } from '@peerlock/sdk';
import { clearSession, loadSession, saveSession, type CachedSession } from './session-cache.js';
import type { Output } from './output.js';
import { UsageError } from './cli-error.js';
import { fileMarkStore } from './device-marks-file.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:4000/graphql';

/** How this machine's session shows in `peerlock sessions` (and the web's list): a trusted device, as the session cache is this user's. */
const DEVICE = { label: `peerlock CLI on ${hostname()}`.slice(0, 80), trusted: true } as const;

export interface GlobalFlags {
  readonly server?: string | undefined;
  readonly json: boolean;
  readonly passphraseFile?: string | undefined;
}

/** Node 20 has no global WebSocket; browsers and Node 22 do. */
async function webSocketImpl(): Promise<unknown> {
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  return global ?? (await import('ws')).default;
}

export function serverUrl(flags: GlobalFlags, cached?: CachedSession | null): string {
  const raw = flags.server ?? process.env.PEERLOCK_SERVER ?? cached?.server ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const from = flags.server !== undefined ? '--server' : process.env.PEERLOCK_SERVER !== undefined ? 'PEERLOCK_SERVER' : 'the cached session\'s server';
    throw new UsageError(`${from} ${JSON.stringify(raw)} is not a URL (for example http://127.0.0.1:4000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${JSON.stringify(raw)}: the server URL must start with http:// or https://`);
  // Accept the bare origin people type; the API lives at /graphql.
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url.toString();
}

/**
 * Key-log witnesses (DESIGN §6, T13): PEERLOCK_WITNESSES lists their verifier
 * keys (commas or spaces), PEERLOCK_WITNESS_THRESHOLD how many must co-sign a
 * tree head (default: 0, none). A bad value is a usage error, not a silent 0.
 */
function witnessConfig(env: NodeJS.ProcessEnv = process.env): { witnesses: string[]; witnessThreshold: number } {
  const witnesses = (env.PEERLOCK_WITNESSES ?? '').split(/[\s,]+/).filter(Boolean);
  const raw = env.PEERLOCK_WITNESS_THRESHOLD ?? '0';
  if (!/^\d{1,3}$/.test(raw)) throw new UsageError('PEERLOCK_WITNESS_THRESHOLD: expected a number of witnesses');
  return { witnesses, witnessThreshold: Number(raw) };
}

export class Context {
  private cached: CachedSession | null;
  private clientInstance: PeerlockClient | null = null;
  lastPosition: string | null;
  pendingTwoFactor: string | undefined;
  /** Verified conversation subjects by id (see CachedSession.subjects); saved with the session. */
  readonly subjects: Map<string, string>;

  constructor(
    readonly flags: GlobalFlags,
    readonly out: Output,
  ) {
    this.cached = loadSession();
    this.lastPosition = this.cached?.lastPosition ?? null;
    this.pendingTwoFactor = this.cached?.pendingTwoFactor;
    this.subjects = new Map(Object.entries(this.cached?.subjects ?? {}));
  }

  get server(): string {
    return serverUrl(this.flags, this.cached);
  }

  /** The username of the session cached for this server, if any (`peerlock login --code` needs no username). */
  cachedUsername(): string | null {
    const asked = this.flags.server ?? process.env.PEERLOCK_SERVER;
    if (!this.cached || (asked !== undefined && serverUrl(this.flags) !== this.cached.server)) return null;
    return this.cached.session.username;
  }

  /** A client without a session (signup, login). */
  async fresh(): Promise<PeerlockClient> {
    // Another login (perhaps another user): nothing verified for the session before carries over.
    this.subjects.clear();
    this.clientInstance = new PeerlockClient({ url: this.server, webSocketImpl: await webSocketImpl(), deviceMarks: fileMarkStore, device: DEVICE, ...witnessConfig() });
    return this.clientInstance;
  }

  /** The logged-in client, or NotLoggedInError. */
  async client(): Promise<PeerlockClient> {
    if (this.clientInstance?.loggedIn) return this.clientInstance;
    const asked = this.flags.server ?? process.env.PEERLOCK_SERVER;
    // A session belongs to one server: never spend its tokens or keys on another.
    if (!this.cached || (asked !== undefined && serverUrl(this.flags) !== this.cached.server)) throw new NotLoggedInError();
    const client = new PeerlockClient({ url: this.cached.server, webSocketImpl: await webSocketImpl(), deviceMarks: fileMarkStore, device: DEVICE, ...witnessConfig() });
    client.resume(this.cached.session);
    this.clientInstance = client;
    return client;
  }

  /** Writes what the client holds now back to the cache. */
  save(): void {
    const client = this.clientInstance;
    if (!client?.loggedIn) return;
    saveSession({
      server: client.url,
      session: client.exportSession(),
      lastPosition: this.lastPosition,
      ...(this.pendingTwoFactor ? { pendingTwoFactor: this.pendingTwoFactor } : {}),
      subjects: Object.fromEntries(this.subjects),
    });
  }

  forget(): void {
    this.clientInstance?.logout();
    this.clientInstance = null;
    this.cached = null;
    clearSession();
  }
}
