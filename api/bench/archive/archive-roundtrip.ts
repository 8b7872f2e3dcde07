/**
 * Issue 21a's full-size target on the real client path: 10 000 verified
 * messages and 1 GiB of files exported from server A with the `peerlock`
 * binary (killed once mid-export with SIGKILL and run again: it resumes),
 * then imported into the same user's account on server B with the binary,
 * and compared: every message's sender, time, text and verification against
 * what the SDK verified on A, every file's SHA-256 against the bytes
 * uploaded. Prints the time of each step and the CLI's peak RSS (VmHWM,
 * sampled from /proc while it runs): memory flat means it does not grow
 * with the archive.
 *
 *   npm run build (api, sdk, cli) first, then
 *   node --conditions=source --import tsx bench/archive/archive-roundtrip.ts [--messages N] [--mib M]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { generatePassphrase, PeerlockClient, type ReadMessage } from '@peerlock/sdk';
import { rssMiB } from '../measure.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliBin = join(repoRoot, 'clients/cli/dist/main.js');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 10_000);
const FILE_MIB = arg('mib', 1024);
const CONVERSATIONS = 20;
const FILES = 4;
const MIB = 1024 * 1024;

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-archive-bench-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PEERLOCK_MODE: 'dev',
    PEERLOCK_HOST: '127.0.0.1',
    PEERLOCK_PORT: '0',
    PEERLOCK_DATA_DIR: dataDir,
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000',
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000',
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '100000',
    PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '100000',
    // 1 GiB of files, and on B the imported conversations beside them.
    PEERLOCK_FILE_QUOTA_BYTES: String(8 * 1024 ** 3),
  };
  const child = spawn(process.execPath, [join(repoRoot, 'api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /listening on (\S+)/.exec(log);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
  child.stdout!.resume();
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI as `home`'s user; samples its peak RSS until it exits (or until `stopWhen` says to SIGKILL it). */
async function cli(home: string, server: string, passphrase: string, args: string[], stopWhen?: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string; peakMiB: number; seconds: number }> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [cliBin, ...args], {
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_RUNTIME_DIR: join(home, 'run'), PEERLOCK_SERVER: server, PEERLOCK_PASSPHRASE: passphrase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const now = rssMiB(child.pid!, 'peak');
      // A process that is exiting has no VmHWM left to read (NaN): the last sample stands.
      if (Number.isFinite(now)) peak = Math.max(peak, now);
    } catch {
      /* exited between samples */
    }
    if (stopWhen?.()) child.kill('SIGKILL');
  }, 20);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(sampler);
  return { code, stdout, stderr, peakMiB: peak, seconds: (performance.now() - started) / 1000 };
}

const client = (url: string) => new PeerlockClient({ url, webSocketImpl: WebSocket });
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

