/**
 * T11 for files, on the wire: the real server process, the hostile proxy
 * (@peerlock/api/testing) between it and the clients, SDK clients with
 * random key pairs, and the real `peerlock` CLI where the flow is the CLI's.
 * The proxy plays a server that lies about files; every attack asserts that
 * it really changed the traffic (its rule's count) and the exact refusal.
 *
 *   (a) another file's header served for a re-share   → FILE_REJECTED header-mismatch, nothing shared
 *   (b) a file made up by anyone, served under a real id → FILE_REJECTED unvouched, naming its sender; written only once accepted
 *   (c) an attachment from before its sender's key rotation still downloads (key pinned at the message's time)
 *   (d) a download never replaces an existing file without --force
 *   (e) a file index with its newest records withheld after a re-login → FILE_INDEX_REJECTED rollback (the device's mark);
 *       with a record taken out of the middle                           → FILE_INDEX_REJECTED gap
 */
import { existsSync, readFileSync, readdirSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  FileRejectedError,
  FileTransferError,
  PeerlockClient,
  base64ToBytes,
  bytesToUtf8,
  concatBytes,
  encodeMiniLockId,
  encryptFile,
  generatePassphrase,
  keyPairFromSecretKey,
  randomBytes,
  splitFile,
  utf8ToBytes,
  FileIndexRejectedError,
  type KeyPair,
  type PlaintextSink,
} from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy } from '@peerlock/api/testing';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser, type CliResult } from './support/cli-runner.js';

let server: ServerProcess;
let proxy: HostileProxy;
let bob: CliUser;
let bobId = '';
let carol: PeerlockClient;
let dave: PeerlockClient;
/** Mallory needs no account: anyone can encrypt a file to a public key. */
const mallory = keyPairFromSecretKey(randomBytes(32));
const malloryId = encodeMiniLockId(mallory.publicKey);

const identities = new Map<string, KeyPair>();
const sdkUser = async (username: string): Promise<PeerlockClient> => {
  const client = new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket });
  identities.set(username, keyPairFromSecretKey(randomBytes(32)));
  await client.signup({ username, passphrase: '', identity: identities.get(username)! });
  return client;
};

const upload = (client: PeerlockClient, name: string, text: string) => client.files.upload({ source: [utf8ToBytes(text)], size: utf8ToBytes(text).length, name });

/** The `{ error }` the CLI prints on stderr with --json. */
const cliError = (result: CliResult) => JSON.parse(result.stderr.trim().split('\n').at(-1)!).error as { code: string; reason?: string; senderID?: string; senderUsername?: string | null; message: string };

/** A sink that keeps what it got and says whether it was committed. */
function memorySink(): PlaintextSink & { text(): string; committed: boolean; aborted: boolean } {
  const parts: Uint8Array[] = [];
  const sink = {
    committed: false,
    aborted: false,
    write: (piece: Uint8Array) => void parts.push(piece.slice()),
    commit: () => void (sink.committed = true),
    abort: () => void (sink.aborted = true),
    text: () => bytesToUtf8(concatBytes(...parts)),
  };
  return sink;
}

/** A generated passphrase may contain the username ("bobsled"), which the strength check refuses: draw again. */
function passphraseWithout(username: string): string {
  for (;;) {
    const { passphrase } = generatePassphrase(7);
    if (!passphrase.includes(username)) return passphrase;
  }
}

/** Temporary files the CLI left in a directory (there must be none). */
const partials = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.partial'));

beforeAll(async () => {
  server = await startServer('sqlite');
  proxy = await startHostileProxy({ target: server.url });
  carol = await sdkUser('carol');
  dave = await sdkUser('dave');
  bob = new CliUser('bob', proxy.graphqlUrl, passphraseWithout('bob'));
  await bob.ok(['signup', 'bob']);
  bobId = (await bob.ok(['whoami', '--json'])).json<{ miniLockId: string }>().miniLockId;
  await bob.ok(['contacts', 'add', 'carol']);
  await carol.acceptContact('bob');
  await bob.ok(['contacts', 'add', 'dave']);
  await dave.acceptContact('bob');
  await carol.requestContact('dave');
  await dave.acceptContact('carol');
});

