/**
 * Device sessions (DESIGN §3; issue 16) over real HTTP and WebSocket, on
 * both stores: a login with `device` opens a session whose later batches
 * need no two-factor code (tokens stay single-use), proved by its secret;
 * sessions are listed (the current one marked) and revocable; ending one
 * ends its refreshes, its unspent tokens and its live subscriptions at once
 * (SESSION_ENDED), not the others'; a key change or the account's deletion
 * ends them all; a session ends with its lifetime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { base64ToBytes, bytesToBase64, deriveAuthKeyPair, encodeMiniLockId, keyPairFromSecretKey, openSessionSecret, openToken, randomBytes, type SealedBox } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { CHALLENGE_FIELDS, HonestClient, type WireChallenge } from '../support/honest-client.js';
import { timeStepAt, totpCodeAt } from '../../src/twofactor/totp.js';

interface WireBox {
  nonce: string;
  ciphertext: string;
}
interface WireBatch {
  tokens: WireBox[];
  serverKey: { publicKey: string; validFrom: string; validUntil: string; signature: string };
  session: { id: string; secret: WireBox; expiresAt: string } | null;
}
const BATCH = 'expiresAt tokens { nonce ciphertext } serverKey { publicKey validFrom validUntil signature } session { id expiresAt secret { nonce ciphertext } }';
const LOGIN = `mutation($u: String!, $c: String, $d: DeviceInput) { authChallenge(username: $u, totpCode: $c, device: $d) { ${BATCH} } }`;
const REFRESH = `mutation($u: String!, $s: String!, $x: String!) { refreshSession(username: $u, sessionId: $s, secret: $x) { ${BATCH} } }`;
const SESSIONS = '{ sessions { id label createdAt lastUsedAt expiresAt current } }';
const box = (w: WireBox): SealedBox => ({ nonce: base64ToBytes(w.nonce), ciphertext: base64ToBytes(w.ciphertext) });

describe.each(BACKENDS)('device sessions (%s)', (backend) => {
  let server: TestServer;
  let n = 0;
  const sockets: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_TOKEN_BATCH_SIZE: '4' });
  });
  afterAll(async () => {
    for (const s of sockets) await s.dispose();
    await server.close();
  });

  /** One device of a user: its session's id and secret, and its own tokens. */
  class Device {
    sessionId = '';
    secret: Uint8Array = new Uint8Array();
    tokens: Uint8Array[] = [];
    constructor(readonly user: HonestClient) {}
    async take(batch: WireBatch): Promise<void> {
      const server = await this.user.serverPublicKey(batch.serverKey);
      this.tokens.push(...batch.tokens.map((t) => openToken(box(t), server, this.user.auth.secretKey)));
      if (batch.session) {
        this.sessionId = batch.session.id;
        this.secret = openSessionSecret(box(batch.session.secret), server, this.user.auth.secretKey);
      }
    }
    async login(label: string, code: string | null = null, trusted = true): Promise<void> {
      await this.take(expectOk(await post<{ authChallenge: WireBatch }>(server.url, LOGIN, { u: this.user.username, c: code, d: { label, trusted } })).authChallenge);
    }
    refresh() {
      return post<{ refreshSession: WireBatch }>(server.url, REFRESH, { u: this.user.username, s: this.sessionId, x: bytesToBase64(this.secret) });
    }
    header(): string {
      const token = this.tokens.shift();
      if (!token) throw new Error('no token');
      return `Peerlock ${this.user.username} ${bytesToBase64(token)}`;
    }
    request<T>(query: string, variables: Record<string, unknown> = {}) {
      return post<T>(server.url, query, variables, { authorization: this.header() });
    }
    /** A live notification subscription on this device's connection: resolves with how it ended. */
    listen(): Promise<unknown> {
      const socket = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: this.header() }, retryAttempts: 0, lazy: true });
      sockets.push(socket);
      return new Promise((resolve) => {
        socket.subscribe({ query: 'subscription { notifications { kind position } }' }, { next: () => undefined, error: resolve, complete: () => resolve('complete') });
      });
    }
  }

  async function twoFactorUser(): Promise<{ user: HonestClient; secret: string }> {
    const user = new HonestClient(server.url, `ds${++n}`, server.clock);
    await user.signup();
    await user.login();
    const setup = expectOk(await user.request<{ setupTwoFactor: { secret: string; sealedSetup: string } }>('mutation { setupTwoFactor { secret sealedSetup } }')).setupTwoFactor;
    expectOk(await user.request('mutation($s: String!, $c: String!) { confirmTwoFactor(sealedSetup: $s, code: $c) { backupCodes } }', { s: setup.sealedSetup, c: totpCodeAt(setup.secret, timeStepAt(server.clock.now())) }));
    server.clock.advance(30_000);
    return { user, secret: setup.secret };
  }
  const code = (secret: string) => totpCodeAt(secret, timeStepAt(server.clock.now()));

  it('with two-factor on, one code opens the session; refills prove the session, need no code, and tokens stay single-use', async () => {
    const { user, secret } = await twoFactorUser();
    const laptop = new Device(user);
    expectCode(await post(server.url, LOGIN, { u: user.username, c: null, d: { label: 'laptop' } }), 'TWO_FACTOR_REQUIRED');
    await laptop.login('laptop', code(secret));
    expect(laptop.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (let i = 0; i < 25; i++) {
      if (laptop.tokens.length === 0) await laptop.take(expectOk(await laptop.refresh()).refreshSession);
      expect(expectOk(await laptop.request<{ me: { username: string } }>('{ me { username } }')).me.username).toBe(user.username);
    }
    const spent = laptop.header();
    expectOk(await post(server.url, '{ me { username } }', {}, { authorization: spent }));
    expectCode(await post(server.url, '{ me { username } }', {}, { authorization: spent }), 'TOKEN_INVALID');
    // Another secret, another user, a made-up id: SESSION_ENDED, nothing issued.
    const stolen = new Device(user);
    stolen.sessionId = laptop.sessionId;
    stolen.secret = new Uint8Array(randomBytes(32));
    stolen.secret[0] = 0x41;
    stolen.secret[1] = 0x53;
    expectCode(await stolen.refresh(), 'SESSION_ENDED');
    expectCode(await post(server.url, REFRESH, { u: 'someone', s: laptop.sessionId, x: bytesToBase64(laptop.secret) }), 'SESSION_ENDED');
    expectCode(await post(server.url, REFRESH, { u: user.username, s: 'x', x: bytesToBase64(laptop.secret) }), 'BAD_INPUT');
  });

  it('sessions are listed with the current one marked; revoking one ends its refreshes, its tokens and its live subscription at once, and only its own', async () => {
    const { user, secret } = await twoFactorUser();
    const laptop = new Device(user);
    const phone = new Device(user);
    await laptop.login('laptop\u0007 (CLI)', code(secret));
    server.clock.advance(30_000);
    await phone.login('phone', code(secret), false);
    const listed = expectOk(await laptop.request<{ sessions: { id: string; label: string; current: boolean; expiresAt: string; createdAt: string }[] }>(SESSIONS)).sessions;
    expect(listed.map((s) => [s.id, s.label, s.current])).toEqual([
      [phone.sessionId, 'phone', false],
      [laptop.sessionId, 'laptop  (CLI)', true],
    ]);
    const day = 86_400_000;
    expect(Date.parse(listed[1]!.expiresAt) - Date.parse(listed[1]!.createdAt)).toBe(30 * day);
    expect(Date.parse(listed[0]!.expiresAt) - Date.parse(listed[0]!.createdAt)).toBe(12 * 3_600_000);

    const phoneLive = phone.listen();
    const laptopLive = laptop.listen();
    await new Promise((r) => setTimeout(r, 200));
    expect(expectOk(await laptop.request<{ revokeSession: boolean }>('mutation($id: String!) { revokeSession(id: $id) }', { id: phone.sessionId })).revokeSession).toBe(true);
    const ended = (await phoneLive) as { extensions?: { code?: string } }[];
    expect(ended[0]?.extensions?.code).toBe('SESSION_ENDED');
    expectCode(await phone.request('{ me { username } }'), 'TOKEN_INVALID');
    expectCode(await phone.refresh(), 'SESSION_ENDED');
    expect(expectOk(await laptop.request<{ revokeSession: boolean }>('mutation($id: String!) { revokeSession(id: $id) }', { id: phone.sessionId })).revokeSession).toBe(false);
    // The laptop goes on: its subscription is still open, its refresh works.
    await laptop.take(expectOk(await laptop.refresh()).refreshSession);
    expect(expectOk(await laptop.request<{ sessions: { id: string }[] }>(SESSIONS)).sessions.map((s) => s.id)).toEqual([laptop.sessionId]);
    // Logging out ends the session this request came through.
    expect(expectOk(await laptop.request<{ logout: boolean }>('mutation { logout }')).logout).toBe(true);
    expect(((await laptopLive) as { extensions?: { code?: string } }[])[0]?.extensions?.code).toBe('SESSION_ENDED');
    expectCode(await laptop.refresh(), 'SESSION_ENDED');
  });

  it("a revoked session's connection runs nothing more: its next query is refused SESSION_ENDED, then the socket closes", async () => {
    const { user, secret } = await twoFactorUser();
    const laptop = new Device(user);
    const phone = new Device(user);
    await laptop.login('laptop', code(secret));
    server.clock.advance(30_000);
    await phone.login('phone', code(secret), false);
    const socket = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: phone.header() }, retryAttempts: 0, lazy: true, lazyCloseTimeout: 60_000 });
    sockets.push(socket);
    const run = () =>
      new Promise<unknown>((resolve) => {
        let last: unknown;
        socket.subscribe({ query: '{ me { username } }' }, { next: (r) => void (last = r), error: (e) => resolve(e), complete: () => resolve(last) });
      });
    expect(await run()).toEqual({ data: { me: { username: user.username } } });
    expect(expectOk(await laptop.request<{ revokeSession: boolean }>('mutation($id: String!) { revokeSession(id: $id) }', { id: phone.sessionId })).revokeSession).toBe(true);
    // The end reaches the connection through the log (any node may have ended it): until then the query still runs.
    let outcome = await run();
    for (let i = 0; i < 100 && (outcome as { data?: unknown }).data !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      outcome = await run();
    }
    expect(outcome).toEqual([expect.objectContaining({ extensions: { code: 'SESSION_ENDED' } })]);
    const closed = await new Promise<number>((resolve) => socket.on('closed', (event) => resolve((event as { code: number }).code)));
    expect(closed).toBe(4401);
  });

  it('a device label must be printable text of 1 to 80 characters, and a session id its own shape: BAD_INPUT, nothing opened or ended', async () => {
    const user = new HonestClient(server.url, `ds${++n}`, server.clock);
    await user.signup();
    for (const label of ['', '   ', 'x'.repeat(81)]) expectCode(await post(server.url, LOGIN, { u: user.username, c: null, d: { label } }), 'BAD_INPUT');
    const desk = new Device(user);
    await desk.login('desk');
    expectCode(await desk.request('mutation($id: String!) { revokeSession(id: $id) }', { id: 'not-a-session' }), 'BAD_INPUT');
    expect(expectOk(await desk.request<{ sessions: { id: string }[] }>(SESSIONS)).sessions.map((s) => s.id)).toEqual([desk.sessionId]);
  });

  it("another user's session cannot be revoked or listed", async () => {
    const { user: a, secret: sa } = await twoFactorUser();
    const { user: b, secret: sb } = await twoFactorUser();
    const da = new Device(a);
    const db = new Device(b);
    await da.login('a', code(sa));
    await db.login('b', code(sb));
    expect(expectOk(await da.request<{ revokeSession: boolean }>('mutation($id: String!) { revokeSession(id: $id) }', { id: db.sessionId })).revokeSession).toBe(false);
    expect(expectOk(await da.request<{ sessions: { id: string }[] }>(SESSIONS)).sessions.map((s) => s.id)).toEqual([da.sessionId]);
    await db.take(expectOk(await db.refresh()).refreshSession);
  });

  it('a session ends with its lifetime; a key change, and the account\'s deletion, end every session and live subscription of the user', async () => {
    const user = new HonestClient(server.url, `ds${++n}`, server.clock);
    await user.signup();
    const brief = new Device(user);
    await brief.login('brief', null, false);
    server.clock.advance(12 * 3_600_000);
    expectCode(await brief.refresh(), 'SESSION_ENDED');

    const desk = new Device(user);
    await desk.login('desk');
    const live = desk.listen();
    await new Promise((r) => setTimeout(r, 200));
    const next = keyPairFromSecretKey(randomBytes(32));
    const nextAuth = deriveAuthKeyPair(next.secretKey);
    const challenge = expectOk(
      await post<{ keyRotationChallenge: WireChallenge }>(server.url, `mutation($input: KeyRotationChallengeInput!) { keyRotationChallenge(input: $input) { ${CHALLENGE_FIELDS} } }`, {
        input: { username: user.username, miniLockId: encodeMiniLockId(next.publicKey), authPublicKey: bytesToBase64(nextAuth.publicKey) },
      }),
    ).keyRotationChallenge;
    const answers = await user.answer(challenge, next, nextAuth);
    expectOk(await desk.request('mutation($input: RotateKeysInput!) { rotateKeys(input: $input) { miniLockId } }', { input: answers }));
    expect(((await live) as { extensions?: { code?: string } }[])[0]?.extensions?.code).toBe('SESSION_ENDED');
    expectCode(await desk.refresh(), 'SESSION_ENDED');

    const other = new HonestClient(server.url, `ds${++n}`, server.clock);
    await other.signup();
    const tablet = new Device(other);
    await tablet.login('tablet');
    const watching = tablet.listen();
    await new Promise((r) => setTimeout(r, 200));
    expectOk(await tablet.request('mutation { deleteAccount }'));
    expect(((await watching) as { extensions?: { code?: string } }[])[0]?.extensions?.code).toBe('SESSION_ENDED');
    expectCode(await tablet.refresh(), 'SESSION_ENDED');
  });
});
