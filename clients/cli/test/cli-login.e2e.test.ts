/**
 * Logging in as people do (issue 16): an unknown account is told before the
 * key derivation, a wrong passphrase before a two-factor code is spent (the
 * same code then logs in with the right one); after one code the device
 * session refills tokens with no code (the server hands out 6 tokens a
 * batch, so a test spends many batches); a session revoked from another
 * machine ends a running `watch` at once and the next command, with
 * SESSION_ENDED; logout ends the session on the server.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassphrase } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';
import { TotpDevice } from './support/totp-codes.js';
import { hasScript, runInTerminal } from './support/terminal.js';

let server: ServerProcess;
let dora: CliUser;
let device: TotpDevice;
const backupCodes: string[] = [];
const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string } }).error;

beforeAll(async () => {
  server = await startServer('sqlite', { env: { PEERLOCK_TOKEN_BATCH_SIZE: '6' } });
  dora = new CliUser('dora', server.url, generatePassphrase(7, 'dora').passphrase);
  await dora.ok(['signup', 'dora']);
  const setup = (await dora.ok(['2fa', 'enable', '--json'])).json<{ secret: string }>();
  device = new TotpDevice(setup.secret);
  backupCodes.push(...(await dora.ok(['2fa', 'confirm', device.next()!, '--json'])).json<{ backupCodes: string[] }>().backupCodes);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe('logging in', () => {
  it('an unknown account: NO_SUCH_ACCOUNT, exit 4, before any key derivation', async () => {
    const r = await dora.run(['login', 'nobody', '--json']);
    expect(r.code).toBe(4);
    expect(errorOf(r.stderr)).toEqual({ code: 'NO_SUCH_ACCOUNT', message: 'there is no account called nobody on this server (check the spelling, or `peerlock signup nobody`)', username: 'nobody' });
  });

  it('a wrong passphrase: WRONG_PASSPHRASE, exit 4, and the two-factor code is not spent: the same code logs in with the right one', async () => {
    await dora.ok(['logout']);
    const code = backupCodes.shift()!;
    const wrong = await dora.run(['login', 'dora', '--code', code, '--json'], { PEERLOCK_PASSPHRASE: generatePassphrase(7).passphrase });
    expect(wrong.code).toBe(4);
    expect(errorOf(wrong.stderr)).toMatchObject({ code: 'WRONG_PASSPHRASE', message: 'wrong passphrase for dora (nothing was spent: no two-factor code, no login attempt); try again' });
    await dora.ok(['login', 'dora', '--code', code]);
    expect((await dora.ok(['whoami', '--json'])).json<{ username: string }>().username).toBe('dora');
  });

  it('after one code, the device session refills tokens with no code: 40 commands on 6-token batches, and `sessions` lists this machine', async () => {
    for (let i = 0; i < 40; i++) await dora.ok(['whoami', '--json']);
    const sessions = (await dora.ok(['sessions', '--json'])).json<{ id: string; label: string; current: boolean }[]>();
    expect(sessions).toEqual([expect.objectContaining({ label: `peerlock CLI on ${hostname()}`, current: true })]);
  });

  it('revoked from another machine: a running `watch` ends at once with SESSION_ENDED (exit 4), and so does the next command', async () => {
    const laptop = new CliUser('dora', server.url, dora.passphrase);
    await laptop.ok(['login', 'dora', '--code', backupCodes.shift()!]);
    const watch = dora.spawn(['watch', '--json']);
    let stderr = '';
    watch.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => watch.once('close', resolve));
    await until(() => stderr.includes('watching'));
    const listed = (await laptop.ok(['sessions', '--json'])).json<{ id: string; current: boolean }[]>();
    const other = listed.find((x) => !x.current)!;
    expect(listed).toHaveLength(2);
    await laptop.ok(['sessions', 'revoke', other.id]);
    expect(await exited).toBe(4);
    expect(errorOf(stderr.split('\n').filter((l) => l.startsWith('{')).at(-1)!).code).toBe('SESSION_ENDED');
    const next = await dora.run(['whoami', '--json']);
    expect(next.code).toBe(4);
    expect(errorOf(next.stderr)).toMatchObject({ code: 'SESSION_ENDED', message: 'this device session has ended (logged out, revoked, or the key changed): run `peerlock login <username>`' });
    const again = await laptop.run(['sessions', 'revoke', other.id, '--json']);
    expect([again.code, errorOf(again.stderr).code]).toEqual([1, 'NOT_FOUND']);
    // Logging out ends the session on the server too.
    expect((await laptop.ok(['logout', '--json'])).json()).toEqual({ loggedOut: true, serverSessionEnded: true });
    await dora.ok(['login', 'dora', '--code', backupCodes.shift()!]);
    expect((await dora.ok(['sessions', '--json'])).json<unknown[]>()).toHaveLength(1);
  });

  it.skipIf(!hasScript)('rekey at a prompt asks for the new passphrase twice; two different ones change nothing (exit 2)', async () => {
    const before = (await dora.ok(['whoami', '--json'])).json<{ miniLockId: string }>().miniLockId;
    const { code, output } = await runInTerminal(dora, ['rekey', '--code', backupCodes.shift()!], [
      { prompt: /New passphrase: /, type: generatePassphrase(7).passphrase },
      { prompt: /New passphrase again: /, type: generatePassphrase(7).passphrase },
    ]);
    expect(code).toBe(2);
    expect(output).toContain('the two new passphrases differ: nothing was changed');
    expect((await dora.ok(['whoami', '--json'])).json<{ miniLockId: string }>().miniLockId).toBe(before);
  });
});

async function until(condition: () => boolean): Promise<void> {
  // Bounded by the test timeout, not by a clock assertion.
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}
