/**
 * Export against a lying server, on the wire (the hostile proxy between
 * alice's real SDK and the real server): what the server forges, alters or
 * withholds during an export never enters the archive as verified.
 *   - an altered message: recorded as refused (Undecryptable), no content;
 *   - a dropped message: its sender's next one is refused (SequenceGap) and
 *     the conversation record lists the sequence as withheld;
 *   - another file served under a file's id: the header does not match the
 *     sealed index, the file is recorded as refused, none of its bytes kept;
 *   - a file altered inside a chunk: the export stops (ARCHIVE_EXPORT) with
 *     its checkpoint, and once the server behaves, resumes to the true bytes.
 * And reading back what an import stored: the catalog or an imported
 * conversation served as another of the user's own files is refused
 * (FILE_REJECTED header-mismatch: it is not what the sealed index vouches for).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ArchiveExportError, FileRejectedError, keyPairFromSecretKey, MemoryArchiveTarget, PeerlockClient, randomBytes, type KeyPair } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy } from '../../src/testing/index.js';
import { startTestServer, TestClock, type TestServer } from '../support/test-server.js';
import { readArchive, sha256Hex } from './support.js';

interface WireNode {
  index: number;
  ciphertext: string | null;
}
type MessagesData = { conversation: { messages: { edges: { node: WireNode }[] } } };
const rewriteNodes = (data: MessagesData, change: (nodes: WireNode[]) => WireNode[]) => ({
  ...data,
  conversation: { ...data.conversation, messages: { ...data.conversation.messages, edges: change(data.conversation.messages.edges.map((e) => e.node)).map((node) => ({ cursor: String(node.index), node })) } },
});
/** One base64 character changed in the middle: still base64, no longer the sender's ciphertext. */
const alter = (b64: string) => {
  const i = Math.floor(b64.length / 2);
  return b64.slice(0, i) + (b64[i] === 'A' ? 'B' : 'A') + b64.slice(i + 1);
};

