/**
 * Threat T1 (DESIGN.md §1): nothing the server keeps — the event log, read
 * models, auth tables, ciphertext store, blob store, in SQLite files, WAL
 * files, PostgreSQL tables or plain files — contains a message's subject or
 * body, a file's content or a file's name. The test plays a curious server
 * operator with full access to storage and searches it byte for byte.
 *
 * Issue 20: once a message expired (and the sweep ran) or its sender deleted
 * it, not even its ciphertext is left: not in the ciphertext store's file,
 * nor its WAL, nor any PostgreSQL table.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, composeMessage, randomBytes, uploadFile, utf8ToBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { endpointOf, pieces } from '../files/file-client.js';
import { filesUnder, postgresDump, storedBytes } from '../support/storage-scan.js';

const marker = (what: string) => `T1-${what}-${Buffer.from(randomBytes(9)).toString('hex')}`;

/** Every way the secret could sit in storage: raw UTF-8, UTF-16, or base64 at any of the three alignments. */
function needles(secret: string): Buffer[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = [0, 1, 2].map((shift) => Buffer.from(Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').slice(4, -4), 'latin1'));
  return [bytes, Buffer.from(secret, 'utf16le'), ...base64];
}

/**
 * Slices of a ciphertext (48 bytes from its start, a third, two thirds and
 * its end), each in every form it could sit in storage: raw, base64 at the
 * three alignments, and hex (how the PostgreSQL dump prints bytea).
 */
function ciphertextNeedles(ciphertext: Uint8Array): Buffer[][] {
  const bytes = Buffer.from(ciphertext);
  const offsets = [0, Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3), bytes.length - 48];
  return offsets.map((at) => {
    const slice = bytes.subarray(at, at + 48);
    const base64 = [0, 1, 2].map((shift) => Buffer.from(Buffer.concat([Buffer.alloc(shift), slice]).toString('base64').slice(4, -4), 'latin1'));
    return [slice, ...base64, Buffer.from(slice.toString('hex'), 'latin1')];
  });
}

describe.each(BACKENDS)('T1: no plaintext at rest (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  /** The ciphertexts of a message that stays, one that expired, and one its sender deleted. */
  const ciphertexts: { kept?: Uint8Array; expired?: Uint8Array; deleted?: Uint8Array } = {};
  const subject = marker('subject');
  const body = marker('body');
  const fileName = `${marker('name')}.txt`;
  const fileText = marker('content');

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));

    const content = utf8ToBytes(fileText.repeat(1000));
    const uploaded = await uploadFile(endpointOf(alice), {
      source: pieces(content),
      size: content.length,
      fileName,
      senderSecretKey: alice.identity.secretKey,
      recipients: [alice.miniLockId],
    });
    const composed = composeMessage({
      sender: { username: 'alice', secretKey: alice.identity.secretKey },
      conversation: null,
      participants: ['bob'],
      keys: { alice: alice.miniLockId, bob: await alice.pin('bob') },
      subject,
      body,
      now: server.clock.now(),
    });
    expectOk(
      await alice.sendRaw({
        conversationId: composed.conversationId,
        messageId: composed.messageId,
        participants: composed.participants,
        ciphertext: bytesToBase64(composed.ciphertext),
      }),
    );
    expect(uploaded.fileId).toBeTruthy();
    ciphertexts.kept = composed.ciphertext;

    // Issue 20: one message with a five-minute timer, one its sender takes back.
    const reply = async (extra: Record<string, unknown>) => {
      const next = await alice.compose(['alice', 'bob'], marker('gone'), null);
      const send = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }`;
      const input = { conversationId: composed.conversationId, messageId: next.messageId, participants: next.participants, ciphertext: bytesToBase64(next.ciphertext), ...extra };
      return { ciphertext: next.ciphertext, messageId: expectOk(await alice.request<{ sendMessage: { messageId: string } }>(send, { input })).sendMessage.messageId };
    };
    const expiring = await reply({ expiresInSeconds: 300 });
    const deleted = await reply({});
    await reply({ action: { kind: 'DELETE', targetMessageId: deleted.messageId } });
    ciphertexts.expired = expiring.ciphertext;
    ciphertexts.deleted = deleted.ciphertext;
    server.clock.advance(300_000);
    expect(await server.app.sweepMessagesNow()).toBeGreaterThanOrEqual(1);
    const left = await server.app.services.ciphertexts.get([expiring.messageId, deleted.messageId, composed.messageId]);
    expect([...left.keys()]).toEqual([composed.messageId]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('while the server runs, a purged ciphertext is already in none of its files (SQLite: neither the database nor its WAL)', async () => {
    const live = filesUnder(server.dataDir).map((path) => ({ path, bytes: readFileSync(path) }));
    for (const gone of [ciphertexts.expired!, ciphertexts.deleted!]) {
      for (const needle of ciphertextNeedles(gone).flat()) {
        for (const { path, bytes } of live) expect(bytes.includes(needle), `a purged ciphertext found in ${path}`).toBe(false);
      }
    }
    if (backend === 'sqlite') for (const forms of ciphertextNeedles(ciphertexts.kept!)) expect(forms.some((needle) => live.some(({ bytes }) => bytes.includes(needle)))).toBe(true);
  });

  it('the stored bytes contain no subject, body, file name or file content', async () => {
    // Stop first, so that SQLite's WAL and every buffered write are on disk.
    await server.app.stop();
    const stored = await storedBytes(server);
    expect(stored.reduce((n, f) => n + f.bytes.length, 0)).toBeGreaterThan(20_000);
    for (const secret of [subject, body, fileName, fileText]) {
      for (const needle of needles(secret)) {
        for (const { path, bytes } of stored) expect(bytes.includes(needle), `${secret} found in ${path}`).toBe(false);
      }
    }
  });

  it('the search itself works: the usernames it must not hide are found', async () => {
    const stored: Buffer<ArrayBufferLike>[] = filesUnder(server.dataDir).map((path) => readFileSync(path));
    if (server.databaseSchema) stored.push(await postgresDump(server.databaseSchema));
    expect(stored.some((bytes) => bytes.includes(Buffer.from('alice')))).toBe(true);
  });

  it('the ciphertext of an expired and of a deleted message is in no file, WAL or table; a kept message’s is found', async () => {
    // Stopped already by the first test (a no-op then): every write is on disk, SQLite's WAL included.
    await server.app.stop();
    const stored = await storedBytes(server);
    for (const gone of [ciphertexts.expired!, ciphertexts.deleted!]) {
      for (const needle of ciphertextNeedles(gone).flat()) {
        for (const { path, bytes } of stored) expect(bytes.includes(needle), `a purged ciphertext found in ${path}`).toBe(false);
      }
    }
    // The search works: every slice of the message that stays is found, in one form or another (raw in SQLite, hex in the dump).
    for (const forms of ciphertextNeedles(ciphertexts.kept!)) expect(forms.some((needle) => stored.some(({ bytes }) => bytes.includes(needle)))).toBe(true);
  });
});