async function main(): Promise<void> {
  const [a, b] = await Promise.all([startServer(), startServer()]);
  const passphrase = generatePassphrase(7, 'alice').passphrase;
  const bobPassphrase = generatePassphrase(7, 'bob').passphrase;
  try {
    // ---- seed server A: 10 000 messages in 20 conversations (alice and bob), 1 GiB in 4 files ----
    let t = performance.now();
    const alice = client(a.url);
    await alice.signup({ username: 'alice', passphrase });
    const bob = client(a.url);
    await bob.signup({ username: 'bob', passphrase: bobPassphrase });
    await alice.requestContact('bob');
    await bob.acceptContact('alice');
    // With a stream open, a reply reads nothing back (Messaging.reply): seeding costs the sends.
    const streams = [alice, bob].map((c) => c.notifications({ onNotification: () => undefined }));
    const per = Math.ceil(MESSAGES / CONVERSATIONS);
    let sent = 0;
    const conversation = async (n: number) => {
      const first = await alice.messaging.send(['bob'], { subject: `conversation ${n}`, body: `c${n} m0` });
      sent++;
      for (let i = 1; i < per && sent < MESSAGES; i++) {
        const who = Math.floor(i / 10) % 2 ? bob : alice;
        await who.messaging.reply(first.conversationId, { body: `c${n} m${i} — ${'lorem ipsum '.repeat(i % 7)}` });
        if (++sent % 1000 === 0) log(`seeded ${sent} messages`);
      }
    };
    for (let n = 0; n < CONVERSATIONS; n += 4) await Promise.all([0, 1, 2, 3].filter((k) => n + k < CONVERSATIONS).map((k) => conversation(n + k)));
    await Promise.all(streams.map((s) => s.close()));
    const seedMessagesSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const hashes = new Map<string, string>();
    for (let f = 0; f < FILES; f++) {
      const size = Math.floor((FILE_MIB * MIB) / FILES) + f;
      const hash = createHash('sha256');
      const source = (async function* () {
        const piece = new Uint8Array(MIB);
        for (let at = 0; at < size; at += MIB) {
          const out = piece.subarray(0, Math.min(MIB, size - at));
          randomFillSync(out);
          hash.update(out);
          yield out;
        }
      })();
      await alice.files.upload({ source, size, name: `file-${f}.bin` });
      hashes.set(`file-${f}.bin`, hash.digest('hex'));
      log(`uploaded file ${f} (${(size / MIB).toFixed(0)} MiB)`);
    }
    const seedFilesSeconds = (performance.now() - t) / 1000;
    const views = new Map<string, readonly ReadMessage[]>();
    for (const c of await alice.messaging.conversations(100)) views.set(c.id, (await alice.messaging.read(c.id)).messages);
    const messageCount = [...views.values()].reduce((n, v) => n + v.length, 0);
    log(`seeded: ${messageCount} messages in ${views.size} conversations (${seedMessagesSeconds.toFixed(0)} s), ${FILE_MIB} MiB in ${FILES} files (${seedFilesSeconds.toFixed(0)} s)`);

    // ---- export with the CLI on A, killed once at half the files, then resumed ----
    const homeA = mkdtempSync(join(tmpdir(), 'peerlock-archive-cli-a-'));
    const archive = join(homeA, 'alice.minilock');
    await cli(homeA, a.url, passphrase, ['login', 'alice']);
    const half = (FILE_MIB * MIB) / 2;
    const killed = await cli(homeA, a.url, passphrase, ['export', archive, '--files'], () => existsSync(`${archive}.partial`) && statSync(`${archive}.partial`).size > half);
    if (killed.code !== null) throw new Error(`the export was not killed: ${killed.code} ${killed.stderr}`);
    log(`export killed at ${(statSync(`${archive}.partial`).size / MIB).toFixed(0)} MiB after ${killed.seconds.toFixed(1)} s, peak RSS ${killed.peakMiB.toFixed(0)} MiB`);
    const resumed = await cli(homeA, a.url, passphrase, ['--json', 'export', archive, '--files']);
    if (resumed.code !== 0) throw new Error(`export failed: ${resumed.stderr}`);
    const exported = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as { resumed: boolean; messages: number; files: number; fileBytes: number; archiveBytes: number };
    log(`export resumed and done in ${resumed.seconds.toFixed(1)} s, peak RSS ${resumed.peakMiB.toFixed(0)} MiB: ${JSON.stringify(exported)}`);

    // An uninterrupted export too, for its time and memory.
    const whole = join(homeA, 'alice-whole.minilock');
    const straight = await cli(homeA, a.url, passphrase, ['--json', 'export', whole, '--files']);
    if (straight.code !== 0) throw new Error(`export failed: ${straight.stderr}`);
    log(`uninterrupted export: ${straight.seconds.toFixed(1)} s, peak RSS ${straight.peakMiB.toFixed(0)} MiB`);
    rmSync(whole);

    // ---- import with the CLI on B ----
    const aliceB = client(b.url);
    await aliceB.signup({ username: 'alice', passphrase });
    const homeB = mkdtempSync(join(tmpdir(), 'peerlock-archive-cli-b-'));
    await cli(homeB, b.url, passphrase, ['login', 'alice']);
    const imported = await cli(homeB, b.url, passphrase, ['--json', 'import', archive]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    log(`import done in ${imported.seconds.toFixed(1)} s, peak RSS ${imported.peakMiB.toFixed(0)} MiB`);

    // ---- compare ----
    t = performance.now();
    let messagesSame = 0;
    for (const [id, original] of views) {
      const back = await aliceB.archive.readImported(id);
      const a1 = JSON.stringify(original.map((m) => [m.messageId, m.sender, m.sentAt, m.body, m.rejected === null ? 'verified' : m.rejected]));
      const b1 = JSON.stringify(back.messages.map((m) => [m.id, m.sender, m.sentAt, m.body, m.verification.state === 'verified' ? 'verified' : m.verification.reason]));
      if (a1 === b1) messagesSame += original.length;
    }
    const index = await aliceB.fileIndex().refresh();
    let filesSame = 0;
    for (const entry of Object.values(index.entries)) {
      if (!hashes.has(entry.name)) continue;
      const hash = createHash('sha256');
      for await (const piece of (await aliceB.files.stream(entry.fileId)).plaintext) hash.update(piece);
      if (hash.digest('hex') === hashes.get(entry.name)) filesSame++;
    }
    const result = {
      messages: messageCount,
      messagesIdentical: messagesSame,
      fileMiB: FILE_MIB,
      files: FILES,
      filesIdentical: filesSame,
      archiveMiB: exported.archiveBytes / MIB,
      exportKilledAfterSeconds: killed.seconds,
      exportResumedSeconds: resumed.seconds,
      exportUninterruptedSeconds: straight.seconds,
      importSeconds: imported.seconds,
      peakRssMiB: { exportKilled: killed.peakMiB, exportResumed: resumed.peakMiB, exportUninterrupted: straight.peakMiB, import: imported.peakMiB },
      compareSeconds: (performance.now() - t) / 1000,
    };
    console.log(JSON.stringify(result, null, 2));
    if (messagesSame !== messageCount || filesSame !== FILES) process.exitCode = 1;
    rmSync(homeA, { recursive: true, force: true });
    rmSync(homeB, { recursive: true, force: true });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

await main();
