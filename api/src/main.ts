/**
 * Starts the server from PEERLOCK_* environment variables (see config.ts and
 * the README's "Running the server"). Configuration errors are printed by
 * variable name and the process exits; secrets are never printed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
try {
  await app.start();
} catch (err) {
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

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  app.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
