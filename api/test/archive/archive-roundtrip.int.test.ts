/**
 * Encrypted export and import (issue 21a) end to end, on two real servers:
 * alice's account on server A is exported (conversations verified by her
 * SDK, contacts and pins, files streamed), the export is killed mid-way and
 * resumed, and the archive is imported into alice's new account on server B.
 * Compared: every message's text, sender, time and verification, and every
 * file's SHA-256; the import is idempotent; a pin that disagrees with one B
 * already has is reported, not overwritten; and archives that are not
 * alice's own are refused with typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import {
  ArchiveRejectedError,
  encryptFile,
  keyPairFromSecretKey,
  MemoryArchiveTarget,
  miniLockIdOf,
  PeerlockClient,
  randomBytes,
  type ExportProgress,
  type ImportProgress,
  type KeyPair,
  type ReadMessage,
} from '@peerlock/sdk';
import { startTestServer, TestClock, type TestServer } from '../support/test-server.js';
import { storedBytes } from '../support/storage-scan.js';
import { DyingTarget, readArchive, sha256Hex } from './support.js';

const MIB = 1024 * 1024;
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => e);

describe('archive: export from server A, import into server B', () => {
  let a: TestServer;
  let b: TestServer;
  const alice = keyPairFromSecretKey(randomBytes(32));
  const bob = keyPairFromSecretKey(randomBytes(32));
  const carol = keyPairFromSecretKey(randomBytes(32));
  let aliceA: PeerlockClient;
  const sentFiles = new Map<string, string>(); // name → sha256
  /** 64 bytes from the middle of the big file, to look for in server B's storage. */
  let bigSlice = new Uint8Array(0);
  let archive: Uint8Array;
  let views: Map<string, readonly ReadMessage[]>;

  const client = (server: TestServer) => new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
  async function signup(server: TestServer, username: string, identity: KeyPair): Promise<PeerlockClient> {
    const c = client(server);
    await c.signup({ username, passphrase: '', identity });
    return c;
  }

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer('sqlite', {}, new TestClock(Date.now())), startTestServer('sqlite', {}, new TestClock(Date.now()))]);
    aliceA = await signup(a, 'alice', alice);
    const bobA = await signup(a, 'bob', bob);
    const carolA = await signup(a, 'carol', carol);
    for (const [friend, name] of [[bobA, 'bob'], [carolA, 'carol']] as const) {
      await aliceA.requestContact(name);
      await friend.acceptContact('alice');
    }
    await bobA.requestContact('carol');
    await carolA.acceptContact('bob');
    await aliceA.markVerified('bob');
    // Three conversations, 238 messages in all, both ways.
    const first = await aliceA.messaging.send(['bob'], { subject: 'plans', body: 'message 0' });
    const second = await bobA.messaging.send(['alice', 'carol'], { subject: 'group', body: 'group 0' });
    const third = await carolA.messaging.send(['alice'], { body: 'hi alice' });
    for (let i = 1; i < 120; i++) await (i % 2 ? bobA : aliceA).messaging.reply(first.conversationId, { body: `message ${i} ✓` });
    for (let i = 1; i < 80; i++) await [aliceA, bobA, carolA][i % 3]!.messaging.reply(second.conversationId, { body: `group ${i}` });
    for (let i = 1; i < 38; i++) await (i % 2 ? aliceA : carolA).messaging.reply(third.conversationId, { body: `third ${i}` });
    // Files: one over several chunks, one small, one empty.
    for (const [name, size] of [['big.bin', 3 * MIB + 4321], ['small.txt', 1000], ['empty', 0]] as const) {
      const bytes = randomBytes(size);
      sentFiles.set(name, sha256Hex(bytes));
      if (name === 'big.bin') bigSlice = bytes.slice(2 * MIB, 2 * MIB + 64);
      await aliceA.files.upload({ source: [bytes], size, name });
    }
    views = new Map();
    for (const c of [first, second, third]) views.set(c.conversationId, (await aliceA.messaging.read(c.conversationId)).messages);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('exports everything alice reads into one archive sealed from and to her key, with progress', async () => {
    const target = new MemoryArchiveTarget();
    const progress: ExportProgress[] = [];
    const summary = await aliceA.archive.export(target, { includeFiles: true, onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ contacts: 2, conversations: 3, messages: 238, files: 3, fileBytes: 3 * MIB + 4321 + 1000, resumed: false, refusedFiles: [] });
    expect(progress.at(-1)).toMatchObject({ stage: 'done', conversationsDone: 3, filesDone: 3 });
    expect(progress.some((p) => p.stage === 'files' && p.fileBytesDone > 0 && p.fileBytesDone < p.fileBytesTotal)).toBe(true);
    archive = target.bytes();
    // Opened with alice's key alone (the miniLock reader), from alice's key.
    const contents = await readArchive(archive, alice.secretKey);
    expect(contents.senderID).toBe(miniLockIdOf(alice));
    const manifest = contents.records[0]!;
    expect(manifest).toMatchObject({ type: 'manifest', username: 'alice', server: a.url, includesFiles: true });
    expect(contents.records.filter((r) => r.type === 'contact')).toEqual([
      expect.objectContaining({ username: 'bob', miniLockId: miniLockIdOf(bob), verified: true, relation: 'contact' }),
      expect.objectContaining({ username: 'carol', miniLockId: miniLockIdOf(carol), verified: false, relation: 'contact' }),
    ]);
    const messages = contents.records.filter((r) => r.type === 'message');
    expect(messages).toHaveLength(238);
    expect(messages.every((m) => m.type === 'message' && m.verification.state === 'verified')).toBe(true);
    const names = new Map(contents.records.flatMap((r) => (r.type === 'file' ? [[r.id, r.name] as const] : [])));
    expect(new Map([...contents.fileHashes].map(([id, hash]) => [names.get(id)!, hash]))).toEqual(sentFiles);
    // The server never sees it: nothing was uploaded during the export.
    expect((await aliceA.files.list()).length).toBe(3);
  });

  it('an export killed mid-way resumes to an archive with the same records and file bytes', async () => {
    const target = new MemoryArchiveTarget();
    // Dies while the big file streams (after the conversations' checkpoint), then again once more.
    const first = await errorOf(aliceA.archive.export(new DyingTarget(target, 3), { includeFiles: true, checkpointEvery: MIB }));
    expect(first).toHaveProperty('message', 'killed mid-export');
    const second = await errorOf(aliceA.archive.export(new DyingTarget(target, 2), { includeFiles: true, checkpointEvery: MIB }));
    expect(second).toHaveProperty('message', 'killed mid-export');
    const summary = await aliceA.archive.export(target, { includeFiles: true, checkpointEvery: MIB });
    expect(summary.resumed).toBe(true);
    const resumed = await readArchive(target.bytes(), alice.secretKey);
    const whole = await readArchive(archive, alice.secretKey);
    // Same records (the manifest's time differs: each export plans its own).
    const strip = (rs: typeof whole.records) => rs.map((r) => (r.type === 'manifest' ? { ...r, exportedAt: 0 } : r));
    expect(strip(resumed.records)).toEqual(strip(whole.records));
    expect(resumed.fileHashes).toEqual(whole.fileHashes);
  });

  it('imports into alice on server B: messages keep their senders, times, texts and verification; files come back identical; pins carry over', async () => {
    const aliceB = await signup(b, 'alice', alice);
    // On B, "carol" is someone else: alice pinned that other key already; the import must not overwrite it.
    await signup(b, 'carol', keyPairFromSecretKey(randomBytes(32)));
    await aliceB.observe('carol');
    const progress: ImportProgress[] = [];
    const summary = await aliceB.archive.import([archive], { onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ server: a.url, conversationsAdded: 3, filesUploaded: 3, pinsAdded: 1, pinConflicts: [{ username: 'carol', archived: miniLockIdOf(carol) }] });
    expect(progress.at(-1)).toMatchObject({ stage: 'done', conversations: 3, messages: 238, files: 3 });
    expect((await aliceB.pin('bob'))).toMatchObject({ miniLockId: miniLockIdOf(bob), verified: true });
    expect((await aliceB.pin('carol'))!.miniLockId).not.toBe(miniLockIdOf(carol));

    const imported = await aliceB.archive.importedConversations();
    expect(imported.map((c) => c.id).sort()).toEqual([...views.keys()].sort());
    for (const [id, original] of views) {
      const conversation = await aliceB.archive.readImported(id);
      expect(conversation.imported).toEqual({ server: a.url, exportedAt: summary.exportedAt });
      expect(conversation.messages.map((m) => ({ id: m.id, sender: m.sender, sentAt: m.sentAt, body: m.body, state: m.verification.state }))).toEqual(
        original.map((m) => ({ id: m.messageId, sender: m.sender, sentAt: m.sentAt, body: m.body, state: 'verified' })),
      );
      expect(conversation.messages.every((m) => m.imported.server === a.url)).toBe(true);
    }
    // Files: re-uploaded into B's sealed index, downloaded back through the normal (verified) path.
    const index = await aliceB.fileIndex().refresh();
    const back = new Map<string, string>();
    for (const entry of Object.values(index.entries)) {
      if (entry.name.startsWith('peerlock-import:')) continue;
      const stream = await aliceB.files.stream(entry.fileId);
      const hash = createHash('sha256');
      for await (const piece of stream.plaintext) hash.update(piece);
      back.set(entry.name, hash.digest('hex'));
    }
    expect(back).toEqual(sentFiles);

    // Idempotent: the same archive again adds nothing.
    const filesBefore = (await aliceB.files.list()).length;
    const again = await aliceB.archive.import([archive]);
    expect(again).toMatchObject({ conversationsAdded: 0, conversationsUpdated: 0, conversationsUnchanged: 3, filesUploaded: 0, filesSkipped: 3, pinsAdded: 0 });
    expect((await aliceB.files.list()).length).toBe(filesBefore);
    expect(await aliceB.archive.importedConversations()).toHaveLength(3);

    // Exported again from B, the imported conversations go along, marked with where they first came from.
    const onward = new MemoryArchiveTarget();
    expect(await aliceB.archive.export(onward)).toMatchObject({ conversations: 3, messages: 238 });
    const carried = await readArchive(onward.bytes(), alice.secretKey);
    const conversations = carried.records.filter((r) => r.type === 'conversation');
    expect(conversations.map((c) => c.type === 'conversation' && c.imported)).toEqual([...views.keys()].map(() => ({ server: a.url, exportedAt: summary.exportedAt })));
    // The import's own documents are not exported as files.
    expect(carried.records.filter((r) => r.type === 'file').map((r) => r.type === 'file' && r.name).sort()).toEqual([...sentFiles.keys()].sort());

    // A later archive of A with one more message updates that conversation only; its old document goes.
    const [firstId] = [...views.keys()].filter((id) => views.get(id)!.some((m) => m.body === 'message 0'));
    await aliceA.messaging.reply(firstId!, { body: 'one more, later' });
    const later = new MemoryArchiveTarget();
    await aliceA.archive.export(later);
    expect(await aliceB.archive.import([later.bytes()])).toMatchObject({ conversationsAdded: 0, conversationsUpdated: 1, conversationsUnchanged: 2 });
    expect((await aliceB.archive.readImported(firstId!)).messages.map((m) => m.body)).toEqual([...views.get(firstId!)!.map((m) => m.body), 'one more, later']);
    const documents = Object.values((await aliceB.fileIndex().refresh()).entries).filter((e) => e.name.startsWith('peerlock-import:'));
    expect(documents.filter((e) => e.name === 'peerlock-import:conversation')).toHaveLength(3);
    expect(documents.filter((e) => e.name === 'peerlock-import:catalog')).toHaveLength(1);
  });

  it('refuses what is not alice\'s own archive, and a damaged one, with typed errors', async () => {
    const aliceB2 = client(b);
    await aliceB2.login({ username: 'alice', identity: alice });
    const reason = async (bytes: Uint8Array) => {
      const error = await errorOf(aliceB2.archive.import([bytes]));
      expect(error).toBeInstanceOf(ArchiveRejectedError);
      return (error as ArchiveRejectedError).reason;
    };
    // Sealed to alice by someone else: anyone can do that; it is not hers.
    expect(await reason(encryptFile(archive.subarray(0, 1000), { senderSecretKey: bob.secretKey, recipients: [miniLockIdOf(alice)] }))).toBe('not-own-archive');
    // bob's own archive: not for alice's key.
    expect(await reason(encryptFile(new Uint8Array(10), { senderSecretKey: bob.secretKey, recipients: [miniLockIdOf(bob)] }))).toBe('not-for-this-key');
    // Hers, but not an archive: its first bytes are no record (a zero length).
    expect(await reason(encryptFile(new Uint8Array(10), { senderSecretKey: alice.secretKey, recipients: [miniLockIdOf(alice)] }))).toBe('record-too-large');
    // Cut short, and altered.
    expect(await reason(archive.subarray(0, archive.length - 2 * MIB))).toBe('truncated');
    const altered = archive.slice();
    altered[altered.length - 10]! ^= 1;
    expect(await reason(altered)).toBe('undecryptable');
  });

  it('server B, which received the import, stores no plaintext of it: no message text, no slice of a file', async () => {
    await b.app.stop();
    const stored = await storedBytes(b);
    // What it does store: the re-uploaded files and documents, as ciphertext.
    expect(stored.reduce((n, f) => n + f.bytes.length, 0)).toBeGreaterThan(3 * MIB);
    const needles = [Buffer.from('message 57 ✓'), Buffer.from('group 33'), Buffer.from('third 12'), Buffer.from(bigSlice)];
    for (const needle of needles) for (const { path, bytes } of stored) expect(bytes.includes(needle), `plaintext found in ${path}`).toBe(false);
  });
});
