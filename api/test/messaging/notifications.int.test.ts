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

  it('tells each user only their own contact, message and receipt events; a sender hears its own message on its other connections', async () => {
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
    await forAlice.until(4);
    expect(forBob.received.map(({ kind, from, conversationId, messageId }) => ({ kind, from, conversationId, messageId }))).toEqual([
      { kind: 'CONTACT_REQUEST', from: 'alice', conversationId: null, messageId: null },
      { kind: 'MESSAGE_RECEIVED', from: 'alice', conversationId: sent.conversationId, messageId: sent.messageId },
    ]);
    expect(forAlice.received.map(({ kind, from, messageId }) => ({ kind, from, messageId }))).toEqual([
      { kind: 'CONTACT_ACCEPTED', from: 'bob', messageId: null },
      // Sent over HTTP, not over this connection: her other devices (this stream) are told.
      { kind: 'MESSAGE_RECEIVED', from: 'alice', messageId: sent.messageId },
      { kind: 'RECEIPT_RECEIVED', from: 'bob', messageId: sent.messageId },
      { kind: 'CONTACT_REMOVED', from: 'bob', messageId: null },
    ]);
    // Positions are the log's: strictly increasing per subscriber.
    const positions = forAlice.received.map((n) => BigInt(n.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    // Only what the subscriber selected (this raw client selects no envelope).
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

describe('behind a trusted proxy, WebSocket rate limits count per forwarded address, as HTTP does (sqlite)', () => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  const head = async () => await server.app.services.eventStore.headPosition();
  const codeOf = (errors: unknown[]) => ((errors[0] as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions ?? {});

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      PEERLOCK_TRUST_PROXY: 'true',
      PEERLOCK_RATE_LIMIT_REPLAY_PER_ADDRESS: '1',
      PEERLOCK_RATE_LIMIT_REPLAY_PER_USERNAME: '100',
    });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    for (const c of [alice, bob]) await c?.closeSockets();
    await server?.close();
  });

  it('two clients behind the proxy each have their own replay budget; one client past its own is refused', async () => {
    // All sockets come from 127.0.0.1 (the "proxy"); only X-Forwarded-For tells the clients apart.
    const replay = async (forwardedFor: string) => collect(await bob.socket(undefined, { 'x-forwarded-for': `203.0.113.9, ${forwardedFor}` }), String((await head()) - 1n));
    const first = await replay('198.51.100.1');
    const again = await replay('198.51.100.1');
    const other = await replay('198.51.100.2');
    await alice.send(['alice', 'bob'], 'ping');
    await Promise.all([first.until(1), again.until(1), other.until(1)]);
    expect(first.errors).toEqual([]);
    expect(codeOf(again.errors)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(other.errors).toEqual([]);
    for (const c of [first, again, other]) c.dispose();
  });
});

describe('notification replays are bounded and rate-limited (sqlite)', () => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  const head = async () => await server.app.services.eventStore.headPosition();
  const codeOf = (errors: unknown[]) => ((errors[0] as { extensions?: { code?: string; field?: string } }[] | undefined)?.[0]?.extensions ?? {});

  beforeAll(async () => {
    server = await startTestServer('sqlite', { PEERLOCK_NOTIFICATION_REPLAY_EVENTS: '100', PEERLOCK_RATE_LIMIT_REPLAY_PER_USERNAME: '2' });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
    // Push the log past the replay window with real events: requests and their cancellations.
    while ((await head()) < 130n) {
      expectOk(await alice.contact('requestContact', 'bob'));
      expectOk(await alice.contact('cancelContactRequest', 'bob'));
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    for (const c of [alice, bob]) await c?.closeSockets();
    await server?.close();
  });

  it('refuses a replay from further back than the window with BAD_INPUT on `after`, and serves one inside it', async () => {
    const tooOld = collect(await bob.socket(), '1');
    await tooOld.until(1);
    expect(codeOf(tooOld.errors)).toMatchObject({ code: 'BAD_INPUT', field: 'after' });
    const inside = collect(await bob.socket(), String((await head()) - 50n));
    const m = await alice.send(['alice', 'bob'], 'inside the window');
    for (let i = 0; i < 100 && !inside.received.some((n) => n.messageId === m.messageId); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inside.errors).toEqual([]);
    expect(inside.received.map((n) => n.messageId)).toContain(m.messageId);
    inside.dispose();
  });

  it('counts replays per user (a live subscription is free) and answers RATE_LIMITED beyond the limit', async () => {
    const live = collect(await alice.socket(), null);
    const replays = [];
    // bob already spent one replay above: the limit is 2 per window.
    for (let i = 0; i < 2; i++) {
      const r = collect(await bob.socket(), String((await head()) - 10n));
      replays.push(r);
    }
    const [second, third] = replays;
    await alice.send(['alice', 'bob'], 'ping');
    await second!.until(1);
    await third!.until(1);
    expect(second!.errors).toEqual([]);
    expect(codeOf(third!.errors)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(live.errors).toEqual([]);
    live.dispose();
  });

  it('the SDK stream answers a refused replay by going live and asking its owner to resync', async () => {
    const { openNotificationStream } = await import('@peerlock/sdk');
    const WebSocket = (await import('ws')).default;
    const carol = new MessagingClient(server.url, 'carol', server.clock);
    await carol.signup();
    await carol.login();
    expectOk(await alice.contact('requestContact', 'carol'));
    expectOk(await carol.contact('acceptContact', 'alice'));
    let resyncs = 0;
    const seen: string[] = [];
    const stream = openNotificationStream({
      url: server.url,
      webSocketImpl: WebSocket,
      authorization: async () => {
        if (carol.tokens.length < 2) await carol.login();
        return carol.takeHeader();
      },
      after: '1',
      onResync: () => void resyncs++,
      onNotification: (n) => void (n.messageId && seen.push(n.messageId)),
      onError: () => true,
    });
    try {
      let sent: string | undefined;
      for (let i = 0; i < 100 && !(sent && seen.includes(sent)); i++) {
        if (resyncs > 0 && !sent) sent = (await alice.send(['alice', 'carol'], 'after the resync')).messageId;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(resyncs).toBe(1);
      expect(seen).toContain(sent);
      expect(stream.lastPosition()).not.toBeNull();
    } finally {
      await stream.close();
    }
  });
});
