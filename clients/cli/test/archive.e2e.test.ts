/**
 * Encrypted export and import (issue 21a) through the `peerlock` binary on
 * two real servers: alice exports her account on server A with her files,
 * the export is interrupted twice (SIGINT, then SIGKILL) mid-file and run
 * again, each run going on from its sealed checkpoint; the archive is
 * imported into alice's account on server B (same username and passphrase,
 * so the same key), and what B shows is compared with what A showed:
 * conversations message by message, files by SHA-256.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassphrase, randomBytes } from '@peerlock/sdk';
import { repoRoot, startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';

const MIB = 1024 * 1024;
let a: ServerProcess;
let b: ServerProcess;
let alice: CliUser;
let bob: CliUser;
const passphrase = generatePassphrase(7, 'alice').passphrase;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const files = new Map<string, string>();

beforeAll(async () => {
  [a, b] = await Promise.all([startServer('sqlite'), startServer('sqlite')]);
  alice = new CliUser('alice', a.url, passphrase);
  bob = new CliUser('bob', a.url, generatePassphrase(7, 'bob').passphrase);
  await alice.ok(['signup', 'alice']);
  await bob.ok(['signup', 'bob']);
  await alice.ok(['contacts', 'add', 'bob']);
  await bob.ok(['contacts', 'accept', 'alice']);
  await alice.ok(['send', 'bob', '-s', 'lunch', '-m', 'shall we? 🍜']);
  const inbox = (await bob.ok(['--json', 'inbox'])).json<{ id: string }[]>();
  await bob.ok(['reply', inbox[0]!.id, '-m', 'yes, at noon']);
  await alice.ok(['reply', inbox[0]!.id, '-m', 'see you']);
  // Big enough that the export is still streaming it when it is interrupted.
  for (const [name, size] of [['photos.tar', 40 * MIB + 123], ['notes.txt', 2000]] as const) {
    const bytes = randomBytes(size);
    writeFileSync(join(alice.home, name), bytes);
    files.set(name, sha(bytes));
    await alice.ok(['files', 'upload', join(alice.home, name)]);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Starts `peerlock export`, and stops it with `signal` once its partial holds `bytes` past a checkpoint. */
async function interrupt(path: string, signal: NodeJS.Signals, bytes: number): Promise<void> {
  const child = alice.spawn(['export', path, '--files']);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, sig) => resolve(sig ? null : code)));
  let checkpointAt = 0;
  for (;;) {
    const partial = existsSync(`${path}.partial`) ? statSync(`${path}.partial`).size : 0;
    const resume = existsSync(`${path}.resume`) ? statSync(`${path}.resume`).mtimeMs : 0;
    if (resume && !checkpointAt) checkpointAt = partial;
    if (checkpointAt && partial >= bytes) break;
    if (child.exitCode !== null) throw new Error(`the export ended (${child.exitCode}) before it could be interrupted: ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(signal);
  expect(await exited).toBeNull();
  expect(existsSync(path)).toBe(false);
  expect(existsSync(`${path}.partial`) && existsSync(`${path}.resume`)).toBe(true);
}

describe('peerlock export / import', () => {
  it('export --files, interrupted by SIGINT and SIGKILL, resumes and completes; import on another server gives back the same conversations and files', async () => {
    const path = join(alice.home, 'alice.peerlock');
    await interrupt(path, 'SIGINT', 12 * MIB);
    await interrupt(path, 'SIGKILL', 28 * MIB);
    // The checkpoint holds no key in the clear: it is sealed to alice's key.
    expect(readFileSync(`${path}.resume`).includes(Buffer.from('fileKey'))).toBe(false);
    // Resumed only as it was started: without --files it is refused, and nothing is lost.
    const other = await alice.run(['export', path]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('was started with --files');
    const done = await alice.ok(['--json', 'export', path, '--files']);
    expect(done.json()).toMatchObject({ resumed: true, conversations: 1, messages: 3, files: 2, refusedFiles: [] });
    expect(done.stderr).toMatch(/exporting: .*\(resumed\)|^$/m);
    expect(existsSync(`${path}.partial`) || existsSync(`${path}.resume`)).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // It opens with the passphrase alone, anywhere: the SDK's miniLock command gives the record stream.
    writeFileSync(join(alice.home, 'pass.txt'), passphrase);
    const opened = spawnSync(process.execPath, [join(repoRoot, 'sdk/bin/peerlock-minilock.js'), 'decrypt', '--email', 'alice', '--passphrase-file', join(alice.home, 'pass.txt')], { input: readFileSync(path), maxBuffer: 64 * MIB });
    expect(opened.status).toBe(0);
    expect(opened.stdout.subarray(4, 200).toString()).toContain('"format":"peerlock-archive/v1"');
    expect(opened.stdout.length).toBeGreaterThan(40 * MIB);
    // Exporting over it again is refused without --force.
    const again = await alice.run(['export', path]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('exists');

    // alice on server B: same username and passphrase, so the same key.
    const aliceB = new CliUser('alice', b.url, passphrase);
    await aliceB.ok(['signup', 'alice']);
    const imported = (await aliceB.ok(['--json', 'import', path])).json<{ conversationsAdded: number; filesUploaded: number; pinsAdded: number; server: string }>();
    expect(imported).toMatchObject({ conversationsAdded: 1, filesUploaded: 2, pinsAdded: 1 });
    // A second import adds nothing.
    expect((await aliceB.ok(['--json', 'import', path])).json()).toMatchObject({ conversationsAdded: 0, conversationsUnchanged: 1, filesUploaded: 0, filesSkipped: 2 });

    const listed = (await aliceB.ok(['--json', 'imported'])).json<{ id: string; server: string; subject: string }[]>();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ subject: 'lunch', server: imported.server });
    const conversation = (await aliceB.ok(['--json', 'imported', 'read', listed[0]!.id.slice(0, 10)])).json<{ messages: { sender: string; body: string; sentAt: number; verification: { state: string } }[] }>();
    const original = (await alice.ok(['--json', 'read', listed[0]!.id.slice(0, 10), '--all', '--no-receipts'])).json<{ messages: { sender: string; body: string; sentAt: number }[] }>();
    expect(conversation.messages.map((m) => [m.sender, m.body, m.sentAt, m.verification.state])).toEqual(original.messages.map((m) => [m.sender, m.body, m.sentAt, 'verified']));
    const human = await aliceB.ok(['imported', 'read', listed[0]!.id.slice(0, 10)]);
    expect(human.stdout).toContain(`imported from ${imported.server}`);
    expect(human.stdout).toContain('verified then');

    // The files, downloaded on B through the normal verified path, are the bytes alice uploaded on A.
    const index = (await aliceB.ok(['--json', 'files', 'list'])).json<{ id: string }[]>();
    const back = new Map<string, string>();
    for (const f of index) {
      const saved = (await aliceB.ok(['--json', 'files', 'download', f.id, '-o', join(aliceB.home, f.id)])).json<{ path: string }>();
      const bytes = readFileSync(saved.path);
      const name = [...files.keys()].find((n) => files.get(n) === sha(bytes));
      if (name) back.set(name, sha(bytes));
    }
    expect(back).toEqual(files);

    // Someone else's account cannot import it: not sealed to bob's key.
    const bobB = new CliUser('bob', b.url, bob.passphrase);
    await bobB.ok(['signup', 'bob']);
    const refused = await bobB.run(['--json', 'import', path]);
    expect(refused.code).not.toBe(0);
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { code: 'ARCHIVE_REJECTED' } });
  });
});
