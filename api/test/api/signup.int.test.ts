/**
 * Signup over real HTTP (DESIGN.md §3): the honest path with the SDK, then
 * the attacks on the stateless challenge, each asserting the exact code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, deriveKeyPair, deriveAuthKeyPair, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { HonestClient, SIGNUP, type WireChallenge } from '../support/honest-client.js';

const USER = '{ user(username: $u) { username miniLockId authPublicKey displayName deleted keyHistory { miniLockId validUntil } } }';
const userQuery = `query($u: String!) ${USER}`;

describe.each(BACKENDS)('signup (%s)', (backend) => {
  let server: TestServer;
  let n = 0;
  const client = (name = `signup${++n}`) => new HonestClient(server.url, name, server.clock);

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  it('an honest client signs up with a passphrase-derived key and appears in the directory', async () => {
    // One real scrypt derivation (0.6 s); every other test identity is random.
    const identity = await deriveKeyPair('correct horse battery staple lamp orbit', 'alice');
    const alice = new HonestClient(server.url, 'alice', server.clock, identity);
    await alice.signup({ displayName: 'Alice A.', email: 'alice@example.org' });
    expect(alice.recoveryCode).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{1,5}){5}$/);
    const res = expectOk(await post<{ user: Record<string, unknown> }>(server.url, userQuery, { u: 'ALICE' }));
    expect(res.user).toEqual({
      username: 'alice',
      miniLockId: alice.miniLockId,
      authPublicKey: bytesToBase64(deriveAuthKeyPair(identity.secretKey).publicKey),
      displayName: 'Alice A.',
      deleted: false,
      keyHistory: [{ miniLockId: alice.miniLockId, validUntil: null }],
    });
  });

  it('Peerio-style names: one character, digits first, any case; unique without regard to case', async () => {
    for (const name of ['Z', '9lives', 'Mixed_Case_16chr']) {
      const c = new HonestClient(server.url, name, server.clock);
      await c.signup();
      const res = expectOk(await post<{ user: { username: string } }>(server.url, userQuery, { u: name.toUpperCase() }));
      expect(res.user.username).toBe(name.toLowerCase());
      const twin = new HonestClient(server.url, name.toLowerCase(), server.clock);
      expectCode(await twin.signupChallenge(), 'USERNAME_TAKEN');
    }
  });

  it('an unknown user is null, not an error, and there is no way to list users', async () => {
    expect(expectOk(await post<{ user: unknown }>(server.url, userQuery, { u: 'nobody' })).user).toBeNull();
    expectCode(await post(server.url, '{ users { username } }'), 'BAD_INPUT');
  });

  it('wrong identity answer → CHALLENGE_INVALID, and nothing is stored', async () => {
    const c = client();
    const challenge = expectOk(await c.signupChallenge()).signupChallenge;
    const answers = await c.answer(challenge);
    const wrong = { ...answers, identityAnswer: bytesToBase64(new Uint8Array(32).fill(0x41)) };
    expectCode(await post(server.url, SIGNUP, { input: wrong }), 'CHALLENGE_INVALID');
    expect(expectOk(await post<{ user: unknown }>(server.url, userQuery, { u: c.username })).user).toBeNull();
  });

  it('answers swapped between the two boxes → CHALLENGE_INVALID', async () => {
    const c = client();
    const a = await c.answer(expectOk(await c.signupChallenge()).signupChallenge);
    expectCode(await post(server.url, SIGNUP, { input: { ...a, identityAnswer: a.authAnswer, authAnswer: a.identityAnswer } }), 'CHALLENGE_INVALID');
  });

  it('a challenge for someone else\'s key cannot be answered: claiming a key you do not hold fails', async () => {
    const victim = keyPairFromSecretKey(randomBytes(32));
    const c = client();
    const challenge = expectOk(
      await post<{ signupChallenge: WireChallenge }>(server.url, `mutation($input: SignupChallengeInput!) { signupChallenge(input: $input) { sealedState } }`, {
        input: { username: c.username, miniLockId: new HonestClient(server.url, 'x', server.clock, victim).miniLockId, authPublicKey: bytesToBase64(c.auth.publicKey) },
      }),
    ).signupChallenge;
    // Without the victim's secret key, the best an attacker can send is a guess.
    const guess = { sealedState: challenge.sealedState, identityAnswer: bytesToBase64(randomBytes(32)), authAnswer: bytesToBase64(randomBytes(32)) };
    expectCode(await post(server.url, SIGNUP, { input: guess }), 'CHALLENGE_INVALID');
  });

  it('expired sealed state (61 s later) → CHALLENGE_INVALID', async () => {
    const c = client();
    const answers = await c.answer(expectOk(await c.signupChallenge()).signupChallenge);
    server.clock.advance(61_000);
    expectCode(await post(server.url, SIGNUP, { input: answers }), 'CHALLENGE_INVALID');
  });

  it('tampered sealed state (payload or tag changed) → CHALLENGE_INVALID', async () => {
    const c = client();
    const answers = await c.answer(expectOk(await c.signupChallenge()).signupChallenge);
    const [v, body, tag] = answers.sealedState.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const longer = Buffer.from(JSON.stringify({ ...payload, exp: (payload.exp as number) + 3_600_000 })).toString('base64url');
    expectCode(await post(server.url, SIGNUP, { input: { ...answers, sealedState: `${v}.${longer}.${tag}` } }), 'CHALLENGE_INVALID');
    const otherUser = Buffer.from(JSON.stringify({ ...payload, subject: { ...(payload.subject as object), username: 'mallory' } })).toString('base64url');
    expectCode(await post(server.url, SIGNUP, { input: { ...answers, sealedState: `${v}.${otherUser}.${tag}` } }), 'CHALLENGE_INVALID');
    const flipped = tag.slice(0, -2) + (tag.at(-2) === 'A' ? 'B' : 'A') + tag.at(-1);
    expectCode(await post(server.url, SIGNUP, { input: { ...answers, sealedState: `${v}.${body}.${flipped}` } }), 'CHALLENGE_INVALID');
  });

  it('replayed sealed state after a successful signup → USERNAME_TAKEN, the account unchanged', async () => {
    const c = client();
    const answers = await c.answer(expectOk(await c.signupChallenge()).signupChallenge);
    expectOk(await post(server.url, SIGNUP, { input: answers }));
    expectCode(await post(server.url, SIGNUP, { input: answers }), 'USERNAME_TAKEN');
  });

  it('a taken name is refused at the challenge already, whatever its case', async () => {
    const c = client('Taken_Name');
    await c.signup();
    expectCode(await new HonestClient(server.url, 'taken_NAME', server.clock).signupChallenge(), 'USERNAME_TAKEN');
  });

  it('username race: two signups for one name at once (different case, different keys) → exactly one wins', async () => {
    const a = new HonestClient(server.url, 'racer', server.clock);
    const b = new HonestClient(server.url, 'RACER', server.clock);
    // Both get a challenge while the name is free, then both finish at the same moment.
    const [ca, cb] = await Promise.all([a.signupChallenge(), b.signupChallenge()]);
    const [aa, ab] = await Promise.all([a.answer(expectOk(ca).signupChallenge), b.answer(expectOk(cb).signupChallenge)]);
    const results = await Promise.all([post(server.url, SIGNUP, { input: aa }), post(server.url, SIGNUP, { input: ab })]);
    const winners = results.filter((r) => r.errors === undefined);
    const losers = results.filter((r) => r.errors !== undefined);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expectCode(losers[0]!, 'USERNAME_TAKEN');
  });

  it('many concurrent signups for one name: exactly one wins', async () => {
    const clients = Array.from({ length: 8 }, () => new HonestClient(server.url, 'crowd', server.clock));
    const answers = await Promise.all(clients.map(async (c) => c.answer(expectOk(await c.signupChallenge()).signupChallenge)));
    const results = await Promise.all(answers.map((input) => post(server.url, SIGNUP, { input })));
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors !== undefined)) expectCode(r, 'USERNAME_TAKEN');
  });
});
