/**
 * Login and single-use tokens over real HTTP (DESIGN.md §3, threats T3 and
 * T8): the honest client logs in with the SDK; attackers replay, steal,
 * forge, expire and race tokens. Each refusal asserts the exact code, and
 * that the operation did not run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToBytes, boxOpen, bytesToBase64, DecryptionError, randomBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { HonestClient, ME } from '../support/honest-client.js';

const UPDATE_NAME = 'mutation($n: String) { updateProfile(input: { displayName: $n }) { displayName } }';

describe.each(BACKENDS)('login and tokens (%s)', (backend) => {
  let server: TestServer;
  let alice: HonestClient;
  let bob: HonestClient;

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_TOKEN_BATCH_SIZE: '16' });
    alice = new HonestClient(server.url, 'alice', server.clock);
    bob = new HonestClient(server.url, 'bob', server.clock);
    await alice.signup({ displayName: 'Alice' });
    await bob.signup();
  });
  afterAll(() => server.close());

  const meAs = (authorization: string) => post<{ me: { username: string } }>(server.url, ME, {}, { authorization });

  it('login returns a batch of tokens boxed to the auth key; each authenticates one request', async () => {
    await alice.login();
    expect(alice.tokens).toHaveLength(16);
    const res = expectOk(await alice.request<{ me: { username: string; displayName: string } }>(ME));
    expect(res.me).toMatchObject({ username: 'alice', displayName: 'Alice' });
  });

  it('T8: token boxes open with the auth key only, never with the identity key', async () => {
    const batch = expectOk(await alice.requestTokens()).authChallenge;
    const server25519 = base64ToBytes(batch.serverKey.publicKey);
    const t = batch.tokens[0]!;
    expect(() => boxOpen(base64ToBytes(t.ciphertext), base64ToBytes(t.nonce), server25519, alice.identity.secretKey)).toThrow(DecryptionError);
    expect(boxOpen(base64ToBytes(t.ciphertext), base64ToBytes(t.nonce), server25519, alice.auth.secretKey).slice(0, 2)).toEqual(new Uint8Array([0x41, 0x54]));
  });

  it('unknown user → NOT_FOUND', async () => {
    expectCode(await new HonestClient(server.url, 'ghost', server.clock).requestTokens(), 'NOT_FOUND');
  });

  it('replayed token → TOKEN_INVALID, and the operation does not run', async () => {
    await alice.login();
    const header = alice.takeHeader();
    expectOk(await post(server.url, UPDATE_NAME, { n: 'First' }, { authorization: header }));
    expectCode(await post(server.url, UPDATE_NAME, { n: 'Replayed' }, { authorization: header }), 'TOKEN_INVALID');
    expect(expectOk(await alice.request<{ me: { displayName: string } }>(ME)).me.displayName).toBe('First');
  });

  it("another user's token → TOKEN_INVALID, and the token stays its owner's", async () => {
    await bob.login();
    const bobToken = bob.takeHeader().split(' ')[2]!;
    expectCode(await meAs(`Peerlock alice ${bobToken}`), 'TOKEN_INVALID');
    expect(expectOk(await meAs(`Peerlock bob ${bobToken}`)).me.username).toBe('bob');
  });

  it('expired token → TOKEN_INVALID', async () => {
    await alice.login();
    const header = alice.takeHeader();
    server.clock.advance(600_001);
    expectCode(await meAs(header), 'TOKEN_INVALID');
    alice.tokens = [];
  });

  it('malformed or forged Authorization headers → TOKEN_INVALID', async () => {
    const forged = new Uint8Array(32);
    forged.set([0x41, 0x54]);
    const headers = [
      'Peerlock alice',
      'Bearer abc',
      `peerlock alice ${bytesToBase64(forged)}`,
      `Peerlock alice ${bytesToBase64(forged)}`,
      `Peerlock alice ${bytesToBase64(randomBytes(32))}`,
      `Peerlock alice ${bytesToBase64(randomBytes(31))}`,
      `Peerlock alice ${bytesToBase64(randomBytes(33))}`,
      `Peerlock al!ce ${bytesToBase64(forged)}`,
      `Peerlock ${'a'.repeat(17)} ${bytesToBase64(forged)}`,
      `Peerlock alice ${bytesToBase64(forged)} extra`,
      `Peerlock  alice ${bytesToBase64(forged)}`,
      `Peerlock alice ${bytesToBase64(forged).replace(/=$/, '')}`,
      'x'.repeat(4000),
    ];
    for (const h of headers) expectCode(await meAs(h), 'TOKEN_INVALID');
  });

  it('a public query with a bad token is refused as a whole (no partial answer)', async () => {
    const res = await post(server.url, '{ serverKeys { signingPublicKey } }', {}, { authorization: `Peerlock alice ${bytesToBase64(randomBytes(32))}` });
    expectCode(res, 'TOKEN_INVALID');
    expect(res.data ?? null).toBeNull();
  });

  it('no token on a private field → UNAUTHENTICATED', async () => {
    expectCode(await post(server.url, ME), 'UNAUTHENTICATED');
    expectCode(await post(server.url, UPDATE_NAME, { n: 'x' }), 'UNAUTHENTICATED');
  });

  it('two (and twenty) concurrent requests with one token: exactly one runs', async () => {
    await alice.login();
    for (const n of [2, 20]) {
      const header = alice.takeHeader();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => post<{ updateProfile: { displayName: string } }>(server.url, UPDATE_NAME, { n: `race-${n}-${i}` }, { authorization: header })));
      const ran = results.filter((r) => r.errors === undefined);
      expect(ran).toHaveLength(1);
      for (const r of results.filter((r) => r.errors !== undefined)) expectCode(r, 'TOKEN_INVALID');
      expect(expectOk(await alice.request<{ me: { displayName: string } }>(ME)).me.displayName).toBe(ran[0]!.data!.updateProfile.displayName);
    }
  });

  it('outstanding tokens are capped per user: the oldest are evicted', async () => {
    const capped = await startTestServer(backend, { PEERLOCK_TOKEN_BATCH_SIZE: '16', PEERLOCK_MAX_OUTSTANDING_TOKENS: '32' });
    try {
      const carol = new HonestClient(capped.url, 'carol', capped.clock);
      await carol.signup();
      await carol.login();
      const firstBatch = Array.from({ length: 16 }, () => carol.takeHeader());
      capped.clock.advance(1000);
      await carol.login();
      capped.clock.advance(1000);
      await carol.login();
      expect(await capped.app.services.authStore.countTokens('carol', capped.clock.now())).toBe(32);
      for (const header of firstBatch) expectCode(await post(capped.url, ME, {}, { authorization: header }), 'TOKEN_INVALID');
      expectOk(await carol.request(ME));
    } finally {
      await capped.close();
    }
  });
});
