/**
 * The SDK's login against a server it reaches through the hostile proxy
 * (issue 16, DESIGN §3 "Wrong passphrase"): a wrong passphrase is
 * WRONG_PASSPHRASE before anything is spent — the server sees no
 * authChallenge at all, so neither a two-factor code nor a rate-limit slot
 * goes — and an unknown or deleted account is NO_SUCH_ACCOUNT. The lookup
 * is a hint: a server that lies in it can refuse a login, never let a
 * wrong key in (the tokens still open only with the registered key).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateSync } from 'otplib';
import { generatePassphrase, keyPairFromSecretKey, miniLockIdOf, NoSuchAccountError, PeerlockClient, randomBytes, WrongPassphraseError, type KeyPair } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy, type Rewrite } from '@peerlock/api/testing';
import { startServer, type ServerProcess } from './support/server-process.js';

describe('SDK login: wrong passphrase and unknown accounts, told before anything is spent (hostile proxy)', () => {
  let server: ServerProcess;
  let proxy: HostileProxy;
  let identity: KeyPair;
  let secret = '';
  const backupCodes: string[] = [];
  const challenges: unknown[] = [];
  let spy: Rewrite;
  let rule: Rewrite | undefined;
  const passphrase = generatePassphrase(7, 'erin').passphrase;
  const viaProxy = () => new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket });
  /** The code of the current step, or of the next (the server takes ±1 step, each step once). */
  const code = (steps = 0) => generateSync({ secret, epoch: (Math.floor(Date.now() / 30_000) + steps) * 30, period: 30, digits: 6 });

  beforeAll(async () => {
    server = await startServer('sqlite');
    proxy = await startHostileProxy({ target: server.url });
    identity = await PeerlockClient.deriveIdentity('erin', passphrase);
    const erin = new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
    await erin.signup({ username: 'erin', passphrase: '', identity });
    const setup = await erin.setupTwoFactor();
    secret = setup.secret;
    backupCodes.push(...(await erin.confirmTwoFactor(setup.sealedSetup, code())));
    spy = proxy.onGraphql('AuthChallenge', (_data, { variables }) => {
      challenges.push(variables);
      return undefined;
    });
  });
  afterEach(() => {
    rule?.remove();
    rule = undefined;
    challenges.length = 0;
  });
  afterAll(async () => {
    spy?.remove();
    await proxy?.close();
    await server?.stop();
  });

  it('a wrong passphrase with a code: WrongPassphraseError, no authChallenge reached the server; the same code then logs in', async () => {
    const totp = code(1); // the current step went to confirming two-factor
    const error = await viaProxy()
      .login({ username: 'Erin', passphrase: generatePassphrase(7).passphrase, totpCode: totp })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongPassphraseError);
    expect(error).toMatchObject({ code: 'WRONG_PASSPHRASE', username: 'erin' });
    expect(challenges).toEqual([]);
    const client = viaProxy();
    await client.login({ username: 'erin', identity, totpCode: totp });
    expect(challenges).toHaveLength(1);
    expect(client.miniLockId).toBe(miniLockIdOf(identity));
  });

  it('after one code, 500 authenticated operations: refills prove the device session, no second authChallenge, no code asked', async () => {
    const refreshes: unknown[] = [];
    const counter = proxy.onGraphql('RefreshSession', () => {
      refreshes.push(1);
      return undefined;
    });
    let asked = 0;
    const client = new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, totp: async () => (asked++, undefined) });
    try {
      await client.login({ username: 'erin', identity, totpCode: backupCodes.shift()! });
      for (let i = 0; i < 500; i++) expect((await client.account()).username).toBe('erin');
      expect(challenges).toHaveLength(1);
      expect(refreshes.length).toBeGreaterThanOrEqual(15);
      expect(asked).toBe(0);
      expect((await client.sessions()).filter((s) => s.current)).toEqual([expect.objectContaining({ label: 'Peerlock SDK' })]);
    } finally {
      counter.remove();
    }
  });

  it('an unknown account: NoSuchAccountError, no authChallenge', async () => {
    const error = await viaProxy()
      .login({ username: 'nobody', identity: keyPairFromSecretKey(randomBytes(32)) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchAccountError);
    expect(error).toMatchObject({ code: 'NO_SUCH_ACCOUNT', username: 'nobody', deleted: false });
    expect(challenges).toEqual([]);
  });

  it('the server lies in the lookup: another key for erin refuses the right passphrase (a refusal it could always make); a wrong key made to look right still fails on the tokens', async () => {
    rule = proxy.onGraphql('User', (data) => ({ ...data, user: data.user && { ...data.user, miniLockId: miniLockIdOf(keyPairFromSecretKey(randomBytes(32))) } }));
    await expect(viaProxy().login({ username: 'erin', identity, totpCode: code() })).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(rule.count).toBe(1);
    rule.remove();

    const mallory = keyPairFromSecretKey(randomBytes(32));
    rule = proxy.onGraphql('User', (data) => ({ ...data, user: data.user && { ...data.user, miniLockId: miniLockIdOf(mallory) } }));
    const client = viaProxy();
    await expect(client.login({ username: 'erin', identity: mallory, totpCode: code() })).rejects.toMatchObject({ code: expect.stringMatching(/^(DECRYPTION_FAILED|TWO_FACTOR_INVALID)$/) });
    expect(client.loggedIn).toBe(false);
  });
});
