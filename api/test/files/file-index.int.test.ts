/**
 * The sealed file index over real HTTP (DESIGN §5): a log of opaque records
 * per user, read in pages from a sequence and appended with compare-and-set
 * on its length; a token for both; the limits at the door (BAD_INPUT). Then
 * the SDK on it: uploads recorded, a key rotation carrying the index over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_INDEX_PAGE, MAX_FILE_INDEX_RECORD_BYTES, MAX_FILE_INDEX_RECORDS_PER_APPEND } from '@peerlock/schema';
import {
  base64ToBytes,
  bytesToBase64,
  fileIndexEntry,
  keyPairFromSecretKey,
  randomBytes,
  sealFileIndexRecord,
  utf8ToBytes,
  FileIndexLog,
  FILE_INDEX_PAGE,
  FILE_INDEX_RECORDS_PER_APPEND,
  MAX_FILE_INDEX_RECORD_BYTES as SDK_MAX_RECORD_BYTES,
  PeerlockClient,
  type FileIndexRecord,
  type PlaintextSink,
} from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, post } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';

const RECORDS = 'query($after: Int, $first: Int) { fileIndexRecords(after: $after, first: $first) { records { sequence blob } version } }';
const APPEND = 'mutation($v: Int!, $b: [String!]!) { appendFileIndexRecords(expectedVersion: $v, blobs: $b) }';

interface Page {
  fileIndexRecords: { records: { sequence: number; blob: string }[]; version: number };
}

describe('file index limits', () => {
  it('are the same in the SDK and on the server', () => {
    expect([SDK_MAX_RECORD_BYTES, FILE_INDEX_PAGE, FILE_INDEX_RECORDS_PER_APPEND]).toEqual([MAX_FILE_INDEX_RECORD_BYTES, MAX_FILE_INDEX_PAGE, MAX_FILE_INDEX_RECORDS_PER_APPEND]);
  });
});

describe.each(BACKENDS)('file index (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  const record = (sequence: number, name: string): FileIndexRecord => ({
    sequence,
    op: 'put',
    entry: fileIndexEntry({
      fileId: bytesToBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22),
      fileInfo: { fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) },
      name,
      size: 13,
      origin: 'uploaded',
      sender: alice.miniLockId,
    }),
  });
  const sealed = (r: FileIndexRecord) => bytesToBase64(sealFileIndexRecord(r, alice.identity.secretKey));

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('appends sealed records with compare-and-set on the log’s length and serves them back in order, in pages; each user has their own', async () => {
    expect(await alice.ok(RECORDS)).toEqual({ fileIndexRecords: { records: [], version: 0 } });
    const records = [record(1, 'notes.txt'), record(2, 'b'), record(3, 'c'), record(4, 'd')];
    const blobs = records.map(sealed);
    expect(await alice.ok(APPEND, { v: 0, b: [blobs[0]] })).toEqual({ appendFileIndexRecords: 1 });
    // A second device that also read an empty log cannot write record 1 again, nor can one ahead of the log write.
    expectCode(await alice.request(APPEND, { v: 0, b: [blobs[1]] }), 'CONFLICT');
    expectCode(await alice.request(APPEND, { v: 2, b: [blobs[1]] }), 'CONFLICT');
    // Several records at once: all get consecutive sequences.
    expect(await alice.ok(APPEND, { v: 1, b: blobs.slice(1) })).toEqual({ appendFileIndexRecords: 4 });

    const all = await alice.ok<Page>(RECORDS);
    expect(all.fileIndexRecords).toEqual({ records: blobs.map((blob, i) => ({ sequence: i + 1, blob })), version: 4 });
    const log = new FileIndexLog();
    for (const r of all.fileIndexRecords.records) log.read(base64ToBytes(r.blob), alice.identity.secretKey);
    log.check(4);
    expect(Object.keys(log.entries)).toHaveLength(4);

    expect(await alice.ok<Page>(RECORDS, { after: 1, first: 2 })).toEqual({ fileIndexRecords: { records: [2, 3].map((s) => ({ sequence: s, blob: blobs[s - 1] })), version: 4 } });
    expect(await alice.ok<Page>(RECORDS, { after: 4 })).toEqual({ fileIndexRecords: { records: [], version: 4 } });
    expect(await alice.ok<Page>(RECORDS, { after: 1000, first: 1 })).toEqual({ fileIndexRecords: { records: [], version: 4 } });
    expect(await bob.ok(RECORDS)).toEqual({ fileIndexRecords: { records: [], version: 0 } });
    // The pin set is a document of its own: untouched.
    expect(await alice.ok('{ pinSet { version } }')).toEqual({ pinSet: { version: 0 } });
  });

  it('takes records of up to 2 KiB, up to 100 at once; refuses larger, more, none, not base64, and pages out of range (BAD_INPUT); nothing without a token', async () => {
    const { fileIndexRecords } = await alice.ok<Page>(RECORDS, { after: 1000, first: 1 });
    const v = fileIndexRecords.version;
    const largest = bytesToBase64(randomBytes(MAX_FILE_INDEX_RECORD_BYTES));
    const refusals: [Record<string, unknown>, string][] = [
      [{ v, b: [bytesToBase64(randomBytes(MAX_FILE_INDEX_RECORD_BYTES + 1))] }, 'blobs'],
      [{ v, b: [largest, 'not base64!'] }, 'blobs'],
      [{ v, b: [] }, 'blobs'],
      [{ v, b: Array.from({ length: MAX_FILE_INDEX_RECORDS_PER_APPEND + 1 }, () => 'AAAA') }, 'blobs'],
      [{ v: -1, b: ['AAAA'] }, 'expectedVersion'],
    ];
    for (const [variables, field] of refusals) {
      const res = await alice.request(APPEND, variables);
      expectCode(res, 'BAD_INPUT');
      expect(res.errors![0]!.extensions!.field).toBe(field);
    }
    const most = Array.from({ length: MAX_FILE_INDEX_RECORDS_PER_APPEND }, () => largest);
    expect(await alice.ok(APPEND, { v, b: most })).toEqual({ appendFileIndexRecords: v + MAX_FILE_INDEX_RECORDS_PER_APPEND });
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: MAX_FILE_INDEX_PAGE + 1 }, 'first'],
      [{ after: -1 }, 'after'],
    ] as const) {
      const res = await alice.request(RECORDS, variables);
      expectCode(res, 'BAD_INPUT');
      expect(res.errors![0]!.extensions!.field).toBe(field);
    }
    expect((await alice.ok<Page>(RECORDS, { after: v, first: MAX_FILE_INDEX_PAGE })).fileIndexRecords.records).toHaveLength(MAX_FILE_INDEX_RECORDS_PER_APPEND);
    expectCode(await post(server.url, RECORDS), 'UNAUTHENTICATED');
    expectCode(await post(server.url, APPEND, { v: 0, b: ['AAAA'] }), 'UNAUTHENTICATED');
  });

  it('SDK: uploads are recorded one record each; a key rotation re-writes the index under the new key, which every client of the new key reads and extends', async () => {
    const identity = keyPairFromSecretKey(randomBytes(32));
    const carol = new PeerlockClient({ url: server.url, now: server.clock.now });
    await carol.signup({ username: 'carol', passphrase: '', identity });
    const text = (s: string) => ({ source: [utf8ToBytes(s)], size: utf8ToBytes(s).length, name: `${s}.txt` });
    const files = [await carol.files.upload(text('one')), await carol.files.upload(text('two')), await carol.files.upload(text('three'))];
    await carol.files.remove(files[1]!.fileId);
    expect((await carol.fileIndex().current()).version).toBe(4);

    const next = keyPairFromSecretKey(randomBytes(32));
    await carol.rotateKeys({ identity: next });
    // restart + a put for each of the two files left.
    expect((await carol.fileIndex().current()).version).toBe(7);
    const later = await carol.files.upload(text('four'));
    const again = new PeerlockClient({ url: server.url, now: server.clock.now });
    await again.login({ username: 'carol', identity: next });
    const names = async (client: PeerlockClient) => Object.values((await client.fileIndex().current()).entries).map((e) => e.name).sort();
    for (const client of [carol, again]) {
      expect(await names(client)).toEqual(['four.txt', 'one.txt', 'three.txt']);
      const parts: Uint8Array[] = [];
      const sink: PlaintextSink = { write: (p) => void parts.push(p.slice()), commit: () => undefined, abort: () => undefined };
      expect((await client.files.download(later.fileId, sink)).fileName).toBe('four.txt');
      await expect(client.files.shareById(files[1]!.fileId, [])).rejects.toMatchObject({ code: 'FILE_REJECTED', reason: 'not-in-index' });
    }
    expect((await again.fileIndex().current()).version).toBe(8);
  });
});
