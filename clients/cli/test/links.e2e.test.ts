/**
 * Issue 21 through the `peerlock` binary against the real server: links
 * for people without an account. alice makes them; "guest" is a CLI home
 * that never signed up and opens them with `peerlock link open`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassphrase, randomBytes } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser, type CliResult } from './support/cli-runner.js';

let server: ServerProcess;
let alice: CliUser;
let guest: CliUser;
let fileId = '';
const content = Buffer.from(randomBytes(2 * 1024 * 1024 + 77));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const refusalOf = (r: CliResult) => (JSON.parse(r.stderr) as { error: { code: string; reason: string; message: string } }).error;

beforeAll(async () => {
  server = await startServer('sqlite');
  alice = new CliUser('alice', server.url, generatePassphrase(7, 'alice').passphrase);
  // No account: only a home of its own (no session cache, no passphrase).
  guest = new CliUser('guest', server.url, '');
  await alice.ok(['signup', 'alice']);
  const path = join(alice.home, 'plans.bin');
  writeFileSync(path, content);
  fileId = (await alice.ok(['--json', 'files', 'upload', path])).json<{ fileId: string }>().fileId;
});

afterAll(async () => {
  await server?.stop();
});

const urlOf = (r: CliResult) => r.json<{ url: string; link: { id: string } }>();

describe('links in the CLI', () => {
  it('a file link opens without an account, verified, byte for byte; `links` counts the open', async () => {
    const created = urlOf(await alice.ok(['--json', 'link', 'file', fileId, '--max-opens', '2', '--expires', '1d']));
    expect(created.url).toMatch(new RegExp(`/l/${created.link.id}#`));
    const out = join(guest.home, 'got.bin');
    const opened = await guest.ok(['link', 'open', created.url, '-o', out]);
    expect(opened.stdout).toContain('saved');
    expect(opened.stdout).toContain('From alice (key checked');
    expect(sha(readFileSync(out))).toBe(sha(content));
    const listed = (await alice.ok(['--json', 'links'])).json<{ id: string; openCount: number; maxOpens: number; status: string }[]>();
    expect(listed.find((l) => l.id === created.link.id)).toMatchObject({ openCount: 1, maxOpens: 2, status: 'active' });
    const human = await alice.ok(['links']);
    expect(human.stdout).toContain(`${created.link.id}  file`);
    expect(human.stdout).toContain('opened 1 of 2');
  });

  it('a message link shows its text and who sent it', async () => {
    const created = urlOf(await alice.ok(['--json', 'link', 'message', '-m', 'the key is under the mat', '--subject', 'Keys']));
    const shown = await guest.ok(['link', 'open', created.url]);
    expect(shown.stdout).toContain('Subject: Keys');
    expect(shown.stdout).toContain('the key is under the mat');
    expect(shown.stdout).toMatch(/From alice \(key checked/);
  });

  it('a passphrase link: a wrong passphrase spends no open (exit 4), the right one opens', async () => {
    const right = join(alice.home, 'link-pass');
    writeFileSync(right, 'purple giraffe\n');
    const wrong = join(guest.home, 'wrong-pass');
    writeFileSync(wrong, 'purple giraffes\n');
    const created = urlOf(await alice.ok(['--json', 'link', 'file', fileId, '--link-passphrase-file', right, '--max-opens', '1']));
    const refused = await guest.run(['--json', 'link', 'open', created.url, '-o', join(guest.home, 'x.bin'), '--link-passphrase-file', wrong]);
    expect(refused.code).toBe(4);
    expect(refusalOf(refused)).toMatchObject({ code: 'LINK', reason: 'wrong-passphrase' });
    expect(existsSync(join(guest.home, 'x.bin'))).toBe(false);
    const guestRight = join(guest.home, 'right-pass');
    writeFileSync(guestRight, 'purple giraffe\n');
    await guest.ok(['link', 'open', created.url, '-o', join(guest.home, 'x.bin'), '--link-passphrase-file', guestRight]);
    expect(sha(readFileSync(join(guest.home, 'x.bin')))).toBe(sha(content));
    const again = await guest.run(['--json', 'link', 'open', created.url, '-o', join(guest.home, 'y.bin'), '--link-passphrase-file', guestRight]);
    expect(again.code).toBe(1);
    expect(refusalOf(again)).toMatchObject({ code: 'LINK', reason: 'exhausted' });
  });

  it('revoked: the next open is refused in one sentence; a cut link is a usage error', async () => {
    const created = urlOf(await alice.ok(['--json', 'link', 'file', fileId]));
    const revoked = await alice.ok(['link', 'revoke', created.link.id]);
    expect(revoked.stdout).toContain(`revoked ${created.link.id}`);
    const refused = await guest.run(['link', 'open', created.url, '-o', join(guest.home, 'z.bin')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('this link was revoked by its sender');
    const cut = await guest.run(['link', 'open', created.url.split('#')[0]!]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain('including the part after #');
  });

  it('bad options are usage errors before anything is made', async () => {
    for (const args of [
      ['link', 'file', fileId, '--expires', '3y'],
      ['link', 'file', fileId, '--max-opens', '0'],
      ['link', 'file', fileId, '--expires', '60d'],
    ]) {
      const result = await alice.run(args);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });
});
