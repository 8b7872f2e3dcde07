/**
 * Starts the server from PEERLOCK_* environment variables (see config.ts and
 * the README's "Running the server"). Configuration errors are printed by
 * variable name and the process exits; secrets are never printed. Every
 * other line goes through the server's one log (PEERLOCK_LOG_LEVEL and
 * PEERLOCK_LOG_FORMAT): start-up and stop at info, failures at error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProjectionVersionMismatchError } from '@peerlock/projections';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { storageFaultOf } from './storage/storage-faults.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    // Before there is a configuration there is no log to write to (its level and format are configuration).
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const offset = config.devClockOffsetMs;
const app = buildApp(config, offset === 0 ? {} : { now: () => Date.now() + offset });
const { log } = app;

/**
 * A stop is bounded (issue 15): the HTTP server closes, each projection
 * runner finishes the batch it is committing, the stores close. Checkpoints
 * are durable, so nothing is lost by stopping behind the log: the next start
 * resumes from them. Should anything still hang, the process leaves after
 * STOP_DEADLINE_MS anyway, saying so. A signal during the start stops too.
 */
const STOP_DEADLINE_MS = 10_000;
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: stopping`);
  const started = Date.now();
  setTimeout(() => {
    log.error(`${signal}: not stopped after ${STOP_DEADLINE_MS / 1000} s; leaving anyway (read-model checkpoints are durable: the next start resumes)`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  app.stop().then(
    () => {
      log.info(`stopped in ${Date.now() - started} ms`);
      process.exit(0);
    },
    (err: unknown) => {
      log.error('stopping failed', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  await app.start();
} catch (err) {
  if (stopping) await new Promise(() => {}); // the shutdown above ends the process
  if (err instanceof ProjectionVersionMismatchError) {
    log.error(`Peerlock API cannot start: ${err.message} (npm run rebuild -w @peerlock/api -- --projection ${err.projectionName})`);
    process.exit(1);
  }
  // A full disk or a read-only data folder is the machine's state, not a bug: one line that says what to fix.
  const fault = storageFaultOf(err);
  if (!fault) throw err;
  const problem = fault.kind === 'full' ? 'storage is full' : fault.kind === 'read-only' ? 'storage is read-only or not writable' : 'storage unavailable';
  log.error(`Peerlock API cannot start: ${problem}: ${fault.summary} (${config.store === 'sqlite' ? `PEERLOCK_DATA_DIR=${resolve(config.dataDir)}` : `PEERLOCK_STORE=${config.store}`})`);
  process.exit(1);
}
log.info(`Peerlock API (${config.mode}, ${config.store}) listening on ${app.url}${config.mode === 'dev' ? ' — GraphiQL at the same address' : ''}`);
log.info(existsSync(join(config.webRoot, 'index.html')) ? `web app at ${new URL('/', app.url).href}` : `web app not built (${config.webRoot}): npm run build -w clients/web`);
if (config.publicUrl) log.info(`public URL: ${config.publicUrl}`);

