/**
 * Profile settings, key rotation and account deletion over real HTTP
 * (DESIGN.md §3): rotation proven by a token or the recovery code plus a
 * signup-style challenge for the new key; deletion retires the name, keeps
 * the keys and crypto-shreds name and email everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, keyPairFromSecretKey, randomBytes, encodeMiniLockId, deriveAuthKeyPair } from '@peerlock/sdk';
import { accountStreamName } from '@peerlock/schema';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { CHALLENGE_FIELDS, HonestClient, ME, type WireChallenge } from '../support/honest-client.js';
import type { ErasableData } from '@peerlock/schema';

const UPDATE = 'mutation($input: ProfileInput!) { updateProfile(input: $input) { displayName email notifications { newMessages contactRequests fileShares } } }';
const ROTATION_CHALLENGE = `mutation($input: KeyRotationChallengeInput!) { keyRotationChallenge(input: $input) { ${CHALLENGE_FIELDS} } }`;
const ROTATE = 'mutation($input: RotateKeysInput!) { rotateKeys(input: $input) { username miniLockId recoveryCode } }';
const DELETE = 'mutation($c: String) { deleteAccount(totpCode: $c) }';
const USER = 'query($u: String!) { user(username: $u) { username miniLockId displayName deleted keyHistory { miniLockId validUntil } } }';

describe.each(BACKENDS)('account lifecycle (%s)', (backend) => {
  let server: TestServer;
  let n = 0;
  const fresh = async (profile = {}) => {
    const c = new HonestClient(server.url, `life${++n}`, server.clock);
    await c.signup(profile);
    await c.login();
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  async function rotationAnswers(client: HonestClient, next = keyPairFromSecretKey(randomBytes(32))) {
    const nextAuth = deriveAuthKeyPair(next.secretKey);
    const challenge = expectOk(
      await post<{ keyRotationChallenge: WireChallenge }>(server.url, ROTATION_CHALLENGE, {
        input: { username: client.username, miniLockId: encodeMiniLockId(next.publicKey), authPublicKey: bytesToBase64(nextAuth.publicKey) },
      }),
    ).keyRotationChallenge;
    return { next, answers: await client.answer(challenge, next, nextAuth) };
  }

  it('profile: partial updates, clearing with null, private email, public display name', async () => {
    const c = await fresh({ displayName: 'Carol', email: 'carol@example.org' });
    const updated = expectOk(await c.request<{ updateProfile: Record<string, unknown> }>(UPDATE, { input: { notifications: { fileShares: false } } })).updateProfile;
    expect(updated).toEqual({ displayName: 'Carol', email: 'carol@example.org', notifications: { newMessages: true, contactRequests: true, fileShares: false } });
    expect(expectOk(await c.request<{ updateProfile: { email: string | null } }>(UPDATE, { input: { email: null, displayName: ' Caz ' } })).updateProfile).toMatchObject({ email: null, displayName: 'Caz' });
    const publicView = expectOk(await post<{ user: Record<string, unknown> }>(server.url, USER, { u: c.username })).user;
    expect(publicView.displayName).toBe('Caz');
    expect(publicView).not.toHaveProperty('email');
  });

  it('personal data is not in the event log in clear', async () => {
    const c = await fresh({ displayName: 'Zebulon Quux', email: 'zq@example.org' });
    const events = await readAccountEvents(c.username);
    const raw = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })));
    expect(raw).not.toContain('Zebulon');
    expect(raw).not.toContain('zq@example.org');
  });

  it('key rotation with a token: new key in the directory, old tokens dead, login with the new key', async () => {
    const c = await fresh();
    const oldId = c.miniLockId;
    const spare = c.takeHeader();
    const { next, answers } = await rotationAnswers(c);
    const rotated = expectOk(await c.request<{ rotateKeys: { miniLockId: string; recoveryCode: string | null } }>(ROTATE, { input: answers })).rotateKeys;
    expect(rotated).toEqual({ username: c.username, miniLockId: encodeMiniLockId(next.publicKey), recoveryCode: null });
    expectCode(await post(server.url, ME, {}, { authorization: spare }), 'TOKEN_INVALID');
    const user = expectOk(await post<{ user: { miniLockId: string; keyHistory: { miniLockId: string }[] } }>(server.url, USER, { u: c.username })).user;
    expect(user.miniLockId).toBe(rotated.miniLockId);
    expect(user.keyHistory.map((k) => k.miniLockId)).toEqual([oldId, rotated.miniLockId]);
    // The old auth key's tokens would not open for anyone now; the new one logs in.
    const renewed = new HonestClient(server.url, c.username, server.clock, next);
    await renewed.login();
    expectOk(await renewed.request(ME));
  });

  it('key rotation with the recovery code (no token): works once, and issues a new code', async () => {
    const c = await fresh();
    const first = c.recoveryCode!;
    const { answers } = await rotationAnswers(c);
    const res = expectOk(await post<{ rotateKeys: { recoveryCode: string } }>(server.url, ROTATE, { input: { ...answers, recoveryCode: first.toLowerCase() } })).rotateKeys;
    expect(res.recoveryCode).toMatch(/^[A-Z2-7-]{31}$/);
    expect(res.recoveryCode).not.toBe(first);
    // The spent code cannot authorise another rotation.
    const again = await rotationAnswers(c);
    expectCode(await post(server.url, ROTATE, { input: { ...again.answers, recoveryCode: first } }), 'FORBIDDEN');
  });

  it('key rotation refusals: no proof, wrong recovery code, another user\'s token, a stale challenge, a wrong answer', async () => {
    const c = await fresh();
    const other = await fresh();
    const { next, answers } = await rotationAnswers(c);
    expectCode(await post(server.url, ROTATE, { input: answers }), 'UNAUTHENTICATED');
    expectCode(await post(server.url, ROTATE, { input: { ...answers, recoveryCode: 'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A' } }), 'FORBIDDEN');
    expectCode(await other.request(ROTATE, { input: answers }), 'FORBIDDEN');
    expectCode(await c.request(ROTATE, { input: { ...answers, authAnswer: answers.identityAnswer } }), 'CHALLENGE_INVALID');
    // A signup challenge cannot stand in for a rotation challenge.
    const signupSealed = expectOk(await new HonestClient(server.url, 'unused_name', server.clock).signupChallenge()).signupChallenge.sealedState;
    expectCode(await c.request(ROTATE, { input: { ...answers, sealedState: signupSealed } }), 'CHALLENGE_INVALID');
    const second = await rotationAnswers(c);
    expectOk(await c.request(ROTATE, { input: answers }));
    // `second` was issued against the key that has just been replaced: stale even with a valid token.
    const renewed = new HonestClient(server.url, c.username, server.clock, next);
    await renewed.login();
    expectCode(await renewed.request(ROTATE, { input: second.answers }), 'CONFLICT');
  });

  it('deletion: name retired forever, keys kept, personal data erased, tokens revoked', async () => {
    const c = await fresh({ displayName: 'Dora', email: 'dora@example.org' });
    const spare = c.takeHeader();
    expect(expectOk(await c.request<{ deleteAccount: boolean }>(DELETE)).deleteAccount).toBe(true);
    expectCode(await post(server.url, ME, {}, { authorization: spare }), 'TOKEN_INVALID');
    const user = expectOk(await post<{ user: Record<string, unknown> }>(server.url, USER, { u: c.username })).user;
    expect(user).toMatchObject({ username: c.username, miniLockId: c.miniLockId, displayName: null, deleted: true });
    expectCode(await new HonestClient(server.url, c.username.toUpperCase(), server.clock).signupChallenge(), 'USERNAME_TAKEN');
    expectCode(await c.requestTokens(), 'NOT_FOUND');
    // Crypto-shredding: the profile ciphertext is still in the log, and can no longer be opened by anyone.
    const registered = (await readAccountEvents(c.username)).find((e) => e.type === 'AccountRegistered')!;
    const sealed = (registered.data as { encryptedProfile: ErasableData }).encryptedProfile;
    expect(await server.app.services.authStore.getDataKey(sealed.keyId)).toBeNull();
    expect(await server.app.services.vault.open(sealed)).toBeNull();
  });

  it('deletion with 2FA on needs a fresh code', async () => {
    const c = await fresh();
    const { totpCodeAt, timeStepAt } = await import('../../src/twofactor/totp.js');
    const setup = expectOk(await c.request<{ setupTwoFactor: { secret: string; sealedSetup: string } }>('mutation { setupTwoFactor { secret sealedSetup } }')).setupTwoFactor;
    const code = totpCodeAt(setup.secret, timeStepAt(server.clock.now()));
    expectOk(await c.request('mutation($s: String!, $c: String!) { confirmTwoFactor(sealedSetup: $s, code: $c) { backupCodes } }', { s: setup.sealedSetup, c: code }));
    expectCode(await c.request(DELETE), 'TWO_FACTOR_REQUIRED');
    expectCode(await c.request(DELETE, { c: code }), 'TWO_FACTOR_INVALID');
    server.clock.advance(30_000);
    expect(expectOk(await c.request<{ deleteAccount: boolean }>(DELETE, { c: totpCodeAt(setup.secret, timeStepAt(server.clock.now())) })).deleteAccount).toBe(true);
  });

  it('a data key that outlived its account (crash between append and destruction) is destroyed at the next start', async () => {
    const c = await fresh({ email: 'crash@example.org' });
    const services = server.app.services;
    const original = services.vault.destroy.bind(services.vault);
    // The process "dies" right after AccountDeleted is appended: the key destruction never happens.
    services.vault.destroy = async () => {};
    try {
      expectOk(await c.request(DELETE));
    } finally {
      services.vault.destroy = original;
    }
    const registered = (await readAccountEvents(c.username)).find((e) => e.type === 'AccountRegistered')!;
    const { keyId } = (registered.data as { encryptedProfile: ErasableData }).encryptedProfile;
    expect(await services.authStore.getDataKey(keyId)).not.toBeNull();
    // Last test of the file: the restarted server listens on another ephemeral port.
    await server.app.stop();
    await server.app.start();
    expect(await server.app.services.authStore.getDataKey(keyId)).toBeNull();
  });

  // The test reads the log directly, as an attacker with a database dump would.
  const readAccountEvents = (username: string) => server.app.services.eventStore.readStream(accountStreamName(username));
});
