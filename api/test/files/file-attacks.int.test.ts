/**
 * T10: the server (here, the test tampering with what the real server
 * stores or serves) swaps, mixes, truncates or alters a file's chunks or
 * header. Every time the SDK raises a typed error and no plaintext is
 * released: `downloadToSink` never commits, and `decryptStream` never hands
 * out a piece that did not verify in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, MalformedFileError, NotARecipientError, downloadToSink, openDownload, rewrapHeader, type FileInfo, fetchEncryptedFile, randomBytes, shareFile, uploadFile, type FileEndpoint } from '@peerlock/sdk';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { collectBytes, endpointOf, pieces } from './file-client.js';
import { chunkKey, headerKey } from '../../src/files/file-blobs.js';

const MiB = 1024 * 1024;

describe('T10: tampered file chunks and headers', () => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;

  const blobs = () => server.app.services.blobs;
  const readBlob = async (key: string) => collectBytes((await blobs().get(key))!.body);
  const writeBlob = (key: string, bytes: Uint8Array) => blobs().put(key, pieces(bytes), { maxBytes: 2 * MiB });

  /** A fresh 3-data-chunk file shared with bob, so each test tampers with its own. */
  async function sharedFile(): Promise<{ fileId: string; plaintext: Uint8Array; fileInfo: FileInfo }> {
    const plaintext = randomBytes(2 * MiB + 100);
    const up = await uploadFile(endpointOf(alice), { source: pieces(plaintext), size: plaintext.length, senderSecretKey: alice.identity.secretKey, recipients: [alice.miniLockId] });
    await shareFile(endpointOf(alice), { fileId: up.fileId, source: up.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'bob', miniLockId: await alice.pin('bob') }] });
    return { fileId: up.fileId, plaintext, fileInfo: up.fileInfo };
  }

  /** Downloads as bob into a sink and reports what the sink saw. */
  async function attempt(fileId: string, endpoint: FileEndpoint = endpointOf(bob)) {
    const seen = { written: 0, committed: false, aborted: false };
    let error: unknown;
    try {
      await downloadToSink(endpoint, { fileId, secretKey: bob.identity.secretKey }, { write: (p) => void (seen.written += p.length), commit: () => void (seen.committed = true), abort: () => void (seen.aborted = true) });
    } catch (err) {
      error = err;
    }
    return { ...seen, error };
  }

  /** A malicious server's response: the real bytes, rewritten. */
  const serving = (rewrite: (file: Uint8Array) => Uint8Array): FileEndpoint => ({
    ...endpointOf(bob),
    fetch: async (input, init) => {
      const real = await fetch(input, init);
      if (!real.ok) return real;
      return new Response(rewrite(new Uint8Array(await real.arrayBuffer())) as Uint8Array<ArrayBuffer>);
    },
  });

  beforeAll(async () => {
    server = await startTestServer('sqlite');
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
    await server?.close();
  });

  it('an untouched file verifies and commits (the control)', async () => {
    const { fileId, plaintext } = await sharedFile();
    const result = await attempt(fileId);
    expect(result).toMatchObject({ committed: true, written: plaintext.length, error: undefined });
  });

  it('two chunks swapped in storage → DecryptionError, nothing committed', async () => {
    const { fileId } = await sharedFile();
    const [one, two] = [await readBlob(chunkKey(fileId, 1)), await readBlob(chunkKey(fileId, 2))];
    await writeBlob(chunkKey(fileId, 1), two);
    await writeBlob(chunkKey(fileId, 2), one);
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(DecryptionError);
    expect(result).toMatchObject({ committed: false, aborted: true });
  });

  it("another file's chunk served in place of this one's → DecryptionError", async () => {
    const { fileId } = await sharedFile();
    const other = await sharedFile();
    await writeBlob(chunkKey(fileId, 2), await readBlob(chunkKey(other.fileId, 2)));
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(DecryptionError);
    expect(result.committed).toBe(false);
  });

  it('the stream truncated after a whole chunk → DecryptionError (no last-chunk flag seen), nothing committed', async () => {
    const { fileId } = await sharedFile();
    const lastChunk = (await readBlob(chunkKey(fileId, 3))).length;
    const result = await attempt(fileId, serving((file) => file.subarray(0, file.length - lastChunk)));
    expect(result.error).toSatisfy((e) => e instanceof DecryptionError || (e instanceof MalformedFileError && e.reason === 'truncated'));
    expect(result.committed).toBe(false);
  });

  it('the stream cut mid-chunk → MalformedFileError(truncated)', async () => {
    const { fileId } = await sharedFile();
    const result = await attempt(fileId, serving((file) => file.subarray(0, file.length - 1000)));
    expect(result.error).toBeInstanceOf(MalformedFileError);
    expect((result.error as MalformedFileError).reason).toBe('truncated');
    expect(result.committed).toBe(false);
  });

  it("the header's recipient list altered: the reader's entry replaced by another's → NotARecipientError", async () => {
    const { fileId } = await sharedFile();
    const bobs = headerJson(await readBlob(headerKey(fileId, 'bob')));
    const alices = headerJson(await readBlob(headerKey(fileId, 'alice')));
    await writeBlob(headerKey(fileId, 'bob'), headerBytes({ ...bobs, decryptInfo: alices.decryptInfo }));
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(NotARecipientError);
    expect(result).toMatchObject({ committed: false, written: 0 });
  });

  it("a bit flipped in the reader's header entry → NotARecipientError (the entry no longer opens)", async () => {
    const { fileId } = await sharedFile();
    const json = headerJson(await readBlob(headerKey(fileId, 'bob')));
    const [nonce, entry] = Object.entries(json.decryptInfo)[0]!;
    const bytes = Buffer.from(entry, 'base64');
    bytes[bytes.length - 5]! ^= 0x01;
    await writeBlob(headerKey(fileId, 'bob'), headerBytes({ ...json, decryptInfo: { [nonce]: bytes.toString('base64') } }));
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(NotARecipientError);
    expect(result).toMatchObject({ committed: false, written: 0 });
  });

  it("the header's file hash altered (by someone holding the file key) → DecryptionError at the end, nothing committed", async () => {
    const { fileId, fileInfo } = await sharedFile();
    const forged = { ...fileInfo, fileHash: randomBytes(32) };
    await writeBlob(headerKey(fileId, 'bob'), rewrapHeader(forged, alice.identity.secretKey, [bob.miniLockId]));
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(DecryptionError);
    // Verified chunks may have been written to the sink; the sink was told to throw them away.
    expect(result).toMatchObject({ committed: false, aborted: true });
  });

  it("a valid header of another file, for this reader, served with this file's chunks → DecryptionError", async () => {
    const { fileId } = await sharedFile();
    const other = await sharedFile();
    await writeBlob(headerKey(fileId, 'bob'), await readBlob(headerKey(other.fileId, 'bob')));
    const result = await attempt(fileId);
    expect(result.error).toBeInstanceOf(DecryptionError);
    expect(result.committed).toBe(false);
  });

  it("a recipient cannot replace another holder's header by sharing to them", async () => {
    const { fileId, plaintext } = await sharedFile();
    const before = await readBlob(headerKey(fileId, 'alice'));
    // Bob "shares" back to alice a header that opens only for bob.
    const mine = await readBlob(headerKey(fileId, 'bob'));
    const res = await bob.request('mutation($id: String!, $r: [String!]!, $h: String!) { shareFile(fileId: $id, recipients: $r, header: $h) { id } }', {
      id: fileId,
      r: ['alice'],
      h: Buffer.from(mine).toString('base64'),
    });
    expectOk(res);
    expect(Buffer.from(await readBlob(headerKey(fileId, 'alice'))).equals(before)).toBe(true);
    const opened = await collectBytes((await openDownload(endpointOf(alice), { fileId, secretKey: alice.identity.secretKey })).plaintext);
    expect(Buffer.from(opened).equals(plaintext)).toBe(true);
  });

  it('the raw bytes a recipient fetches are a .minilock file: header then chunks', async () => {
    const { fileId } = await sharedFile();
    const raw = await collectBytes(await fetchEncryptedFile(endpointOf(bob), fileId));
    expect(Buffer.from(raw.subarray(0, 8)).toString()).toBe('miniLock');
  });
});

type HeaderJson = { version: number; ephemeral: string; decryptInfo: Record<string, string> };

function headerJson(header: Uint8Array): HeaderJson {
  return JSON.parse(Buffer.from(header.subarray(12)).toString('utf8')) as HeaderJson;
}

/** magic ‖ uint32-LE length ‖ JSON, as docs/minilock.md lays it out. */
function headerBytes(json: HeaderJson): Uint8Array {
  const body = Buffer.from(JSON.stringify(json));
  const prefix = Buffer.alloc(12);
  prefix.write('miniLock');
  prefix.writeUInt32LE(body.length, 8);
  return new Uint8Array(Buffer.concat([prefix, body]));
}
