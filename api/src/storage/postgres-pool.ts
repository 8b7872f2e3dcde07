/**
 * PostgreSQL connections that survive a database restart: every pool and the
 * LISTEN connection of this process are made here.
 *
 * A restart (or fail-over, or `pg_terminate_backend`) breaks every open
 * connection. node-postgres reports a broken idle connection as an 'error'
 * event on its pool, and a broken checked-out one as an 'error' event on the
 * client; an 'error' event nobody listens to ends the process. Here both have
 * a listener, which logs one line per outage (not one per connection or
 * pool) and one when a connection succeeds again. The pool drops broken connections
 * and opens new ones on demand, so nothing else has to happen: queries made
 * while the database is away fail fast (ECONNREFUSED, or the connect timeout)
 * and reach clients as UNAVAILABLE (storage-faults.ts); the first query after
 * it is back succeeds.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { storageFaultOf } from './storage-faults.js';

export interface PostgresConnectionOptions {
  readonly connectionString: string;
  /** `application_name`: names the connections in pg_stat_activity and in our log lines. */
  readonly name: string;
  /** Settings sent at connection start (libpq `options`, e.g. `-c default_transaction_isolation=…`). */
  readonly options?: string;
  /** Where outage lines go. Default console.warn. */
  readonly log?: (line: string) => void;
}

export interface PostgresPoolOptions extends PostgresConnectionOptions {
  /** Connections in this pool. Default 10. */
  readonly max?: number;
}

/** A connection attempt that takes longer fails (UNAVAILABLE) instead of queueing requests behind it. */
const CONNECT_TIMEOUT_MS = 5000;
/** TCP keepalive after this much silence, so a database host that vanished without a reset is noticed. */
const KEEPALIVE_IDLE_MS = 10_000;

/**
 * How long the background loops (log feed, projection runners, notification
 * hub, LISTEN connection) wait between attempts while the database is away:
 * doubling from `initialMs`, never more than `maxMs`, so they are back within
 * a few seconds of the database.
 */
export const RECONNECT_BACKOFF = { initialMs: 250, maxMs: 4000 } as const;

export function postgresClientConfig(options: PostgresConnectionOptions): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    application_name: options.name,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    ...(options.options !== undefined ? { options: options.options } : {}),
  };
}

/** A pg.Pool whose broken connections are logged and replaced instead of ending the process. */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const pool = new pg.Pool({ ...postgresClientConfig(options), max: options.max ?? 10 });
  const outage = outageLogOf(options);
  // An idle connection broke: the pool has already dropped it.
  pool.on('error', (error) => outage.lost(error));
  pool.on('connect', (client) => {
    // A checked-out connection broke: its query fails with the same error, and the pool drops it on release.
    client.on('error', (error) => outage.lost(error));
    outage.connected();
  });
  return pool;
}

/**
 * One line when connections to a database start breaking, one when a
 * connection to it succeeds again: shared by every pool and listener of the
 * process on that database, so an outage is two lines, not two per pool.
 */
class OutageLog {
  private since: number | null = null;

  constructor(
    private readonly target: string,
    private readonly log: (line: string) => void,
  ) {}

  lost(error: Error): void {
    if (this.since !== null) return;
    this.since = Date.now();
    const fault = storageFaultOf(error);
    this.log(
      fault
        ? `postgres ${this.target}: connection lost (${fault.summary}); requests get UNAVAILABLE until it is back`
        : `postgres ${this.target}: connection error: ${error.message.split('\n')[0]}`,
    );
  }

  connected(): void {
    if (this.since === null) return;
    this.log(`postgres ${this.target}: connected again after ${((Date.now() - this.since) / 1000).toFixed(1)} s`);
    this.since = null;
  }
}

const outageLogs = new WeakMap<(line: string) => void, Map<string, OutageLog>>();

function outageLogOf(options: PostgresConnectionOptions): OutageLog {
  const log = options.log ?? console.warn;
  let byTarget = outageLogs.get(log);
  if (!byTarget) outageLogs.set(log, (byTarget = new Map()));
  const target = targetOf(options.connectionString);
  let outage = byTarget.get(target);
  if (!outage) byTarget.set(target, (outage = new OutageLog(target, log)));
  return outage;
}

/** host:port/database, never the user or password. */
function targetOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return '(database)';
  }
}

/**
 * One connection that LISTENs on a channel and comes back after the
 * database does. While it is away notifications are lost, so `onConnected`
 * runs after every (re)connection: whoever relies on them catches up then.
 */
export class PostgresListener {
  private readonly events = new EventEmitter();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number = RECONNECT_BACKOFF.initialMs;
  private readonly outage: OutageLog;
  private closed = false;

  constructor(
    private readonly options: PostgresConnectionOptions & { readonly channel: string },
    onNotification: (payload: string | undefined) => void,
    onConnected: () => void,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.channel)) throw new RangeError(`invalid channel name ${JSON.stringify(options.channel)}`);
    this.outage = outageLogOf(options);
    this.events.on('notification', onNotification);
    this.events.on('connected', onConnected);
  }

  /** Connects if not connected or connecting already. */
  start(): void {
    if (this.closed || this.client) return;
    this.connecting ??= this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(postgresClientConfig(this.options));
    const lost = (error?: Error) => {
      if (error) this.outage.lost(error);
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.retryLater();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.events.emit('notification', message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      client.end().catch(() => undefined);
      if (error instanceof Error) this.outage.lost(error);
      this.connecting = undefined;
      this.retryLater();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connecting = undefined;
    this.delay = RECONNECT_BACKOFF.initialMs;
    this.outage.connected();
    this.events.emit('connected');
  }

  private retryLater(): void {
    if (this.closed || this.connecting || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, RECONNECT_BACKOFF.maxMs);
  }
}