afterEach(() => {
  proxy.removeAll();
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('(a) the server serves another file’s header for a re-share by id', () => {
  it('CLI: `files share` refuses with FILE_REJECTED header-mismatch and shares nothing; without the attack it shares', async () => {
    writeFileSync(join(bob.home, 'mine.txt'), 'bob’s own file');
    const { fileId: mine } = (await bob.ok(['files', 'upload', 'mine.txt', '--json'])).json<{ fileId: string }>();
    // Carol's file, shared with bob: its header opens for bob, so only the file index can tell it apart.
    const theirs = await upload(carol, 'carols-secret.txt', 'carol’s secret, for bob only');
    const theirsForBob = await carol.files.share(theirs.fileId, theirs.fileInfo, ['bob']);
    const swap = proxy.onFileDownload(mine, (served) => concatBytes(base64ToBytes(theirsForBob.header), splitFile(served).chunks));

    const refused = await bob.run(['files', 'share', mine, 'dave', '--json']);
    expect(swap.count).toBeGreaterThan(0);
    expect(refused.code).toBe(1);
    expect(cliError(refused)).toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch', fileId: mine });

    // Nothing shared: no holder added on the server, and dave holds neither file.
    const bobsFiles = (await bob.ok(['files', 'list', '--json'])).json<{ id: string; sharedWith: string[] }[]>();
    expect(bobsFiles.find((f) => f.id === mine)!.sharedWith).toEqual([]);
    expect((await carol.files.list()).find((f) => f.id === theirs.fileId)!.sharedWith).toEqual(['bob']);
    expect((await dave.files.list()).map((f) => f.id)).not.toContain(mine);
    await expect(dave.files.stream(theirs.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(dave.files.stream(theirs.fileId)).rejects.toBeInstanceOf(FileTransferError);

    // The same command with the server honest: shared.
    swap.remove();
    await bob.ok(['files', 'share', mine, 'dave']);
    expect((await dave.files.list()).map((f) => f.id)).toContain(mine);
  });

  it('CLI: an attachment bob never downloaded is re-shared with --conversation (the header its verified message carried), not by the served header', async () => {
    const attached = await upload(carol, 'minutes.txt', 'meeting minutes');
    const ref = await carol.files.share(attached.fileId, attached.fileInfo, ['bob']);
    const sent = await carol.messaging.send(['bob'], { subject: 'minutes', body: 'for the team', files: [ref] });
    const notInIndex = await bob.run(['files', 'share', attached.fileId, 'dave', '--json']);
    expect(cliError(notInIndex)).toMatchObject({ code: 'FILE_REJECTED', reason: 'not-in-index' });
    // The server's header is not even read: a swapped one changes nothing.
    const swap = proxy.onFileDownload(attached.fileId, () => encryptFile(utf8ToBytes('x'), { senderSecretKey: mallory.secretKey, recipients: [bobId] }));
    await bob.ok(['files', 'share', attached.fileId, 'dave', '--conversation', sent.conversationId]);
    expect(swap.count).toBe(0);
    swap.remove();
    const forDave = memorySink();
    await dave.files.download(attached.fileId, forDave, { acceptSender: bobId });
    expect(forDave.text()).toBe('meeting minutes');
  });

  it('SDK: shareById and a download by id refuse the swapped header (header-mismatch); an id not in the index is refused before anything is fetched', async () => {
    const own = await upload(dave, 'dave.txt', 'dave’s file');
    const other = await upload(carol, 'other.txt', 'carol’s other file');
    const otherForDave = await carol.files.share(other.fileId, other.fileInfo, ['dave']);
    const swap = proxy.onFileDownload(own.fileId, (served) => concatBytes(base64ToBytes(otherForDave.header), splitFile(served).chunks));

    const shared = dave.files.shareById(own.fileId, ['carol']);
    await expect(shared).rejects.toBeInstanceOf(FileRejectedError);
    await expect(shared).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch', fileId: own.fileId });
    const sink = memorySink();
    await expect(dave.files.download(own.fileId, sink)).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch' });
    expect([sink.committed, sink.aborted, sink.text()]).toEqual([false, true, '']);
    expect(swap.count).toBeGreaterThan(0);
    expect((await carol.files.list()).map((f) => f.id)).not.toContain(own.fileId);

    // Carol's file reached dave outside any message: not in his index, so not his to re-share.
    let fetched = 0;
    proxy.onHttp((method, path) => method === 'GET' && path === `/files/${other.fileId}`, () => void fetched++);
    await expect(dave.files.shareById(other.fileId, ['bob'])).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'not-in-index' });
    expect(fetched).toBe(0);
  });
});

describe('(b) a file made up by anyone, served under a real id', () => {
  const fake = () => encryptFile(utf8ToBytes('pay mallory'), { senderSecretKey: mallory.secretKey, recipients: [bobId], fileName: 'invoice.pdf' });

  it('CLI: `files download` refuses it (unvouched), naming mallory’s miniLock ID; --accept-sender <that ID> writes it', async () => {
    const real = await upload(carol, 'invoice.pdf', 'the real invoice');
    await carol.files.share(real.fileId, real.fileInfo, ['bob']);
    const forged = fake();
    const swap = proxy.onFileDownload(real.fileId, () => forged);

    const refused = await bob.run(['files', 'download', real.fileId, '--json']);
    // The CLI's own words if the forged file was never served (seen once in CI: no count, cause unknown).
    expect(swap.count, refused.stderr).toBeGreaterThan(0);
    expect(refused.code).toBe(1);
    expect(cliError(refused)).toMatchObject({ code: 'FILE_REJECTED', reason: 'unvouched', senderID: malloryId, senderUsername: null });
    const human = await bob.run(['files', 'download', real.fileId]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(malloryId);
    expect(human.stderr).toContain(`--accept-sender ${malloryId}`);
    expect(human.stderr).toContain('[FILE_REJECTED]');
    expect(existsSync(join(bob.home, 'invoice.pdf'))).toBe(false);
    expect(partials(bob.home)).toEqual([]);

    // Accepting someone else (the sender bob expected) does not accept mallory's file.
    const carolId = carol.miniLockId;
    const wrong = await bob.run(['files', 'download', real.fileId, '--accept-sender', carolId, '--json']);
    expect(wrong.code).toBe(1);
    expect(cliError(wrong)).toMatchObject({ code: 'FILE_REJECTED', reason: 'unvouched', senderID: malloryId });

    const saved = (await bob.ok(['files', 'download', real.fileId, '--accept-sender', malloryId, '--json'])).json<{ path: string; senderID: string }>();
    expect(saved).toMatchObject({ path: join(bob.home, 'invoice.pdf'), senderID: malloryId });
    expect(readFileSync(saved.path, 'utf8')).toBe('pay mallory');
  });

  it('SDK: download/stream refuse it with FileRejectedError unvouched (sender shown, username if pinned); acceptSender takes it and records it', async () => {
    const real = await upload(carol, 'report.pdf', 'the real report');
    await carol.files.share(real.fileId, real.fileInfo, ['dave']);
    const forged = encryptFile(utf8ToBytes('made up'), { senderSecretKey: mallory.secretKey, recipients: [dave.miniLockId], fileName: 'report.pdf' });
    const swap = proxy.onFileDownload(real.fileId, () => forged);

    const sink = memorySink();
    const refused = dave.files.download(real.fileId, sink);
    await expect(refused).rejects.toBeInstanceOf(FileRejectedError);
    await expect(refused).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'unvouched', senderID: malloryId, senderUsername: null });
    expect([sink.committed, sink.aborted]).toEqual([false, true]);
    await expect(dave.files.stream(real.fileId, { acceptSender: carol.miniLockId })).rejects.toMatchObject({ reason: 'unvouched', senderID: malloryId });
    expect(swap.count).toBeGreaterThan(0);

    // Unforged, the same file by id names carol, whom dave has pinned: still his call to accept.
    swap.remove();
    await expect(dave.files.stream(real.fileId)).rejects.toMatchObject({ reason: 'unvouched', senderID: carol.miniLockId, senderUsername: 'carol' });
    const accepted = memorySink();
    const info = await dave.files.download(real.fileId, accepted, { acceptSender: carol.miniLockId });
    expect([accepted.committed, accepted.text(), info.senderID]).toEqual([true, 'the real report', carol.miniLockId]);
    // Recorded: the next download needs no acceptance, and the server cannot swap the file any more.
    expect((await dave.files.download(real.fileId, memorySink())).fileName).toBe('report.pdf');
    const again = proxy.onFileDownload(real.fileId, () => forged);
    await expect(dave.files.download(real.fileId, memorySink(), { acceptSender: malloryId })).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch' });
    expect(again.count).toBeGreaterThan(0);
  });
});

describe('(c) key rotation', () => {
  it('CLI: after carol rekeys (and bob accepts her new key), her earlier attachment downloads with --conversation', async () => {
    const attached = await upload(carol, 'before.txt', 'sent before the rotation');
    const ref = await carol.files.share(attached.fileId, attached.fileInfo, ['bob']);
    const sent = await carol.messaging.send(['bob'], { subject: 'old key', body: 'attached', files: [ref] });
    await carol.rotateKeys({ identity: keyPairFromSecretKey(randomBytes(32)) });
    await bob.ok(['contacts', 'accept-key', 'carol']);

    const thread = (await bob.ok(['read', sent.conversationId, '--json'])).json<{ messages: { sender: string; rejected: string | null }[] }>();
    expect(thread.messages).toEqual([expect.objectContaining({ sender: 'carol', rejected: null })]);
    const out = join(bob.home, 'before.txt');
    const saved = (await bob.ok(['files', 'download', attached.fileId, '--conversation', sent.conversationId, '-o', out, '--json'])).json<{ path: string }>();
    expect(saved.path).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe('sent before the rotation');
  });
});

describe('(d) never overwrite without --force', () => {
  it('CLI: a download named like an existing file takes the first free name and says so; --force replaces it, keeping its mode', async () => {
    const attached = await upload(carol, 'notes.txt', 'carol’s notes');
    const ref = await carol.files.share(attached.fileId, attached.fileInfo, ['bob']);
    const sent = await carol.messaging.send(['bob'], { subject: 'notes', body: 'see attached', files: [ref] });
    const mine = join(bob.home, 'notes.txt');
    writeFileSync(mine, 'bob’s own notes');
    chmodSync(mine, 0o644);
    const download = async (...extra: string[]) =>
      (await bob.ok(['files', 'download', attached.fileId, '--conversation', sent.conversationId, ...extra, '--json'])).json<{ path: string; requested?: string }>();

    expect(await download()).toEqual(expect.objectContaining({ path: join(bob.home, 'notes (1).txt'), requested: mine }));
    expect(await download()).toEqual(expect.objectContaining({ path: join(bob.home, 'notes (2).txt') }));
    expect((await download('-o', mine)).path).toBe(join(bob.home, 'notes (3).txt'));
    expect(readFileSync(mine, 'utf8')).toBe('bob’s own notes');
    expect(readFileSync(join(bob.home, 'notes (1).txt'), 'utf8')).toBe('carol’s notes');
    const human = await bob.ok(['files', 'download', attached.fileId, '--conversation', sent.conversationId]);
    expect(human.stdout).toContain('notes (4).txt');
    expect(human.stdout).toContain('not replaced');

    expect((await download('--force')).path).toBe(mine);
    expect(readFileSync(mine, 'utf8')).toBe('carol’s notes');
    expect(statSync(mine).mode & 0o777).toBe(0o644);
    expect(partials(bob.home)).toEqual([]);
  });

  it('CLI: every new option is described in the command’s help', async () => {
    const download = (await bob.ok(['files', 'download', '--help'])).stdout;
    for (const option of ['--accept-sender VALUE', '--force', '--conversation VALUE', '-o, --output VALUE']) expect(download).toMatch(new RegExp(`${option.replace(/[-.]/g, '\\$&')}\\s+\\S`));
    expect((await bob.ok(['files', 'share', '--help'])).stdout).toMatch(/--conversation VALUE\s+\S/);
  });
});

describe('(e) a file index log the server shortened or cut', () => {
  interface Page {
    fileIndexRecords: { records: { sequence: number; blob: string }[]; version: number };
  }
  /** Serves every page of the log without its last record, and a version to match: the newest record withheld. */
  const withholdNewest = () =>
    proxy.onGraphql('FileIndexRecords', ({ fileIndexRecords: page }: Page) => (page.records.length ? { fileIndexRecords: { records: page.records.slice(0, -1), version: page.version - 1 } } : undefined));
  /** Serves the first page of the log without its second record (the rest shifts up). */
  const cutSecond = () =>
    proxy.onGraphql('FileIndexRecords', ({ fileIndexRecords: page }: Page, { variables }) => (variables.after === 0 && page.records.length >= 3 ? { fileIndexRecords: { ...page, records: page.records.filter((_, i) => i !== 1) } } : undefined));

  it('SDK: the same device logging in again refuses a log shorter than it has seen (rollback), and a log with a record cut out (gap)', async () => {
    const own = await upload(dave, 'kept.txt', 'kept');
    await upload(dave, 'newer.txt', 'makes the index longer');
    dave.logout();
    await dave.login({ username: 'dave', identity: identities.get('dave')! });

    const shorter = withholdNewest();
    const rolledBack = dave.files.download(own.fileId, memorySink());
    await expect(rolledBack).rejects.toBeInstanceOf(FileIndexRejectedError);
    await expect(rolledBack).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'rollback' });
    expect(shorter.count).toBeGreaterThan(0);
    shorter.remove();

    const cut = cutSecond();
    await expect(dave.files.download(own.fileId, memorySink())).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'gap' });
    expect(cut.count).toBeGreaterThan(0);
    cut.remove();

    // The whole log again: the refused copies were not kept.
    expect((await dave.files.download(own.fileId, memorySink())).fileName).toBe('kept.txt');
  });

  it('CLI: after `logout` and `login`, a log shorter than this device saw is refused (exit 3, FILE_INDEX_REJECTED rollback): the mark outlives the session; a cut log is refused (gap)', async () => {
    writeFileSync(join(bob.home, 'first.txt'), 'first');
    const { fileId } = (await bob.ok(['files', 'upload', 'first.txt', '--json'])).json<{ fileId: string }>();
    writeFileSync(join(bob.home, 'second.txt'), 'second');
    await bob.ok(['files', 'upload', 'second.txt']);

    await bob.ok(['logout']);
    await bob.ok(['login', 'bob']);
    const shorter = withholdNewest();
    const rolledBack = await bob.run(['files', 'download', fileId, '--json']);
    expect(shorter.count).toBeGreaterThan(0);
    expect(rolledBack.code).toBe(3);
    expect(cliError(rolledBack)).toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'rollback' });
    shorter.remove();

    const cut = cutSecond();
    const gap = await bob.run(['files', 'download', fileId, '--json']);
    expect(cut.count).toBeGreaterThan(0);
    expect(gap.code).toBe(3);
    expect(cliError(gap)).toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'gap' });
    cut.remove();

    await bob.ok(['files', 'download', fileId, '-o', join(bob.home, 'first-copy.txt')]);
    expect(readFileSync(join(bob.home, 'first-copy.txt'), 'utf8')).toBe('first');
  });
});
