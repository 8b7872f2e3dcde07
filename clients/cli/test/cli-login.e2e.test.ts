/**
 * Logging in as people do (issue 16): an unknown account is told before the
 * key derivation, a wrong passphrase before a two-factor code is spent (the
 * same code then logs in with the right one), and a session whose tokens
 * ran out with two-factor on is renewed with `peerlock login --code` alone;
 * `watch` stops with the reason instead of reconnecting forever. The
 * server hands out 6 tokens a batch, so they run out within a test.
 */
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

  it('tokens run out with two-factor on: the hint `peerlock login --code` works as written, with no username and no passphrase', async () => {
    let refused = await dora.run(['whoami', '--json']);
    for (let i = 0; i < 12 && refused.code === 0; i++) refused = await dora.run(['whoami', '--json']);
    expect(refused.code).toBe(4);
    expect(errorOf(refused.stderr)).toMatchObject({ code: 'TWO_FACTOR_REQUIRED', message: 'a two-factor code is needed: run `peerlock login --code <code>`' });
    const renewed = await dora.ok(['login', '--code', backupCodes.shift()!, '--json'], { PEERLOCK_PASSPHRASE: undefined });
    expect(renewed.json()).toMatchObject({ username: 'dora', renewed: true });
    expect((await dora.ok(['whoami', '--json'])).json<{ username: string }>().username).toBe('dora');
  });

  it('`watch` with no tokens left stops with TWO_FACTOR_REQUIRED (exit 4) instead of reconnecting forever', async () => {
    for (let r = await dora.run(['whoami']); r.code === 0; r = await dora.run(['whoami']));
    const watch = await dora.run(['watch', '--json']);
    expect(watch.code).toBe(4);
    expect(errorOf(watch.stderr).code).toBe('TWO_FACTOR_REQUIRED');
    await dora.ok(['login', '--code', backupCodes.shift()!]);
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
