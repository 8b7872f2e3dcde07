/**
 * TOTP two-factor over real HTTP (RFC 6238; DESIGN.md §3, threat T9): setup
 * and confirmation, a code required on every login, accepted once, ±1 step,
 * growing lockouts after five wrong codes, one-time backup codes, and a
 * fresh code to turn it off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { HonestClient, ME } from '../support/honest-client.js';
import { timeStepAt, totpCodeAt } from '../../src/twofactor/totp.js';

const SETUP = 'mutation { setupTwoFactor { otpauthUri secret sealedSetup expiresAt } }';
const CONFIRM = 'mutation($s: String!, $c: String!) { confirmTwoFactor(sealedSetup: $s, code: $c) { backupCodes } }';
const DISABLE = 'mutation($c: String!) { disableTwoFactor(code: $c) }';

describe.each(BACKENDS)('two-factor (%s)', (backend) => {
  let server: TestServer;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const codeAt = (secret: string, offsetSteps = 0) => totpCodeAt(secret, timeStepAt(server.clock.now()) + offsetSteps);
  /** A code that is valid for no step in the ±1 window. */
  const wrongCode = (secret: string) => {
    const valid = new Set([-1, 0, 1].map((d) => codeAt(secret, d)));
    for (let i = 0; ; i++) {
      const c = String(i).padStart(6, '0');
      if (!valid.has(c)) return c;
    }
  };
  const nextStep = () => server.clock.advance(30_000);

  async function enrolled(): Promise<{ client: HonestClient; secret: string; backupCodes: string[] }> {
    const client = new HonestClient(server.url, `tf${++n}`, server.clock);
    await client.signup();
    await client.login();
    const setup = expectOk(await client.request<{ setupTwoFactor: { otpauthUri: string; secret: string; sealedSetup: string } }>(SETUP)).setupTwoFactor;
    expect(setup.otpauthUri).toMatch(new RegExp(`^otpauth://totp/Peerlock:${client.username}\\?`));
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    const confirmed = expectOk(await client.request<{ confirmTwoFactor: { backupCodes: string[] } }>(CONFIRM, { s: setup.sealedSetup, c: codeAt(setup.secret) })).confirmTwoFactor;
    nextStep();
    return { client, secret: setup.secret, backupCodes: confirmed.backupCodes };
  }

  it('setup → confirm → every login needs a code', async () => {
    const { client, secret, backupCodes } = await enrolled();
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    expectCode(await client.requestTokens(), 'TWO_FACTOR_REQUIRED');
    await client.login(codeAt(secret));
    expect(expectOk(await client.request<{ me: { twoFactorEnabled: boolean } }>(ME)).me.twoFactorEnabled).toBe(true);
  });

  it('confirmation with a wrong code, an expired setup, or another user\'s setup is refused', async () => {
    const client = new HonestClient(server.url, `tf${++n}`, server.clock);
    const other = new HonestClient(server.url, `tf${++n}`, server.clock);
    await client.signup();
    await other.signup();
    await client.login();
    await other.login();
    const setup = expectOk(await client.request<{ setupTwoFactor: { secret: string; sealedSetup: string } }>(SETUP)).setupTwoFactor;
    expectCode(await client.request(CONFIRM, { s: setup.sealedSetup, c: wrongCode(setup.secret) }), 'TWO_FACTOR_INVALID');
    expectCode(await other.request(CONFIRM, { s: setup.sealedSetup, c: codeAt(setup.secret) }), 'CHALLENGE_INVALID');
    server.clock.advance(5 * 60_000 + 1);
    expectCode(await client.request(CONFIRM, { s: setup.sealedSetup, c: codeAt(setup.secret) }), 'CHALLENGE_INVALID');
  });

  it('±1 step: the previous and next codes work, two steps away does not', async () => {
    const { client, secret } = await enrolled();
    // The confirmation spent the previous step; move one more so "previous" is fresh.
    nextStep();
    await client.login(codeAt(secret, -1));
    nextStep();
    nextStep();
    await client.login(codeAt(secret, 1));
    nextStep();
    nextStep();
    nextStep();
    expectCode(await client.requestTokens(codeAt(secret, 2)), 'TWO_FACTOR_INVALID');
  });

  it('TOTP replay: a code is accepted once, and an older step never again', async () => {
    const { client, secret } = await enrolled();
    const code = codeAt(secret);
    await client.login(code);
    expectCode(await client.requestTokens(code), 'TWO_FACTOR_INVALID');
    expectCode(await client.requestTokens(codeAt(secret, -1)), 'TWO_FACTOR_INVALID');
  });

  it('TOTP replay race: one code sent twice at once logs in exactly once', async () => {
    const { client, secret } = await enrolled();
    const code = codeAt(secret);
    const results = await Promise.all([client.requestTokens(code), client.requestTokens(code), client.requestTokens(code)]);
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors !== undefined)) expectCode(r, 'TWO_FACTOR_INVALID');
  });

  it('brute force: five wrong codes lock even the right code out, and each lockout is longer', async () => {
    const { client, secret } = await enrolled();
    for (let i = 0; i < 5; i++) expectCode(await client.requestTokens(wrongCode(secret)), 'TWO_FACTOR_INVALID');
    const locked = await client.requestTokens(codeAt(secret));
    expectCode(locked, 'RATE_LIMITED');
    expect(locked.errors![0]!.extensions!.retryAfterSeconds).toBe(60);
    expect(locked.headers.get('retry-after')).toBe('60');
    server.clock.advance(61_000);
    for (let i = 0; i < 5; i++) expectCode(await client.requestTokens(wrongCode(secret)), 'TWO_FACTOR_INVALID');
    server.clock.advance(61_000);
    const second = await client.requestTokens(codeAt(secret));
    expectCode(second, 'RATE_LIMITED');
    expect(second.errors![0]!.extensions!.retryAfterSeconds).toBe(59);
    server.clock.advance(60_000);
    await client.login(codeAt(secret));
  });

  it('backup codes: each works once, in place of a TOTP code', async () => {
    const { client, backupCodes } = await enrolled();
    await client.login(backupCodes[0]!.toLowerCase());
    expectCode(await client.requestTokens(backupCodes[0]!), 'TWO_FACTOR_INVALID');
    await client.login(backupCodes[1]!);
    expectCode(await client.requestTokens('AAAAA-AAAAA'), 'TWO_FACTOR_INVALID');
  });

  it('disabling needs a fresh code; afterwards login needs none', async () => {
    const { client, secret } = await enrolled();
    const code = codeAt(secret);
    await client.login(code);
    expectCode(await client.request(DISABLE, { c: code }), 'TWO_FACTOR_INVALID');
    nextStep();
    expect(expectOk(await client.request<{ disableTwoFactor: boolean }>(DISABLE, { c: codeAt(secret) })).disableTwoFactor).toBe(true);
    await client.login();
    expect(expectOk(await client.request<{ me: { twoFactorEnabled: boolean } }>(ME)).me.twoFactorEnabled).toBe(false);
  });

  it('setting up twice → CONFLICT', async () => {
    const { client, secret } = await enrolled();
    await client.login(codeAt(secret));
    expectCode(await client.request(SETUP), 'CONFLICT');
  });

  it('2FA attempts are rate limited per username across addresses', async () => {
    const limited = await startTestServer(backend, { PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_USERNAME: '3', PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_ADDRESS: '1000' });
    try {
      const c = new HonestClient(limited.url, 'limited', limited.clock);
      await c.signup();
      const attempt = () => post(limited.url, 'mutation { authChallenge(username: "limited", totpCode: "123456") { expiresAt } }');
      for (let i = 0; i < 3; i++) expect((await attempt()).errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
      const res = await attempt();
      expectCode(res, 'RATE_LIMITED');
      expect(res.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
