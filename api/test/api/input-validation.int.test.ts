/**
 * Oversized and malformed input on every argument → BAD_INPUT, naming the
 * argument (never echoing the value), with nothing stored. Wrong GraphQL
 * types and unparsable bodies are BAD_INPUT too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, encodeMiniLockId, randomBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post, postRaw } from '../support/graphql-client.js';
import { CHALLENGE_FIELDS, HonestClient, SIGNUP, SIGNUP_CHALLENGE } from '../support/honest-client.js';

const BIG = 'A'.repeat(20_000);
const key32 = () => bytesToBase64(randomBytes(32));

describe.each(BACKENDS)('input validation (%s)', (backend) => {
  let server: TestServer;
  let alice: HonestClient;
  let validChallenge: { username: string; miniLockId: string; authPublicKey: string };

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new HonestClient(server.url, 'alice', server.clock);
    await alice.signup();
    const probe = new HonestClient(server.url, 'probe', server.clock);
    validChallenge = { username: 'probe', miniLockId: probe.miniLockId, authPublicKey: bytesToBase64(probe.auth.publicKey) };
  });
  afterAll(() => server.close());

  const expectBadInput = async (query: string, variables: Record<string, unknown>, field?: string, headers: Record<string, string> = {}) => {
    const res = await post(server.url, query, variables, headers);
    expectCode(res, 'BAD_INPUT');
    if (field) expect(res.errors![0]!.extensions!.field).toBe(field);
    expect(JSON.stringify(res.errors)).not.toContain(BIG.slice(0, 100));
  };

  const usernames = ['', 'a'.repeat(17), 'al ice', 'alice!', 'ålice', 'alice\u0000', 'ali-ce', BIG];
  const miniLockIds = ['', 'notAnId', '0OIl', BIG, '23GmSqwEJ6USZ3gP3JzLnxu4VCBi9MXewK1FE9Fq8nQLnM'];
  const keys = ['', 'short', bytesToBase64(randomBytes(31)), bytesToBase64(randomBytes(33)), key32().replace(/=$/, ''), key32().replace(/^./, '-'), BIG];

  it('signupChallenge: username, miniLockId, authPublicKey, displayName, email', async () => {
    for (const username of usernames) await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, username } }, 'username');
    for (const miniLockId of miniLockIds) await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, miniLockId } }, 'miniLockId');
    for (const authPublicKey of keys) await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, authPublicKey } }, 'authPublicKey');
    for (const displayName of ['x'.repeat(65), 'evil\u202Eeman', 'tab\there', BIG]) await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, displayName } }, 'displayName');
    for (const email of ['no-at-sign', 'a@b', 'x@y.z', `${'a'.repeat(65)}@example.org`, 'sp ace@example.org', BIG]) await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, email } }, 'email');
    // Small-order points: anything "boxed" to them is readable by everyone.
    const zero = bytesToBase64(new Uint8Array(32));
    await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, authPublicKey: zero } }, 'authPublicKey');
    await expectBadInput(SIGNUP_CHALLENGE, { input: { ...validChallenge, miniLockId: encodeMiniLockId(new Uint8Array(32)) } }, 'miniLockId');
    expectOk(await post(server.url, SIGNUP_CHALLENGE, { input: { ...validChallenge, displayName: 'Ünïcødé 名前', email: 'probe@example.org' } }));
  });

  it('signup: sealedState, identityAnswer, authAnswer', async () => {
    const challenge = expectOk(await new HonestClient(server.url, 'probe2', server.clock).signupChallenge()).signupChallenge;
    const ok = { sealedState: challenge.sealedState, identityAnswer: key32(), authAnswer: key32() };
    for (const sealedState of ['', 'v1', 'v2.abc.def', 'v1.abc', `v1.${BIG}.${'A'.repeat(43)}`, 'v1.a+b.' + 'A'.repeat(43)]) await expectBadInput(SIGNUP, { input: { ...ok, sealedState } }, 'sealedState');
    for (const identityAnswer of keys) await expectBadInput(SIGNUP, { input: { ...ok, identityAnswer } }, 'identityAnswer');
    for (const authAnswer of keys) await expectBadInput(SIGNUP, { input: { ...ok, authAnswer } }, 'authAnswer');
  });

  it('authChallenge: username and totpCode', async () => {
    const q = 'mutation($u: String!, $c: String) { authChallenge(username: $u, totpCode: $c) { expiresAt } }';
    for (const u of usernames) await expectBadInput(q, { u, c: null }, 'username');
    await expectBadInput(q, { u: 'alice', c: BIG }, 'totpCode');
  });

  it('user(username)', async () => {
    for (const u of usernames) await expectBadInput('query($u: String!) { user(username: $u) { username } }', { u }, 'username');
  });

  it('keyRotationChallenge and rotateKeys', async () => {
    const q = `mutation($input: KeyRotationChallengeInput!) { keyRotationChallenge(input: $input) { ${CHALLENGE_FIELDS} } }`;
    const ok = { username: 'alice', miniLockId: alice.miniLockId, authPublicKey: key32() };
    for (const username of usernames) await expectBadInput(q, { input: { ...ok, username } }, 'username');
    for (const miniLockId of miniLockIds) await expectBadInput(q, { input: { ...ok, miniLockId } }, 'miniLockId');
    for (const authPublicKey of keys) await expectBadInput(q, { input: { ...ok, authPublicKey } }, 'authPublicKey');
    const rotate = 'mutation($input: RotateKeysInput!) { rotateKeys(input: $input) { username } }';
    const okRotate = { sealedState: 'v1.e30.' + 'A'.repeat(43), identityAnswer: key32(), authAnswer: key32() };
    for (const identityAnswer of keys) await expectBadInput(rotate, { input: { ...okRotate, identityAnswer } }, 'identityAnswer');
    await expectBadInput(rotate, { input: { ...okRotate, recoveryCode: BIG } }, 'recoveryCode');
    await expectBadInput(rotate, { input: { ...okRotate, totpCode: BIG } }, 'totpCode');
    await expectBadInput(rotate, { input: { ...okRotate, sealedState: BIG } }, 'sealedState');
  });

  it('authenticated arguments: profile fields, 2FA codes and setup blobs', async () => {
    await alice.login();
    const update = 'mutation($input: ProfileInput!) { updateProfile(input: $input) { username } }';
    await expectBadInput(update, { input: { displayName: BIG } }, 'displayName', { authorization: alice.takeHeader() });
    await expectBadInput(update, { input: { email: 'nope' } }, 'email', { authorization: alice.takeHeader() });
    await expectBadInput('mutation($s: String!, $c: String!) { confirmTwoFactor(sealedSetup: $s, code: $c) { backupCodes } }', { s: BIG, c: '123456' }, 'sealedSetup', { authorization: alice.takeHeader() });
    await expectBadInput('mutation($s: String!, $c: String!) { confirmTwoFactor(sealedSetup: $s, code: $c) { backupCodes } }', { s: 'v1.e30.' + 'A'.repeat(43), c: BIG }, 'code', { authorization: alice.takeHeader() });
    await expectBadInput('mutation($c: String!) { disableTwoFactor(code: $c) }', { c: BIG }, 'code', { authorization: alice.takeHeader() });
    await expectBadInput('mutation($c: String) { deleteAccount(totpCode: $c) }', { c: BIG }, 'totpCode', { authorization: alice.takeHeader() });
  });

  it('wrong GraphQL types, missing arguments, unknown fields, bad JSON → BAD_INPUT', async () => {
    await expectBadInput('query($u: String!) { user(username: $u) { username } }', { u: 42 });
    await expectBadInput('query($u: String!) { user(username: $u) { username } }', {});
    await expectBadInput('{ user { username } }', {});
    await expectBadInput('{ user(username: "alice") { password } }', {});
    await expectBadInput('mutation($input: SignupChallengeInput!) { signupChallenge(input: $input) { sealedState } }', { input: { ...validChallenge, extra: 1 } });
    await expectBadInput('{ user(username: "alice") { username }', {});
    for (const body of ['not json', '{"query": 5}', '[]', '{"query":"{ serverKeys { signingPublicKey } }","variables":"x"}']) expectCode(await postRaw(server.url, body), 'BAD_INPUT');
  });

  it('nothing was stored by any refused request', async () => {
    const directory = await server.app.services.eventStore.readAll({ after: 0n, maxCount: 10_000 });
    expect(new Set(directory.map((e) => e.streamName))).toEqual(new Set(['account-alice']));
  });
});
