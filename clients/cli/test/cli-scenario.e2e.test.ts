/**
 * Issue 7's scenario over real processes: the server (embedded SQLite, free
 * port, temporary data directory) and one `peerlock` process per command,
 * alice and bob each with their own config and runtime directories.
 * Only signup and the logins derive keys (scrypt, ~0.6 s each); every other
 * command resumes the sealed session.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassphrase } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';
import { TotpDevice } from './support/totp-codes.js';

let server: ServerProcess;
let alice: CliUser;
let bob: CliUser;
let conversationId = '';
let aliceFirstPosition = '';
let attachmentId = '';
const attachment = 'quarterly numbers\n'.repeat(5000);

beforeAll(async () => {
  server = await startServer('sqlite');
  alice = new CliUser('alice', server.url, generatePassphrase(7, 'alice').passphrase);
  bob = new CliUser('bob', server.url, generatePassphrase(7, 'bob').passphrase);
});

afterAll(async () => {
  await server?.stop();
});

describe('peerlock CLI against a real server', () => {
  it('signs alice and bob up; the session cache keeps no secret in clear', async () => {
    const a = (await alice.ok(['signup', 'alice', '--json'])).json<{ username: string; recoveryCode: string; miniLockId: string }>();
    expect(a.username).toBe('alice');
    expect(a.recoveryCode).toBeTruthy();
    await bob.ok(['signup', 'Bob', '--json']);
    const who = (await bob.ok(['whoami', '--json'])).json<{ username: string }>();
    expect(who.username).toBe('bob');

    const cache = readFileSync(join(alice.home, 'config/peerlock/session.json'), 'utf8');
    expect(cache).not.toContain(alice.passphrase);
    expect(Object.keys(JSON.parse(cache))).toEqual(['v', 'server', 'username', 'serverSigningKey', 'pinVersion', 'lastPosition', 'sealed']);
  });

  it('makes them contacts who verify each other by safety number', async () => {
    await alice.ok(['contacts', 'add', 'bob']);
    const accepted = (await bob.ok(['contacts', 'accept', 'alice', '--json'])).json<{ contacts: string[] }>();
    expect(accepted.contacts).toEqual(['alice']);
    const seenByAlice = (await alice.ok(['contacts', 'verify', 'bob', '--yes', '--json'])).json<{ digits: string; verified: boolean }>();
    const seenByBob = (await bob.ok(['contacts', 'verify', 'alice', '--yes', '--json'])).json<{ digits: string; verified: boolean }>();
    expect(seenByAlice.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(seenByBob.digits).toBe(seenByAlice.digits);
    expect([seenByAlice.verified, seenByBob.verified]).toEqual([true, true]);
    const list = (await alice.ok(['contacts', 'list', '--json'])).json<{ keys: { username: string; verified: boolean; keyChanged: boolean }[] }>();
    expect(list.keys).toEqual([{ username: 'bob', verified: true, keyChanged: false }]);
  });

  it('alice sends bob a message with an attached file; bob reads it, downloads the file, and his receipt reaches alice', async () => {
    const file = join(alice.home, 'numbers.txt');
    writeFileSync(file, attachment);
    const sent = (await alice.ok(['send', 'bob', '-s', 'Q3', '-m', 'Numbers attached.', '--attach', file, '--json'])).json<{ conversationId: string; position: string; files: { fileId: string }[] }>();
    conversationId = sent.conversationId;
    aliceFirstPosition = sent.position;
    attachmentId = sent.files[0]!.fileId;

    const inbox = (await bob.ok(['inbox', '--json'])).json<{ id: string; unreadCount: number }[]>();
    expect(inbox).toEqual([expect.objectContaining({ id: conversationId, unreadCount: 1 })]);
    const read = (await bob.ok(['read', conversationId.slice(0, 10), '--json'])).json<{ subject: string; messages: { sender: string; body: string; rejected: string | null; files: { fileId: string }[] }[]; receiptsSent: number }>();
    expect(read.subject).toBe('Q3');
    expect(read.messages).toEqual([expect.objectContaining({ sender: 'alice', body: 'Numbers attached.', rejected: null, files: [expect.objectContaining({ fileId: attachmentId })] })]);
    expect(read.receiptsSent).toBe(1);

    const out = join(bob.home, 'numbers.txt');
    await bob.ok(['files', 'download', attachmentId, '-o', out, '--conversation', conversationId.slice(0, 10)]);
    expect(readFileSync(out, 'utf8')).toBe(attachment);

    const mine = (await alice.ok(['read', conversationId, '--json'])).json<{ messages: { receipts: { reader: string }[]; rejectedReceipts: string[] }[] }>();
    expect(mine.messages[0]!.receipts.map((r) => r.reader)).toEqual(['bob']);
    expect(mine.messages[0]!.rejectedReceipts).toEqual([]);
  });

  it('files: upload, share without re-upload, download under the name inside the file, destroy', async () => {
    writeFileSync(join(alice.home, 'notes.txt'), 'meeting notes');
    const { fileId } = (await alice.ok(['files', 'upload', 'notes.txt', '--json'])).json<{ fileId: string }>();
    await alice.ok(['files', 'share', fileId, 'bob']);
    const held = (await bob.ok(['files', 'list', '--json'])).json<{ id: string; owner: string }[]>();
    expect(held).toContainEqual(expect.objectContaining({ id: fileId, owner: 'alice' }));
    // Shared outside any message, so not vouched for: refused, showing who made it, until bob accepts that sender (T11).
    const { miniLockId: aliceId } = (await alice.ok(['whoami', '--json'])).json<{ miniLockId: string }>();
    const refused = await bob.run(['files', 'download', fileId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--accept-sender ${aliceId}`);
    expect(refused.stderr).toMatch(/\[FILE_REJECTED\]/);
    const saved = (await bob.ok(['files', 'download', fileId, '--accept-sender', aliceId, '--json'])).json<{ path: string }>();
    expect(saved.path).toBe(join(bob.home, 'notes.txt'));
    expect(readFileSync(saved.path, 'utf8')).toBe('meeting notes');
    expect((await alice.ok(['files', 'rm', fileId, '--destroy', '--json'])).json()).toEqual({ fileId, deleted: true });
    const gone = await bob.run(['files', 'download', fileId, '-o', join(bob.home, 'again.txt')]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/\[(NOT_FOUND|FORBIDDEN)\]/);
  });

  it("alice's watch prints bob's reply live; the conversation goes on with replies", async () => {
    const watch = alice.spawn(['watch', '--json', '--after', aliceFirstPosition]);
    let stdout = '';
    let stderr = '';
    watch.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const connected = new Promise<void>((resolve) => watch.stderr!.on('data', (c: Buffer) => ((stderr += c.toString()), stderr.includes('watching') && resolve())));
    const exited = new Promise<number | null>((resolve) => watch.once('close', resolve));
    // A watch that dies before connecting fails here, with its output, instead of timing out.
    await Promise.race([connected, exited.then((code) => Promise.reject(new Error(`watch exited ${code}: ${stderr}`)))]);

    await bob.ok(['reply', conversationId, '-m', 'Thanks, looks good.']);
    await until(() => stdout.includes('Thanks, looks good.'));
    watch.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; from: string; message?: { body: string; rejected: string | null } });
    expect(lines).toContainEqual(expect.objectContaining({ kind: 'RECEIPT_RECEIVED', from: 'bob' }));
    expect(lines).toContainEqual(expect.objectContaining({ kind: 'MESSAGE_RECEIVED', from: 'bob', message: expect.objectContaining({ body: 'Thanks, looks good.', rejected: null }) }));

    await alice.ok(['reply', conversationId.slice(0, 10), '-m', 'Great, shipping it.']);
    const thread = (await bob.ok(['read', conversationId, '--json'])).json<{ messages: { sender: string; body: string; rejected: string | null }[] }>();
    expect(thread.messages.map((m) => [m.sender, m.body, m.rejected])).toEqual([
      ['alice', 'Numbers attached.', null],
      ['bob', 'Thanks, looks good.', null],
      ['alice', 'Great, shipping it.', null],
    ]);
  });

  let device: TotpDevice;

  it('alice turns on two-factor and logs in again with a code', async () => {
    const setup = (await alice.ok(['2fa', 'enable', '--json'])).json<{ otpauthUri: string; secret: string }>();
    expect(setup.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    device = new TotpDevice(setup.secret);
    const confirmed = (await alice.ok(['2fa', 'confirm', device.next()!, '--json'])).json<{ backupCodes: string[] }>();
    expect(confirmed.backupCodes).toHaveLength(10);
    backupCodes.push(...confirmed.backupCodes);
    expect((await alice.ok(['2fa', 'status', '--json'])).json()).toEqual({ enabled: true });

    await alice.ok(['logout']);
    const denied = await alice.run(['login', 'alice', '--json']);
    expect(denied.code).toBe(4);
    expect(JSON.parse(denied.stderr).error.code).toBe('TWO_FACTOR_REQUIRED');
    await alice.ok(['login', 'alice', '--code', device.next()!]);
    expect((await alice.ok(['whoami', '--json'])).json<{ twoFactorEnabled: boolean }>().twoFactorEnabled).toBe(true);
  });

  const backupCodes: string[] = [];

  it("alice rotates her key; bob's CLI refuses to send until he accepts it (verified: only with --verified)", async () => {
    const newPassphrase = generatePassphrase(7, 'alice').passphrase;
    const code = device.next() ?? backupCodes.shift()!;
    await alice.ok(['rekey', '--code', code, '--login-code', backupCodes.shift()!], { PEERLOCK_NEW_PASSPHRASE: newPassphrase });
    alice.passphrase = newPassphrase;

    const refused = await bob.run(['send', 'alice', '-s', 'hi', '-m', 'still there?']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('[KEY_CHANGED]');
    const list = (await bob.ok(['contacts', 'list', '--json'])).json<{ keys: { username: string; keyChanged: boolean }[] }>();
    expect(list.keys).toEqual([expect.objectContaining({ username: 'alice', keyChanged: true })]);

    const unverified = await bob.run(['contacts', 'accept-key', 'alice', '--json']);
    expect(unverified.code).toBe(3);
    await bob.ok(['contacts', 'accept-key', 'alice', '--verified']);
    await bob.ok(['send', 'alice', '-s', 'hi', '-m', 'still there?']);

    const inbox = (await alice.ok(['inbox', '--json'])).json<{ id: string }[]>();
    const latest = (await alice.ok(['read', inbox[0]!.id, '--json'])).json<{ messages: { sender: string; body: string; rejected: string | null }[] }>();
    expect(latest.messages).toEqual([expect.objectContaining({ sender: 'bob', body: 'still there?', rejected: null })]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  // Bounded by the test timeout, not by a clock assertion.
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}
