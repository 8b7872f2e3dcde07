/**
 * Starts the server from PEERLOCK_* environment variables (see config.ts and
 * the README's "Running the server"). Configuration errors are printed by
 * variable name and the process exits; secrets are never printed.
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
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const app = buildApp(config);

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
  console.log(`${signal}: stopping`);
  const started = Date.now();
  setTimeout(() => {
    console.error(`${signal}: not stopped after ${STOP_DEADLINE_MS / 1000} s; leaving anyway (read-model checkpoints are durable: the next start resumes)`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  app.stop().then(
    () => {
      console.log(`stopped in ${Date.now() - started} ms`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
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
    console.error(`Peerlock API cannot start: ${err.message} (npm run rebuild -w @peerlock/api -- --projection ${err.projectionName})`);
    process.exit(1);
  }
  // A full disk or a read-only data folder is the machine's state, not a bug: one line that says what to fix.
  const fault = storageFaultOf(err);
  if (!fault) throw err;
  const problem = fault.kind === 'full' ? 'storage is full' : fault.kind === 'read-only' ? 'storage is read-only or not writable' : 'storage unavailable';
  console.error(`Peerlock API cannot start: ${problem}: ${fault.summary} (${config.store === 'sqlite' ? `PEERLOCK_DATA_DIR=${resolve(config.dataDir)}` : `PEERLOCK_STORE=${config.store}`})`);
  process.exit(1);
}
console.log(`Peerlock API (${config.mode}, ${config.store}) listening on ${app.url}${config.mode === 'dev' ? ' — GraphiQL at the same address' : ''}`);
console.log(existsSync(join(config.webRoot, 'index.html')) ? `web app at ${new URL('/', app.url).href}` : `web app not built (${config.webRoot}): npm run build -w clients/web`);
if (config.publicUrl) console.log(`public URL: ${config.publicUrl}`);

