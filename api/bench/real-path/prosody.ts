/**
 * Prosody from Debian (`apt-get install prosody lua-dbi-sqlite3`) as the
 * real-path bench's peer: its own config, data and plugin folder in a
 * temporary directory, c2s on a loopback port, no TLS, no s2s, no HTTP; the
 * message archive (MAM, every chat message archived for both sides) on
 * SQLite in WAL mode with synchronous=NORMAL, the durability Peerlock's
 * SQLite store has. Prosody 0.12 has no option for the latter, so a
 * ten-line module written here sets it on the storage connection at start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const PROSODY_DOMAIN = 'bench.local';

export interface RunningProsody {
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  stop(): Promise<void>;
}

export function prosodyInstalled(): boolean {
  return existsSync('/usr/bin/prosody') && existsSync('/usr/lib/prosody/modules/mod_storage_sql.lua');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const TUNE_MODULE = `-- Written by Peerlock's bench: the archive's SQLite connection at the durability Peerlock's store has.
local engines = module:shared("/*/sql/connections");
module:hook_global("server-started", function ()
	for _, engine in pairs(engines) do
		engine:connect();
		-- LuaDBI runs every statement in a transaction, where SQLite ignores this pragma: set it between transactions.
		engine.conn:commit();
		engine.conn:autocommit(true);
		engine.conn:prepare("PRAGMA synchronous=NORMAL;"):execute();
		engine.conn:autocommit(false);
		for row in engine:select("PRAGMA synchronous;") do module:log("warn", "bench sqlite synchronous=%s", tostring(row[1])); end
		engine.conn:commit();
	end
end);
`;

/** Starts Prosody with `users` accounts (password = username), each able to receive chat messages. */
export async function startProsody(users: readonly string[]): Promise<RunningProsody> {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-bench-prosody-'));
  const data = join(dir, 'data');
  const plugins = join(dir, 'plugins');
  mkdirSync(data);
  mkdirSync(plugins);
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(plugins, 'mod_bench_sqlite_tune.lua'), TUNE_MODULE);
  const port = await freePort();
  const config = join(dir, 'prosody.cfg.lua');
  writeFileSync(
    config,
    `-- Peerlock real-path bench: Prosody on loopback, archive on SQLite.
run_as_root = true
pidfile = "${join(dir, 'prosody.pid')}"
data_path = "${data}"
plugin_paths = { "${plugins}" }
log = { warn = "${join(dir, 'prosody.log')}" }
interfaces = { "127.0.0.1" }
certificates = "${join(dir, 'certs')}"
c2s_ports = { ${port} }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "sql"
sql = { driver = "SQLite3", database = "prosody.sqlite" }
modules_enabled = { "roster"; "saslauth"; "disco"; "mam"; "bench_sqlite_tune" }
modules_disabled = { "s2s"; "offline" }
default_archive_policy = true
archive_expires_after = "never"
VirtualHost "${PROSODY_DOMAIN}"
`,
  );
  // One account through prosodyctl creates the storage table in its own format; the others go into it directly.
  const first = spawnSync('prosodyctl', ['--config', config, 'register', users[0]!, PROSODY_DOMAIN, users[0]!], { encoding: 'utf8' });
  if (first.status !== 0) throw new Error(`prosodyctl register: ${first.stderr || first.stdout}`);
  const db = new Database(join(data, 'prosody.sqlite'));
  db.pragma('journal_mode = WAL');
  const row = db.prepare(`SELECT "store", "key", "type", "value" FROM "prosody" WHERE "host" = ? AND "user" = ?`).get(PROSODY_DOMAIN, users[0]) as { store: string; key: string; type: string; value: string } | undefined;
  if (!row || row.store !== 'accounts' || row.key !== 'password' || row.value !== users[0]) throw new Error(`unexpected account row ${JSON.stringify(row)}`);
  const insert = db.prepare(`INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, 'accounts', 'password', 'string', ?)`);
  db.transaction(() => {
    for (const user of users.slice(1)) insert.run(PROSODY_DOMAIN, user, user);
  })();
  db.close();

  const version = /Prosody (\S+)/.exec(spawnSync('prosodyctl', ['--config', config, 'about'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown';
  const child: ChildProcess = spawn('prosody', ['--config', config, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const log = join(dir, 'prosody.log');
  // Up once it accepts connections and the tuning module has reported.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`prosody exited: ${output}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    if (existsSync(log) && /bench sqlite synchronous=1/.test(readFileSync(log, 'utf8'))) break;
    if (i > 200) throw new Error(`prosody did not report its SQLite tuning: ${existsSync(log) ? readFileSync(log, 'utf8') : output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    pid: child.pid!,
    version,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
