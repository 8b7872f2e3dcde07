/**
 * What every command gets: parsed flags, output, and a client restored
 * from the session cache (saved again when the command ends, so spent
 * tokens are never offered twice).
 */
import { hostname } from 'node:os';
import { PeerlockClient, NotLoggedInError } from '@peerlock/sdk';
import { clearSession, liveSubjects, loadSession, saveSession, type CachedSession, type CachedSubject } from './session-cache.js';
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

/** The most PEERLOCK_DEV_CLOCK_OFFSET_MS may say (as the server's own setting): a year and a day. */
const MAX_CLOCK_OFFSET_MS = 366 * 86_400_000;

/**
 * PEERLOCK_DEV_CLOCK_OFFSET_MS, a test and development knob: this CLI's
 * clock runs that many milliseconds ahead of the machine's, for the SDK (a
 * message's expiry, the delete and edit windows, read receipts, tokens) and
 * for the session cache (which cached subjects have expired). End-to-end
 * tests set it together with the dev server's setting of the same name, to
 * see a disappearing message go without waiting. Unset (the default): 0.
 * It only makes things disappear or close sooner, never later.
 */
export function clockOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PEERLOCK_DEV_CLOCK_OFFSET_MS;
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) > MAX_CLOCK_OFFSET_MS) throw new UsageError(`PEERLOCK_DEV_CLOCK_OFFSET_MS: expected milliseconds from 0 to ${MAX_CLOCK_OFFSET_MS} (a test setting; unset it)`);
  return Number(raw);
}

export class Context {
  private cached: CachedSession | null;
  private clientInstance: PeerlockClient | null = null;
  lastPosition: string | null;
  pendingTwoFactor: string | undefined;
  /** Verified conversation subjects by id (see CachedSession.subjects); saved with the session, each only until its opening message expires. */
  readonly subjects: Map<string, CachedSubject>;
  /** This CLI's clock: the machine's, plus PEERLOCK_DEV_CLOCK_OFFSET_MS (see clockOffset). */
  readonly now: () => number;

  constructor(
    readonly flags: GlobalFlags,
    readonly out: Output,
  ) {
    const offset = clockOffset();
    this.now = () => Date.now() + offset;
    this.cached = loadSession(this.now());
    this.lastPosition = this.cached?.lastPosition ?? null;
    this.pendingTwoFactor = this.cached?.pendingTwoFactor;
    this.subjects = new Map(Object.entries(this.cached?.subjects ?? {}));
  }

  /** The cached subject of a conversation, if its opening message has not expired meanwhile. */
  subject(conversationId: string): string | undefined {
    const entry = this.subjects.get(conversationId);
    if (entry && liveSubjects({ [conversationId]: entry }, this.now())[conversationId] === undefined) {
      this.subjects.delete(conversationId);
      return undefined;
    }
    return entry?.subject;
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
    this.clientInstance = new PeerlockClient({ url: this.server, webSocketImpl: await webSocketImpl(), deviceMarks: fileMarkStore, device: DEVICE, now: this.now, ...witnessConfig() });
    return this.clientInstance;
  }

  /** The logged-in client, or NotLoggedInError. */
  async client(): Promise<PeerlockClient> {
    if (this.clientInstance?.loggedIn) return this.clientInstance;
    const asked = this.flags.server ?? process.env.PEERLOCK_SERVER;
    // A session belongs to one server: never spend its tokens or keys on another.
    if (!this.cached || (asked !== undefined && serverUrl(this.flags) !== this.cached.server)) throw new NotLoggedInError();
    const client = new PeerlockClient({ url: this.cached.server, webSocketImpl: await webSocketImpl(), deviceMarks: fileMarkStore, device: DEVICE, now: this.now, ...witnessConfig() });
    client.resume(this.cached.session);
    this.clientInstance = client;
    return client;
  }

  /** Writes what the client holds now back to the cache. */
  save(): void {
    const client = this.clientInstance;
    if (!client?.loggedIn) return;
    saveSession(
      {
        server: client.url,
        session: client.exportSession(),
        lastPosition: this.lastPosition,
        ...(this.pendingTwoFactor ? { pendingTwoFactor: this.pendingTwoFactor } : {}),
        subjects: Object.fromEntries(this.subjects),
      },
      this.now(),
    );
  }

  forget(): void {
    this.clientInstance?.logout();
    this.clientInstance = null;
    this.cached = null;
    clearSession();
  }
}
