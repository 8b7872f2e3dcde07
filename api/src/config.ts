/**
 * Server configuration from `PEERLOCK_*` environment variables, validated
 * once at start (DESIGN.md §7). Every problem is reported together, by
 * variable name, and values of secret variables are never echoed.
 *
 * Defaults are the safe production ones; `PEERLOCK_MODE=dev` (what
 * `npm start` sets) turns on GraphiQL, introspection and plain HTTP.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOTE_COSIGNATURE_V1, parseVerifierKey } from '@peerlock/sdk';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';

/** clients/web/dist of this checkout: config.ts sits two levels below the repository in src/ and dist/ alike. */
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../clients/web/dist', import.meta.url));

export type StoreKind = 'sqlite' | 'postgres' | 'kurrentdb';
export type Mode = 'dev' | 'production';

export interface RateLimitConfig {
  windowSeconds: number;
  signupPerAddress: number;
  signupPerUsername: number;
  challengePerAddress: number;
  challengePerUsername: number;
  twoFactorPerAddress: number;
  twoFactorPerUsername: number;
  /** Notification subscriptions that replay from a past position (reading the log costs the server). */
  replayPerAddress: number;
  replayPerUsername: number;
  /** Key-log queries and witness hand-ins (public; an exact lookup confirms a username). */
  keyLogPerAddress: number;
  /** Wrong access values presented to openLink (docs/links.md): an online passphrase guesser is slowed to this many per window. */
  linkAccessPerAddress: number;
}

export interface LimitsConfig {
  maxDepth: number;
  maxCost: number;
  maxBodyBytes: number;
  /** UTF-8 bytes of a query text, checked before it is parsed (ciphertext travels in variables, not in the text). */
  maxQueryBytes: number;
  /** Lexical tokens of a query text: graphql-js's parser stops past this many. */
  maxQueryTokens: number;
  /** How far back (in log events) a notification subscription may replay; older positions must resync. */
  notificationReplayEvents: number;
  /** How long a start waits for read models behind the log before it serves anyway (they catch up in the background). */
  startCatchUpWaitMs: number;
  /** GraphQL operations (HTTP and WebSocket) a node runs at once; beyond it, UNAVAILABLE with Retry-After (load shedding). */
  maxInFlight: number;
  /** Operations one WebSocket connection may have under way (subscriptions included); beyond it, UNAVAILABLE, so one client cannot take the node's share. */
  maxOperationsPerConnection: number;
}

export interface FilesConfig {
  /** Ciphertext bytes a user may store, uploads in progress included. */
  quotaBytes: number;
  /** An upload not finalized this long after it started is dropped. */
  uploadTimeoutSeconds: number;
  blobStore: 'local' | 'azure';
  azureConnectionString: string | null;
  azureContainer: string;
}

