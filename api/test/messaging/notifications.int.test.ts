/**
 * Notifications over graphql-ws (DESIGN §4, §7): each user hears only their
 * own events, as ids and kinds (never ciphertext), fed from the event log
 * after commit; resubscribing with the last position seen replays what was
 * missed, in order, without duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, deriveAuthKeyPair, encodeMiniLockId, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk, post } from '../support/graphql-client.js';
import { CHALLENGE_FIELDS, type WireChallenge } from '../support/honest-client.js';
import { MessagingClient, collect } from '../support/messaging-client.js';

describe.each(BACKENDS)('notifications (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;

  const headPosition = async () => String(await server.app.services.eventStore.headPosition());

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    for (const c of [alice, bob, carol]) {
      await c.signup();
      await c.login();
    }
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.closeSockets();
    await server?.close();
  });

  it('tells each user only their own contact, message and receipt events, without content', async () => {
    // From the current head: a subscription without a position starts whenever the server gets to it.
    const head = await headPosition();
    const forBob = collect(await bob.socket(), head);
    const forAlice = collect(await alice.socket(), head);
    const forCarol = collect(await carol.socket(), head);

    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
    const sent = await alice.send(['alice', 'bob'], 'ping');
    expectOk(await bob.postReceipt(sent.conversationId, sent.messageId, await bob.receipt(sent)));
    expectOk(await bob.contact('removeContact', 'alice'));

    await forBob.until(2);
    await forAlice.until(3);
    expect(forBob.received.map(({ kind, from, conversationId, messageId }) => ({ kind, from, conversationId, messageId }))).toEqual([
      { kind: 'CONTACT_REQUEST', from: 'alice', conversationId: null, messageId: null },
      { kind: 'MESSAGE_RECEIVED', from: 'alice', conversationId: sent.conversationId, messageId: sent.messageId },
    ]);
    expect(forAlice.received.map(({ kind, from, messageId }) => ({ kind, from, messageId }))).toEqual([
      { kind: 'CONTACT_ACCEPTED', from: 'bob', messageId: null },
      { kind: 'RECEIPT_RECEIVED', from: 'bob', messageId: sent.messageId },
      { kind: 'CONTACT_REMOVED', from: 'bob', messageId: null },
    ]);
    // Positions are the log's: strictly increasing per subscriber.
    const positions = forAlice.received.map((n) => BigInt(n.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    // Nothing but ids, kinds and positions ever goes out.
    expect(Object.keys(forBob.received[1]!).sort()).toEqual(['conversationId', 'from', 'kind', 'messageId', 'position']);
    expect(forCarol.received).toEqual([]);
    for (const s of [forAlice, forBob, forCarol]) s.dispose();
  });

  it('replays what was missed when a client resubscribes with its last position', async () => {
    expectOk(await carol.contact('requestContact', 'alice'));
    expectOk(await alice.contact('acceptContact', 'carol'));
    const first = collect(await carol.socket(), await headPosition());
    const m1 = await alice.send(['alice', 'carol'], 'one');
    await first.until(1);
    const lastSeen = first.received[0]!.position;
    first.dispose();
    await carol.closeSockets();

    const m2 = await alice.send(['alice', 'carol'], 'two', m1.conversationId);
    const m3 = await alice.send(['alice', 'carol'], 'three', m1.conversationId);
    const resumed = collect(await carol.socket(), lastSeen);
    await resumed.until(2);
    const m4 = await alice.send(['alice', 'carol'], 'four', m1.conversationId);
    await resumed.until(3);
    expect(resumed.received.map((n) => n.messageId)).toEqual([m2.messageId, m3.messageId, m4.messageId]);
    expect(resumed.errors).toEqual([]);
    resumed.dispose();
  });

  it('tells contacts when a user’s key changes', async () => {
    const forCarol = collect(await carol.socket(), await headPosition());
    const next = keyPairFromSecretKey(randomBytes(32));
    const nextAuth = deriveAuthKeyPair(next.secretKey);
    const challenge = expectOk(
      await post<{ keyRotationChallenge: WireChallenge }>(server.url, `mutation($input: KeyRotationChallengeInput!) { keyRotationChallenge(input: $input) { ${CHALLENGE_FIELDS} } }`, {
        input: { username: 'alice', miniLockId: encodeMiniLockId(next.publicKey), authPublicKey: bytesToBase64(nextAuth.publicKey) },
      }),
    ).keyRotationChallenge;
    const answers = await alice.answer(challenge, next, nextAuth);
    expectOk(await alice.request('mutation($input: RotateKeysInput!) { rotateKeys(input: $input) { miniLockId } }', { input: answers }));
    await forCarol.until(1);
    expect(forCarol.received[0]).toMatchObject({ kind: 'CONTACT_KEY_CHANGED', from: 'alice' });
    forCarol.dispose();
  });
});
