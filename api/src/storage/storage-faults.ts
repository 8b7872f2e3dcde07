/**
 * Which failures of the storage underneath us are the storage's state, not a
 * bug of ours: the database is restarting or unreachable, a disk is full, a
 * folder or database is read-only. A request that meets one gets the typed,
 * retryable UNAVAILABLE (HTTP 503 with Retry-After) instead of INTERNAL, the
 * background loops retry instead of giving up, and a start that meets one
 * says so in one line. Everything else stays a fault of ours.
 */

export type StorageFaultKind = 'unreachable' | 'busy' | 'full' | 'read-only';

export interface StorageFault {
  readonly kind: StorageFaultKind;
  /** When a retry may succeed: soon after a restart, not before an operator frees space. */
  readonly retryAfterSeconds: number;
  /** One line for logs: the code and the driver's message, never a stack. */
  readonly summary: string;
}

const RETRY_AFTER_SECONDS: Record<StorageFaultKind, number> = { unreachable: 2, busy: 1, full: 30, 'read-only': 30 };

/** Socket-level failures: the database (or the way to it) is not there right now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * What node-postgres says when a connection breaks or cannot be made; it
 * throws these as plain Errors without a code.
 */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Query read timeout',
];

/**
 * SQLSTATEs that mean "the server is going away, coming back or overloaded"
 * (class 08 connection exception, 57P01-57P03 shutdown and start-up,
 * 53300 too many connections), "out of space" (53100) or "read-only" (25006,
 * a standby after a fail-over).
 */
function postgresKind(sqlState: string): StorageFaultKind | null {
  if (sqlState.startsWith('08') || sqlState === '57P01' || sqlState === '57P02' || sqlState === '57P03' || sqlState === '53300' || sqlState === '53200') return 'unreachable';
  if (sqlState === '53100') return 'full';
  if (sqlState === '25006') return 'read-only';
  return null;
}

/** better-sqlite3's codes (SQLITE_FULL, SQLITE_READONLY_DBMOVED, ...) and Node's file-system ones. */
function fileKind(code: string): StorageFaultKind | null {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return 'busy';
  return null;
}

/** The storage fault behind `error` (or its causes), or null for anything else. */
export function storageFaultOf(error: unknown): StorageFault | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const kind = kindOf(e);
    if (kind) return { kind, retryAfterSeconds: RETRY_AFTER_SECONDS[kind], summary: summaryOf(e) };
  }
  return null;
}

const noted = new Map<StorageFaultKind, number>();

/**
 * Logs that requests are being refused for a storage fault: a full disk or a
 * read-only folder needs an operator, so it must show in the server log, once
 * a minute per kind rather than once per request. A database out of reach is
 * not repeated here: its pools already said so (postgres-pool.ts).
 */
export function noteStorageFault(fault: StorageFault, log: (line: string) => void = console.warn): void {
  if (fault.kind === 'unreachable') return;
  const now = Date.now();
  if (now - (noted.get(fault.kind) ?? -Infinity) < 60_000) return;
  noted.set(fault.kind, now);
  log(`storage ${fault.kind}: ${fault.summary}; requests get UNAVAILABLE (Retry-After ${fault.retryAfterSeconds} s) until it is fixed`);
}

/** True for the faults a caller should simply wait out: the database restarting or out of reach. */
export function isConnectionFault(error: unknown): boolean {
  const kind = storageFaultOf(error)?.kind;
  return kind === 'unreachable' || kind === 'busy';
}

function kindOf(error: Error): StorageFaultKind | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return 'unreachable';
    // File-system codes count only on file-system errors (those carry the syscall), not on any error that borrows the name.
    if (code.startsWith('SQLITE_') || typeof (error as { syscall?: unknown }).syscall === 'string') return fileKind(code);
    // The server's SQLSTATE, on pg's DatabaseError (which has a severity; EROFS would pass for a SQLSTATE too).
    if ('severity' in error && /^[0-9A-Z]{5}$/.test(code)) return postgresKind(code);
    return null;
  }
  if (error instanceof AggregateError) {
    // Node's happy-eyeballs connect reports every address it tried.
    return error.errors.some((inner) => inner instanceof Error && kindOf(inner) === 'unreachable') ? 'unreachable' : null;
  }
  return PG_CONNECTION_MESSAGES.some((message) => error.message.startsWith(message)) ? 'unreachable' : null;
}

function summaryOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const message = error.message || (error instanceof AggregateError ? error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ') : error.name);
  const line = message.split('\n')[0]!.slice(0, 200);
  return typeof code === 'string' && !line.includes(code) ? `${code} ${line}` : line;
}

/**
 * An `onError` for a loop that retries by itself (log feed, projection
 * runners, notification hub): a storage fault is one line, and another of
 * the same kind within a minute is not repeated (a restart would otherwise
 * print a line per loop per retry); anything else is logged whole.
 */
export function retryingLoopLogger(label: string, log: (line: string) => void = console.warn, logError: (...args: unknown[]) => void = console.error): (error: unknown) => void {
  let last: { kind: StorageFaultKind; at: number } | null = null;
  return (error) => {
    const fault = storageFaultOf(error);
    if (!fault) {
      logError(`${label}:`, error);
      return;
    }
    const now = Date.now();
    if (last && last.kind === fault.kind && now - last.at < 60_000) return;
    last = { kind: fault.kind, at: now };
    log(`${label}: storage ${fault.kind}: ${fault.summary}; retrying`);
  };
}

export interface UntilAvailableOptions {
  readonly log?: (line: string) => void;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Runs `attempt` until it does not fail for want of the database: a start
 * while PostgreSQL is down or restarting waits for it, one line per attempt,
 * instead of ending with a connection error's stack. Other errors, full
 * disks and read-only folders among them (waiting does not fix those), are
 * thrown at once.
 */
export async function untilAvailable<T>(what: string, attempt: () => Promise<T>, options: UntilAvailableOptions = {}): Promise<T> {
  const log = options.log ?? console.warn;
  const maxDelay = options.maxDelayMs ?? 5000;
  let delay = options.initialDelayMs ?? 500;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectionFault(error)) throw error;
      log(`${what}: database unavailable (${storageFaultOf(error)!.summary}), attempt ${n}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