export interface AppConfig {
  mode: Mode;
  /**
   * PEERLOCK_DEV_CLOCK_OFFSET_MS, dev mode only: the server's clock runs this
   * far ahead of the machine's, so end-to-end tests can see a disappearing
   * message expire (a restart with an offset) without waiting for it.
   */
  devClockOffsetMs: number;
  /** PEERLOCK_LOG_LEVEL: lines below it are dropped (default info: start-up and stop lines; requests log at debug). */
  logLevel: LogLevel;
  /** PEERLOCK_LOG_FORMAT: text for a terminal, json (one object per line) for a log collector. */
  logFormat: LogFormat;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  publicUrl: string | null;
  dataDir: string;
  store: StoreKind;
  databaseUrl: string | null;
  /** PostgreSQL schema holding every Peerlock table (one per test file). */
  databaseSchema: string;
  kurrentdbUrl: string | null;
  tokenTtlSeconds: number;
  tokenBatchSize: number;
  maxOutstandingTokens: number;
  /** A trusted device's session lasts this long ("trust this device"; the CLI's); an untrusted one sessionUntrustedHours. */
  sessionLifetimeDays: number;
  sessionUntrustedHours: number;
  /** Live sessions per user; opening one more ends the least recently used. */
  maxSessionsPerUser: number;
  rateLimits: RateLimitConfig;
  limits: LimitsConfig;
  tls: { certPath: string; keyPath: string } | null;
  trustProxy: boolean;
  corsOrigins: string[];
  /** base64 32-byte secrets; null: generated into the data directory on first start. */
  signingSeed: string | null;
  macKey: string | null;
  files: FilesConfig;
  /** The built web client served at `/` (absent: `/` says it is not built). */
  webRoot: string;
  /** Key-log witnesses whose co-signatures this server accepts and serves: C2SP verifier keys (cosignature/v1). */
  witnesses: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;


export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const known = new Set<string>();
  const str = (name: string): string | undefined => {
    known.add(name);
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name}: expected an integer in ${min}..${max}`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name}: expected true or false`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name}: expected one of ${values.join(', ')}`);
    return fallback;
  };
  const secret = (name: string): string | null => {
    const raw = str(name);
    if (raw === undefined) return null;
    if (!/^[A-Za-z0-9+/]{43}=$/.test(raw)) problems.push(`${name}: expected 32 bytes in base64 (value not shown)`);
    return raw;
  };

  const mode = oneOf<Mode>('PEERLOCK_MODE', ['dev', 'production'], 'production');
  const logLevel = oneOf<LogLevel>('PEERLOCK_LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = oneOf<LogFormat>('PEERLOCK_LOG_FORMAT', ['text', 'json'], 'text');
  const store = oneOf<StoreKind>('PEERLOCK_STORE', ['sqlite', 'postgres', 'kurrentdb'], 'sqlite');
  const databaseUrl = str('PEERLOCK_DATABASE_URL') ?? null;
  const kurrentdbUrl = str('PEERLOCK_KURRENTDB_URL') ?? null;
  // KurrentDB holds events only; tokens, rate limits and data keys still need SQL shared by all nodes.
  if ((store === 'postgres' || store === 'kurrentdb') && !databaseUrl) problems.push(`PEERLOCK_DATABASE_URL: required when PEERLOCK_STORE=${store}`);
  if (store === 'kurrentdb' && !kurrentdbUrl) problems.push('PEERLOCK_KURRENTDB_URL: required when PEERLOCK_STORE=kurrentdb');
  const databaseSchema = str('PEERLOCK_DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) problems.push('PEERLOCK_DATABASE_SCHEMA: expected a lowercase SQL identifier');

  const publicUrl = str('PEERLOCK_PUBLIC_URL') ?? null;
  if (publicUrl !== null && !URL.canParse(publicUrl)) problems.push('PEERLOCK_PUBLIC_URL: expected an absolute URL');

  const certPath = str('PEERLOCK_TLS_CERT');
  const keyPath = str('PEERLOCK_TLS_KEY');
  if ((certPath === undefined) !== (keyPath === undefined)) problems.push('PEERLOCK_TLS_CERT and PEERLOCK_TLS_KEY: set both or neither');
  const tls = certPath && keyPath ? { certPath: resolve(certPath), keyPath: resolve(keyPath) } : null;
  const trustProxy = bool('PEERLOCK_TRUST_PROXY', false);
  if (mode === 'production' && !tls && !trustProxy) {
    problems.push('PEERLOCK_TLS_CERT/PEERLOCK_TLS_KEY or PEERLOCK_TRUST_PROXY=true: production needs TLS here or at a trusted proxy (or set PEERLOCK_MODE=dev)');
  }

  // Nodes sharing one PostgreSQL (or KurrentDB) each keep their own <dataDir>/blobs:
  // a file would then be served only by the node that received it (NOT_FOUND on the
  // others). Refuse that unless the operator says the folder is one shared volume.
  const blobFolderShared = bool('PEERLOCK_BLOB_FOLDER_SHARED', false);

  const corsRaw = str('PEERLOCK_CORS_ORIGINS');
  const corsOrigins = corsRaw ? corsRaw.split(',').map((s) => s.trim()).filter(Boolean) : [];
  for (const o of corsOrigins) if (!URL.canParse(o)) problems.push('PEERLOCK_CORS_ORIGINS: expected comma-separated origins');

  const config: AppConfig = {
    mode,
    logLevel,
    logFormat,
    host: str('PEERLOCK_HOST') ?? '127.0.0.1',
    port: int('PEERLOCK_PORT', 4000, 0, 65535),
    publicUrl,
    dataDir: resolve(str('PEERLOCK_DATA_DIR') ?? 'data'),
    store,
    databaseUrl,
    databaseSchema,
    kurrentdbUrl,
    tokenTtlSeconds: int('PEERLOCK_TOKEN_TTL_SECONDS', 600, 10, 86_400),
    tokenBatchSize: int('PEERLOCK_TOKEN_BATCH_SIZE', 32, 1, 256),
    maxOutstandingTokens: int('PEERLOCK_MAX_OUTSTANDING_TOKENS', 1024, 1, 1024),
    sessionLifetimeDays: int('PEERLOCK_SESSION_LIFETIME_DAYS', 30, 1, 365),
    sessionUntrustedHours: int('PEERLOCK_SESSION_UNTRUSTED_HOURS', 12, 1, 24 * 365),
    maxSessionsPerUser: int('PEERLOCK_MAX_SESSIONS_PER_USER', 50, 1, 1000),
    rateLimits: {
      windowSeconds: int('PEERLOCK_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      signupPerAddress: int('PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS', 20, 1, 1_000_000),
      signupPerUsername: int('PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME', 10, 1, 1_000_000),
      challengePerAddress: int('PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS', 120, 1, 1_000_000),
      challengePerUsername: int('PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME', 30, 1, 1_000_000),
      twoFactorPerAddress: int('PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_ADDRESS', 30, 1, 1_000_000),
      twoFactorPerUsername: int('PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_USERNAME', 10, 1, 1_000_000),
      replayPerAddress: int('PEERLOCK_RATE_LIMIT_REPLAY_PER_ADDRESS', 120, 1, 1_000_000),
      replayPerUsername: int('PEERLOCK_RATE_LIMIT_REPLAY_PER_USERNAME', 30, 1, 1_000_000),
      keyLogPerAddress: int('PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS', 600, 1, 1_000_000),
      linkAccessPerAddress: int('PEERLOCK_RATE_LIMIT_LINK_ACCESS_PER_ADDRESS', 20, 1, 1_000_000),
    },
    limits: {
      maxDepth: int('PEERLOCK_MAX_QUERY_DEPTH', 8, 2, 64),
      maxCost: int('PEERLOCK_MAX_QUERY_COST', 200, 10, 100_000),
      // A message carries up to 1 MiB of ciphertext, 1.4 MB in base64, plus the envelope.
      maxBodyBytes: int('PEERLOCK_MAX_BODY_BYTES', 1_536_000, 1024, 10_485_760),
      // The largest real documents (GraphiQL's introspection query, the SDK's) are ~2 KB and ~200 tokens.
      maxQueryBytes: int('PEERLOCK_MAX_QUERY_BYTES', 32_768, 1024, 10_485_760),
      maxQueryTokens: int('PEERLOCK_MAX_QUERY_TOKENS', 2000, 100, 1_000_000),
      notificationReplayEvents: int('PEERLOCK_NOTIFICATION_REPLAY_EVENTS', 100_000, 100, 100_000_000),
      maxInFlight: int('PEERLOCK_MAX_IN_FLIGHT', 512, 1, 1_000_000),
      maxOperationsPerConnection: int('PEERLOCK_MAX_OPERATIONS_PER_CONNECTION', 64, 1, 100_000),
      startCatchUpWaitMs: int('PEERLOCK_START_CATCH_UP_WAIT_MS', 500, 0, 600_000),
    },
    tls,
    trustProxy,
    corsOrigins,
    signingSeed: secret('PEERLOCK_SIGNING_KEY'),
    macKey: secret('PEERLOCK_MAC_KEY'),
    files: filesConfig(str, int, oneOf, problems, { store, blobFolderShared }),
    webRoot: resolve(str('PEERLOCK_WEB_ROOT') ?? DEFAULT_WEB_ROOT),
    witnesses: witnessKeys(str('PEERLOCK_WITNESSES'), problems),
    devClockOffsetMs: int('PEERLOCK_DEV_CLOCK_OFFSET_MS', 0, 0, 366 * 86_400_000),
  };
  if (mode === 'production' && config.devClockOffsetMs !== 0) problems.push('PEERLOCK_DEV_CLOCK_OFFSET_MS: only with PEERLOCK_MODE=dev (a production clock is the machine\'s)');

  // A misspelt variable would silently fall back to a default: refuse it instead.
  for (const name of Object.keys(env)) {
    if (name.startsWith('PEERLOCK_') && !known.has(name) && !IGNORED.has(name)) problems.push(`${name}: unknown variable`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** PEERLOCK_WITNESSES: verifier keys separated by commas or white space, each a cosignature/v1 key (type 0x04). */
function witnessKeys(raw: string | undefined, problems: string[]): string[] {
  const keys = (raw ?? '').split(/[\s,]+/).filter(Boolean);
  for (const vkey of keys) {
    try {
      if (parseVerifierKey(vkey).type !== NOTE_COSIGNATURE_V1) problems.push('PEERLOCK_WITNESSES: expected cosignature/v1 verifier keys (type 0x04), as peerlock-witness init prints');
    } catch {
      problems.push('PEERLOCK_WITNESSES: expected verifier keys name+keyid+base64, as peerlock-witness init prints');
    }
  }
  if (new Set(keys).size !== keys.length) problems.push('PEERLOCK_WITNESSES: a witness is listed twice');
  return keys;
}

function filesConfig(
  str: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  oneOf: <T extends string>(name: string, values: readonly T[], fallback: T) => T,
  problems: string[],
  cluster: { readonly store: StoreKind; readonly blobFolderShared: boolean },
): FilesConfig {
  const blobStore = oneOf<'local' | 'azure'>('PEERLOCK_BLOB_STORE', ['local', 'azure'], 'local');
  if (cluster.store !== 'sqlite' && blobStore === 'local' && !cluster.blobFolderShared) {
    problems.push(
      `PEERLOCK_BLOB_STORE=local with PEERLOCK_STORE=${cluster.store}: every node must serve every file; ` +
        'use PEERLOCK_BLOB_STORE=azure, or set PEERLOCK_BLOB_FOLDER_SHARED=true if <PEERLOCK_DATA_DIR>/blobs is one volume shared by all nodes (or there is only one node)',
    );
  }
  const azureConnectionString = str('PEERLOCK_AZURE_STORAGE_CONNECTION_STRING') ?? null;
  if (blobStore === 'azure' && !azureConnectionString) problems.push('PEERLOCK_AZURE_STORAGE_CONNECTION_STRING: required when PEERLOCK_BLOB_STORE=azure');
  const azureContainer = str('PEERLOCK_AZURE_CONTAINER') ?? 'peerlock-files';
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(azureContainer)) problems.push('PEERLOCK_AZURE_CONTAINER: expected an Azure container name');
  return {
    quotaBytes: int('PEERLOCK_FILE_QUOTA_BYTES', 1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
    uploadTimeoutSeconds: int('PEERLOCK_UPLOAD_TIMEOUT_SECONDS', 24 * 3600, 10, 30 * 24 * 3600),
    blobStore,
    azureConnectionString,
    azureContainer,
  };
}

/** Read by other parts of the toolchain, not by the server. */
// Test switches, and the CLI's own settings, which may share a shell with the server (PEERLOCK_WITNESSES means the same to both).
const IGNORED = new Set(['PEERLOCK_NO_SODIUM', 'PEERLOCK_SKIP_LARGE_TESTS', 'PEERLOCK_SERVER', 'PEERLOCK_PASSPHRASE', 'PEERLOCK_WITNESS_THRESHOLD']);

/** For logs: the configuration with secrets replaced. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl ? '(set)' : null,
    kurrentdbUrl: config.kurrentdbUrl ? '(set)' : null,
    signingSeed: config.signingSeed ? '(set)' : '(data directory)',
    macKey: config.macKey ? '(set)' : '(data directory)',
    files: { ...config.files, azureConnectionString: config.files.azureConnectionString ? '(set)' : null },
  };
}

