/**
 * The same scenario through the SDK's PeerlockClient against the server
 * process, on PostgreSQL when DATABASE_URL is set and on the embedded
 * SQLite store always. Keys are random key pairs here (the CLI scenario
 * covers passphrase derivation), so no scrypt runs at all. Adds what a
 * library user relies on: a second device sharing the session (tokens
 * spent twice are retried transparently; pins come from the sealed set),
 * upload/download progress, and a notification stream that survives a
 * server restart and catches up without gaps or repeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ContactKeyError,
  PeerlockApiError,
  PeerlockClient,
  keyPairFromSecretKey,
  randomBytes,
  utf8ToBytes,
  bytesToUtf8,
  concatBytes,
  type KeyPair,
  type PeerlockNotification,
  type NotificationStream,
} from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TotpDevice } from './support/totp-codes.js';

const stores = process.env.DATABASE_URL ? (['postgres', 'sqlite'] as const) : (['sqlite'] as const);

if (!process.env.DATABASE_URL) {
  describe('SDK scenario against the server on postgres', () => {
    it.skip('needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test); the SQLite run covers the same steps', () => undefined);
  });
}

describe.each(stores)('SDK scenario against the server on %s', (store) => {
  let server: ServerProcess;
  const identities: Record<string, KeyPair> = {};
  const client = (name: string) => {
    identities[name] ??= keyPairFromSecretKey(randomBytes(32));
    return new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
  };
  let alice: PeerlockClient;
  let bob: PeerlockClient;
  let conversationId = '';
  const attachment = utf8ToBytes('sdk attachment\n'.repeat(90_000));

  beforeAll(async () => {
    server = await startServer(store);
    alice = client('alice');
    bob = client('bob');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('signs up, becomes contacts and verifies safety numbers; a second device shares tokens and pins', async () => {
    await alice.signup({ username: 'alice', passphrase: '', identity: identities.alice! });
    await bob.signup({ username: 'bob', passphrase: '', identity: identities.bob! });
    expect((await alice.requestContact('bob')).outgoing).toEqual(['bob']);
    expect((await bob.acceptContact('alice')).contacts).toEqual(['alice']);
    const a = await alice.safetyNumber('bob');
    const b = await bob.safetyNumber('alice');
    expect(a.digits).toBe(b.digits);
    expect(a.qrPayload).toBe(b.qrPayload);
    expect((await alice.markVerified('bob')).verified).toBe(true);
    expect((await bob.markVerified('alice')).verified).toBe(true);

    // The same tokens on two devices: whichever spends one second gets TOKEN_INVALID and retries with a fresh batch.
    const laptop = new PeerlockClient({ url: server.url });
    laptop.resume(alice.exportSession());
    const [onPhone, onLaptop] = await Promise.all([alice.contacts(), laptop.contacts()]);
    expect(onLaptop).toEqual(onPhone);
    expect(await laptop.pin('bob')).toEqual(expect.objectContaining({ verified: true }));
  });

  it('sends a message with a file (progress reported), bob verifies, downloads and acknowledges; alice verifies the receipt', async () => {
    const uploads: number[] = [];
    const uploaded = await alice.files.upload({ source: [attachment], size: attachment.length, name: 'report.txt', onProgress: (p) => uploads.push(p.chunksSent) });
    expect(uploads.at(-1)).toBe(uploaded.chunkCount);
    const ref = await alice.files.share(uploaded.fileId, uploaded.fileInfo, ['bob']);
    const sent = await alice.messaging.send(['bob'], { subject: 'Report', body: 'Attached.', files: [ref] });
    conversationId = sent.conversationId;

    const view = await bob.messaging.read(conversationId);
    expect(view.subject).toBe('Report');
    expect(view.messages).toEqual([expect.objectContaining({ sender: 'alice', body: 'Attached.', rejected: null, files: [ref] })]);
    // By id alone the file is unvouched (anyone can encrypt to bob): refused, naming who made it (T11).
    await expect(bob.files.stream(ref.fileId)).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'unvouched', senderID: alice.miniLockId, senderUsername: 'alice' });

    // Through the header the message carried: it must come from the sender, and pins every chunk.
    const message = view.messages[0]!;
    const viaMessage = await bob.files.openAttachment(message.files![0]!, message);
    const again: Uint8Array[] = [];
    for await (const piece of viaMessage.plaintext) again.push(piece.slice());
    expect(bytesToUtf8(concatBytes(...again))).toBe(bytesToUtf8(attachment));
    // A header made by alice is refused as anyone else's (the message's sender is what vouches for it).
    await expect(bob.files.openAttachment(ref, { ...message, sender: 'carol' })).rejects.toMatchObject({ code: 'ATTACHMENT_REJECTED', reason: 'sender-mismatch' });

    // The verified attachment is now in bob's file index: a download by id checks the served header against it.
    const downloads: number[] = [];
    const stream = await bob.files.stream(ref.fileId, (p) => downloads.push(p.bytesReceived));
    expect(stream.fileName).toBe('report.txt');
    const pieces: Uint8Array[] = [];
    for await (const piece of stream.plaintext) pieces.push(piece.slice());
    expect(bytesToUtf8(concatBytes(...pieces))).toBe(bytesToUtf8(attachment));
    expect(downloads.length).toBeGreaterThan(0);
    expect(await bob.messaging.markRead(view)).toBe(1);
    expect(await bob.messaging.markRead(await bob.messaging.read(conversationId))).toBe(0);

    const mine = await alice.messaging.read(conversationId);
    expect(mine.messages[0]!.receipts.map((r) => r.reader)).toEqual(['bob']);
  });

  it('keeps notifications flowing across a server restart, catching up from the last position without repeats', async () => {
    const seen: PeerlockNotification[] = [];
    let connections = 0;
    const stream: NotificationStream = alice.notifications({
      after: null,
      onConnected: () => void connections++,
      onNotification: (n) => void seen.push(n),
      onError: () => true,
    });
    await until(() => connections === 1);
    await bob.messaging.reply(conversationId, { body: 'first reply' });
    await until(() => seen.some((n) => n.kind === 'MESSAGE_RECEIVED'));

    await server.stop({ keepData: true });
    // Sent while alice's stream is down: it reaches her only by catch-up.
    const restarted = startServer(store, { reuse: { port: server.port, dataDir: server.dataDir, schema: server.schema } });
    server = await restarted;
    await bob.messaging.reply(conversationId, { body: 'second reply' });
    await until(() => seen.filter((n) => n.kind === 'MESSAGE_RECEIVED').length === 2);
    await stream.close();

    expect(connections).toBeGreaterThanOrEqual(2);
    const positions = seen.map((n) => BigInt(n.position));
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    const bodies = (await alice.messaging.read(conversationId)).messages.map((m) => [m.sender, m.body, m.rejected]);
    expect(bodies).toEqual([
      ['alice', 'Attached.', null],
      ['bob', 'first reply', null],
      ['bob', 'second reply', null],
    ]);
  });

  let device: TotpDevice;
  const backupCodes: string[] = [];

  it('two-factor: login needs a code, then works with one', async () => {
    const setup = await alice.setupTwoFactor();
    device = new TotpDevice(setup.secret);
    backupCodes.push(...(await alice.confirmTwoFactor(setup.sealedSetup, device.next()!)));
    const fresh = new PeerlockClient({ url: server.url });
    await expect(fresh.login({ username: 'alice', identity: identities.alice! })).rejects.toMatchObject({ code: 'TWO_FACTOR_REQUIRED' });
    await expect(fresh.login({ username: 'alice', identity: identities.alice! })).rejects.toBeInstanceOf(PeerlockApiError);
    await alice.login({ username: 'alice', identity: identities.alice!, totpCode: device.next()! });
    expect((await alice.account()).twoFactorEnabled).toBe(true);
  });

  it("key rotation: bob's client refuses to send until he accepts the new key (verified: a hard stop)", async () => {
    const next = keyPairFromSecretKey(randomBytes(32));
    await alice.rotateKeys({ identity: next, totpCode: device.next() ?? backupCodes.shift()!, loginTotpCode: backupCodes.shift()! });
    expect(await alice.pin('bob')).toEqual(expect.objectContaining({ verified: true }));

    const refused = bob.messaging.send(['alice'], { subject: 'hi', body: 'new key?' });
    await expect(refused).rejects.toBeInstanceOf(ContactKeyError);
    await expect(refused).rejects.toMatchObject({ code: 'CONTACT_KEY', reason: 'verified-key-changed' });
    await expect(bob.acceptKey('alice')).rejects.toMatchObject({ code: 'PIN_REJECTED', reason: 'verified-key-changed' });
    expect(await bob.acceptKey('alice', { verifiedNewKey: true })).toEqual(expect.objectContaining({ verified: true }));
    const sent = await bob.messaging.send(['alice'], { subject: 'hi', body: 'new key?' });
    const seenByAlice = await alice.messaging.read(sent.conversationId);
    expect(seenByAlice.messages).toEqual([expect.objectContaining({ sender: 'bob', body: 'new key?', rejected: null })]);
    // alice's messages from before the rotation still verify for bob, under the key his pin history kept.
    const history = await bob.messaging.read(conversationId);
    expect(history.messages.filter((m) => m.sender === 'alice').length).toBeGreaterThan(0);
    expect(history.messages.map((m) => m.rejected)).toEqual(history.messages.map(() => null));
  });
});

async function until(condition: () => boolean): Promise<void> {
  // Bounded by the test timeout, not by a clock assertion.
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