describe('archive export on the wire: a lying server', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  const alice: KeyPair = keyPairFromSecretKey(randomBytes(32));
  let aliceClient: PeerlockClient;
  let conversationId: string;
  const files: Record<string, { id: string; sha256: string }> = {};

  beforeAll(async () => {
    server = await startTestServer('sqlite', {}, new TestClock(Date.now()));
    proxy = await startHostileProxy({ target: server.url });
    const client = () => new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket });
    aliceClient = client();
    await aliceClient.signup({ username: 'alice', passphrase: '', identity: alice });
    const bob = client();
    await bob.signup({ username: 'bob', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    await aliceClient.requestContact('bob');
    await bob.acceptContact('alice');
    const first = await bob.messaging.send(['alice'], { subject: 's', body: 'bob 0' });
    conversationId = first.conversationId;
    for (let i = 1; i < 8; i++) await bob.messaging.reply(conversationId, { body: `bob ${i}` });
    for (const [name, size] of [['big', 2 * 1024 * 1024 + 7], ['small', 500]] as const) {
      const bytes = randomBytes(size);
      const { fileId } = await aliceClient.files.upload({ source: [bytes], size, name });
      files[name] = { id: fileId, sha256: sha256Hex(bytes) };
    }
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('forged, withheld and swapped content is recorded as refused, without content; a file altered mid-stream stops the export until the server behaves', async () => {
    // bob's messages are indexes 0..7: #2 altered, #5 dropped (so #6 shows the gap).
    const messagesRule = proxy.onGraphql('ConversationMessages', (data: MessagesData) =>
      rewriteNodes(data, (nodes) => nodes.filter((n) => n.index !== 5).map((n) => (n.index === 2 && n.ciphertext ? { ...n, ciphertext: alter(n.ciphertext) } : n))),
    );
    // The small file's bytes served for the big file's id: a real file alice can open, but not the one her index vouches for.
    let smallBytes: Uint8Array | null = null;
    const learn = proxy.onFileDownload(files.small!.id, (served) => {
      smallBytes = served.slice();
      return served;
    });
    await (await aliceClient.files.stream(files.small!.id)).plaintext[Symbol.asyncIterator]().return?.();
    learn.remove();
    expect(smallBytes).not.toBeNull();
    const swap = proxy.onFileDownload(files.big!.id, () => smallBytes!);

    const target = new MemoryArchiveTarget();
    const summary = await aliceClient.archive.export(target, { includeFiles: true });
    expect(messagesRule.count).toBeGreaterThan(0);
    expect(swap.count).toBeGreaterThan(0);
    expect(summary.refusedFiles).toEqual([files.big!.id]);
    const contents = await readArchive(target.bytes(), alice.secretKey);
    const messages = contents.records.flatMap((r) => (r.type === 'message' ? [r] : []));
    // bob 3 and bob 6 are authentic but come after a gap: refused as SequenceGap (without content), as the SDK shows them under "withheld".
    expect(messages.map((m) => [m.body, m.verification.state === 'verified' ? 'verified' : m.verification.reason])).toEqual([
      ['bob 0', 'verified'],
      ['bob 1', 'verified'],
      [undefined, 'Undecryptable'],
      [undefined, 'SequenceGap'],
      ['bob 4', 'verified'],
      [undefined, 'SequenceGap'],
      ['bob 7', 'verified'],
    ]);
    const refused = messages.filter((m) => m.verification.state === 'refused');
    expect(refused.map((m) => m.verification)).toEqual(expect.arrayContaining([{ state: 'refused', reason: 'Undecryptable' }, { state: 'refused', reason: 'SequenceGap' }]));
    // Nothing of what was refused is in the archive.
    for (const m of refused) expect(m.body === undefined && m.subject === undefined && m.attachments === undefined).toBe(true);
    const conversation = contents.records.find((r) => r.type === 'conversation');
    // bob's sequences start at 1: the altered #2 and the dropped #5 are his 3 and 6, both never verified.
    expect(conversation).toMatchObject({ withheld: [{ sender: 'bob', sequences: [3, 6], count: 2 }] });
    const big = contents.records.find((r) => r.type === 'file' && r.id === files.big!.id);
    expect(big).toMatchObject({ refused: 'header-mismatch', bytesFollow: false, payloadBytes: 0 });
    expect(contents.fileHashes.has(files.big!.id)).toBe(false);
    expect(contents.fileHashes.get(files.small!.id)).toBe(files.small!.sha256);
    messagesRule.remove();
    swap.remove();

    // One byte changed inside the big file's last chunk: the chunk does not authenticate.
    const flip = proxy.onFileDownload(files.big!.id, (served) => {
      const out = served.slice();
      out[out.length - 30]! ^= 1;
      return out;
    });
    const stopped = new MemoryArchiveTarget();
    const error = await aliceClient.archive.export(stopped, { includeFiles: true, checkpointEvery: 1024 * 1024 }).then(() => 'no error', (e: unknown) => e);
    expect(flip.count).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(ArchiveExportError);
    expect(error).toMatchObject({ code: 'ARCHIVE_EXPORT', reason: 'file-failed', fileId: files.big!.id });
    flip.remove();
    const resumed = await aliceClient.archive.export(stopped, { includeFiles: true, checkpointEvery: 1024 * 1024 });
    expect(resumed.resumed).toBe(true);
    const after = await readArchive(stopped.bytes(), alice.secretKey);
    expect(after.fileHashes.get(files.big!.id)).toBe(files.big!.sha256);
    expect(after.fileHashes.get(files.small!.id)).toBe(files.small!.sha256);
  });

  it('imported conversations read back only as the sealed index vouches: a swapped catalog or conversation document is refused', async () => {
    const target = new MemoryArchiveTarget();
    await aliceClient.archive.export(target);
    await aliceClient.archive.import([target.bytes()]);
    const [entry] = await aliceClient.archive.importedConversations();
    expect(entry).toBeDefined();
    const index = await aliceClient.fileIndex().refresh();
    const catalogId = Object.values(index.entries).find((e) => e.name === 'peerlock-import:catalog')!.fileId;
    // Both are alice's own files, sealed to her: each opens, neither is the other.
    let catalogBytes: Uint8Array | null = null;
    const learn = proxy.onFileDownload(catalogId, (served) => {
      catalogBytes = served.slice();
      return served;
    });
    await aliceClient.archive.importedConversations();
    learn.remove();
    const swapConversation = proxy.onFileDownload(entry!.fileId, () => catalogBytes!);
    const read = await aliceClient.archive.readImported(entry!.id).then(() => 'no error', (e: unknown) => e);
    expect(swapConversation.count).toBeGreaterThan(0);
    expect(read).toBeInstanceOf(FileRejectedError);
    expect(read).toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch' });
    swapConversation.remove();
    const small = proxy.onFileDownload(catalogId, async () => (await fetch(`${server.url.replace(/\/graphql$/, '')}/files/${files.small!.id}`, { headers: { authorization: await aliceClient.authorization() } }).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b))));
    const listed = await aliceClient.archive.importedConversations().then(() => 'no error', (e: unknown) => e);
    expect(small.count).toBeGreaterThan(0);
    expect(listed).toMatchObject({ code: 'FILE_REJECTED', reason: 'header-mismatch' });
    small.remove();
    // Once the server behaves, both read back.
    expect((await aliceClient.archive.readImported(entry!.id)).messages.length).toBeGreaterThan(0);
  });
});
