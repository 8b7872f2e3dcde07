/**
 * `npm run rebuild -w @peerlock/api -- [--projection NAME]...`: rebuilds read
 * models from the event log beside the live ones and switches to them when
 * they have caught up (blue/green: projections/src/rebuild.ts), in one pass
 * over the log for all of them. Safe while servers run on the same stores:
 * they keep serving the old models until the switch, then carry on from the
 * new ones. Configuration is the server's (PEERLOCK_* variables); relative
 * paths are taken from where npm was run, as `npm start` takes them.
 */
import { parseArgs } from 'node:util';
import { rebuildProjections } from '@peerlock/projections';
import { ConfigError, loadConfig } from './config.js';
import { keyLogSecretsOf, READ_MODEL_NAMES, readModels } from './read-models.js';
import { loadServerSecrets } from './auth/server-secrets.js';
import { ServerKeys } from './auth/server-keys.js';
import { openStores } from './storage/open-stores.js';

const usage = `usage: npm run rebuild -w @peerlock/api -- [--projection NAME]...
Rebuilds the named read models (all of them by default) beside the live ones and switches to them.
Read models: ${READ_MODEL_NAMES.join(', ')}`;

let values;
try {
  ({ values } = parseArgs({ options: { projection: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const chosen = values.projection ?? READ_MODEL_NAMES;
const unknown = chosen.filter((name) => !READ_MODEL_NAMES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown read model${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n${usage}`);
  process.exit(2);
}

// npm runs a workspace script in the workspace's folder; the data folder is where the user ran npm (as for `npm start`).
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
let config;
try {
  config = loadConfig({ PEERLOCK_MODE: 'dev', ...process.env });
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const stores = await openStores(config);
try {
  const projections = readModels(keyLogSecretsOf(new ServerKeys(loadServerSecrets(config)))).filter((p) => chosen.includes(p.name));
  console.log(`rebuilding ${projections.map((p) => p.name).join(', ')} from the log (${config.store})`);
  const began = performance.now();
  let lastReport = began;
  const at = await rebuildProjections({
    source: stores.events,
    store: stores.readModels,
    projections,
    onProgress: ({ position, head, events }) => {
      const now = performance.now();
      if (now - lastReport < 2000) return;
      lastReport = now;
      console.log(`  ${events.toLocaleString('en')} events (position ${position} of ${head}), ${Math.round(events / ((now - began) / 1000)).toLocaleString('en')} events/s`);
    },
  });
  console.log(`switched ${projections.length} read model(s) at position ${at} after ${((performance.now() - began) / 1000).toFixed(1)} s`);
} finally {
  await stores.close();
}
