/**
 * The file index store (DESIGN §5, T11) against an in-memory server that
 * keeps the log as the real one does (compare-and-set on the record count,
 * pages of at most 500, at most 100 records per append of at most 2 KiB):
 * loaded once in pages then only the tail, one record per change, CONFLICT
 * read and retried, the log's refusals, a key rotation, and 3 000 files.
 */
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  encodeMiniLockId,
  fileIndexEntry,
  keyPairFromSecretKey,
  randomBytes,
  sealFileIndexRecord,
  PeerlockApiError,
  MAX_FILE_INDEX_RECORD_BYTES,
  type FileIndexEntry,
} from '../../src/index.js';
import { FileIndexStore, FILE_INDEX_PAGE, FILE_INDEX_RECORDS_PER_APPEND } from '../../src/client/file-index-store.js';
import type { Execute } from '../../src/client/sealed-document-store.js';

const me = keyPairFromSecretKey(randomBytes(32));
/** A fixed sender of 45 characters (most miniLock IDs), so record sizes are exact. */
const sender = encodeMiniLockId(new Uint8Array(32).fill(42));
const fileId = () => bytesToBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
const entry = (n: number): FileIndexEntry =>
  fileIndexEntry({ fileId: fileId(), fileInfo: { fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) }, name: `scan-${String(n).padStart(4, '0')}.pdf`, size: 1_000_000, origin: 'uploaded', sender });

interface Request {
  readonly name: string;
  readonly variables: { after?: number; first?: number; expectedVersion?: number; blobs?: string[] };
}

/** The server's side: the log of base64 records, the real limits, every request kept. */
class FakeLogServer {
  blobs: string[] = [];
  requests: Request[] = [];
  /** Runs just before the next append is decided (another device's write). */
  beforeNextAppend: (() => void) | null = null;
  /** A hostile server: what it serves instead of the log. */
  serve: ((log: string[]) => string[]) | null = null;

  execute: Execute = async (document, variables) => {
    const name = (document as unknown as { definitions: { name: { value: string } }[] }).definitions[0]!.name.value;
    const v = variables as Request['variables'];
    this.requests.push({ name, variables: v });
    if (name === 'FileIndexRecords') {
      if (!(v.first! >= 1 && v.first! <= 500)) throw new PeerlockApiError('BAD_INPUT', 400, { field: 'first' });
      const served = this.serve ? this.serve([...this.blobs]) : this.blobs;
      const records = served.slice(v.after, v.after! + v.first!).map((blob, i) => ({ sequence: v.after! + i + 1, blob }));
      return { fileIndexRecords: { records, version: served.length } } as never;
    }
    if (name !== 'AppendFileIndexRecords') throw new Error(`unexpected ${name}`);
    const before = this.beforeNextAppend;
    this.beforeNextAppend = null;
    before?.();
    if (v.blobs!.length < 1 || v.blobs!.length > 100 || v.blobs!.some((b) => base64ToBytes(b).length > MAX_FILE_INDEX_RECORD_BYTES)) throw new PeerlockApiError('BAD_INPUT', 400, { field: 'blobs' });
    if (v.expectedVersion !== this.blobs.length) throw new PeerlockApiError('CONFLICT', 409);
    this.blobs.push(...v.blobs!);
    return { appendFileIndexRecords: this.blobs.length } as never;
  };

  /** Another device of the same user appends a put. */
  appendPut(e: FileIndexEntry, secretKey = me.secretKey): void {
    this.blobs.push(bytesToBase64(sealFileIndexRecord({ sequence: this.blobs.length + 1, op: 'put', entry: e }, secretKey)));
  }

  take(): Request[] {
    return this.requests.splice(0);
  }
}

const storeOn = (server: FakeLogServer, mark = 0, secretKey = me.secretKey, seen: number[] = []) => new FileIndexStore(server.execute, () => secretKey, mark, (v) => void seen.push(v));
const pages = (requests: Request[]) => requests.filter((r) => r.name === 'FileIndexRecords').map((r) => r.variables.after);

describe('file index store', () => {
  it('uses the server’s limits', () => {
    expect([FILE_INDEX_PAGE, FILE_INDEX_RECORDS_PER_APPEND]).toEqual([500, 100]);
  });

  it('loads the whole log once, in pages, then reads only the tail; raises the device mark to its length', async () => {
    const server = new FakeLogServer();
    for (let i = 0; i < 1200; i++) server.appendPut(entry(i));
    const seen: number[] = [];
    const store = storeOn(server, 0, me.secretKey, seen);
    const index = await store.current();
    expect(index.version).toBe(1200);
    expect(Object.keys(index.entries)).toHaveLength(1200);
    expect(pages(server.take())).toEqual([0, 500, 1000]);
    await store.current();
    expect(server.take()).toEqual([]);
    server.appendPut(entry(1200));
    expect((await store.refresh()).version).toBe(1201);
    expect(pages(server.take())).toEqual([1200]);
    expect(seen).toEqual([1200, 1201]);
    expect(store.highWaterMark).toBe(1201);
  });

  it('appends one record per change with the length it holds as expected version; an id already there, or a remove of one absent, appends nothing', async () => {
    const server = new FakeLogServer();
    const store = storeOn(server);
    const a = entry(1);
    await store.add(a);
    await store.add(a);
    await store.add({ ...entry(2), fileId: a.fileId });
    await store.remove('AAAAAAAAAAAAAAAAAAAAAA');
    await store.remove(a.fileId);
    const appends = server.take().filter((r) => r.name === 'AppendFileIndexRecords');
    expect(appends.map((r) => [r.variables.expectedVersion, r.variables.blobs!.length])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(await store.current()).toMatchObject({ version: 2, entries: {} });
    expect(store.highWaterMark).toBe(2);
  });

  it('on CONFLICT reads the other device’s records and appends after them; calls made together run one after the other', async () => {
    const server = new FakeLogServer();
    const store = storeOn(server);
    await store.current();
    server.take();
    const theirs = entry(1);
    server.beforeNextAppend = () => server.appendPut(theirs);
    const ours = entry(2);
    await store.add(ours);
    expect(server.take().map((r) => [r.name, r.variables.after ?? r.variables.expectedVersion])).toEqual([
      ['AppendFileIndexRecords', 0],
      ['FileIndexRecords', 0],
      ['AppendFileIndexRecords', 1],
    ]);
    expect(Object.keys((await store.current()).entries).sort()).toEqual([theirs.fileId, ours.fileId].sort());
    await Promise.all([store.add(entry(3)), store.add(entry(4)), store.current(), store.remove(ours.fileId)]);
    expect(server.take().map((r) => r.name)).toEqual(['AppendFileIndexRecords', 'AppendFileIndexRecords', 'AppendFileIndexRecords']);
    expect(await storeOn(server).current()).toMatchObject({ version: 5 });
  });

  it.each<[string, string, (log: string[]) => string[], number]>([
    ['a middle record dropped', 'gap', (log) => [...log.slice(0, 2), ...log.slice(3)], 0],
    ['a middle record dropped, below the mark', 'gap', (log) => [...log.slice(0, 2), ...log.slice(3)], 5],
    ['two records swapped', 'gap', (log) => [log[0]!, log[2]!, log[1]!, ...log.slice(3)], 0],
    ['a record served twice', 'gap', (log) => [log[0]!, ...log], 0],
    ['a record that is not base64', 'undecryptable', (log) => [...log.slice(0, 4), 'not base64!'], 0],
    ['another user’s record', 'undecryptable', (log) => [...log, bytesToBase64(sealFileIndexRecord({ sequence: 6, op: 'put', entry: entry(9) }, randomBytes(32)))], 0],
    ['the newest records dropped, below the mark', 'rollback', (log) => log.slice(0, 3), 5],
    ['nothing at all, below the mark', 'rollback', () => [], 1],
  ])('refuses a log with %s (%s), then reads it again from the start on the next call', async (_case, reason, serve, mark) => {
    const server = new FakeLogServer();
    for (let i = 0; i < 5; i++) server.appendPut(entry(i));
    server.serve = serve;
    const store = storeOn(server, mark);
    await expect(store.current()).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason });
    server.take();
    await expect(store.add(entry(7))).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason });
    expect(pages(server.take())[0]).toBe(0);
    expect(server.blobs).toHaveLength(5);
    expect(store.highWaterMark).toBe(mark);
  });

  it('after a key rotation writes a restart and a put per entry under the new key, in appends of 100, which a new client reads and the old key cannot', async () => {
    const server = new FakeLogServer();
    const before = storeOn(server);
    for (let i = 0; i < 250; i++) await before.add(entry(i));
    const index = await before.current();
    await before.remove(Object.keys(index.entries)[0]!);
    expect(index.version).toBe(251);
    const kept = { ...index.entries };
    server.take();

    const next = keyPairFromSecretKey(randomBytes(32));
    const seen: number[] = [];
    const after = new FileIndexStore(server.execute, () => next.secretKey, 251, (v) => void seen.push(v));
    await after.restart(Object.values(kept), index.version);
    const requests = server.take();
    // The count read (never opened), then restart + 249 puts = 250 records in three appends.
    expect(requests.map((r) => [r.name, r.variables.expectedVersion ?? r.variables.after, r.variables.blobs?.length])).toEqual([
      ['FileIndexRecords', 251, undefined],
      ['AppendFileIndexRecords', 251, 100],
      ['AppendFileIndexRecords', 351, 100],
      ['AppendFileIndexRecords', 451, 50],
    ]);
    expect(seen).toEqual([501]);
    expect({ ...(await after.current()).entries }).toEqual(kept);
    expect(server.take()).toEqual([]);

    const fresh = new FileIndexStore(server.execute, () => next.secretKey, 0);
    expect(await fresh.current()).toMatchObject({ version: 501 });
    expect({ ...(await fresh.current()).entries }).toEqual(kept);
    await expect(storeOn(server).current()).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'undecryptable' });
  });

  it('after a key rotation with no index at all writes nothing', async () => {
    const server = new FakeLogServer();
    const store = storeOn(server);
    await store.restart([], 0);
    expect(server.take().map((r) => r.name)).toEqual(['FileIndexRecords']);
    expect(await store.current()).toMatchObject({ version: 0 });
  });

  it('takes 3 000 uploads’ worth of records: one request and the same bytes per added entry, and a new client loads them in 6 pages', async () => {
    const server = new FakeLogServer();
    const store = storeOn(server);
    await store.current();
    server.take();
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      await store.add(entry(i));
      const requests = server.take();
      expect(requests).toHaveLength(1);
      expect(requests[0]!.variables.blobs).toHaveLength(1);
      sizes.push(base64ToBytes(requests[0]!.variables.blobs![0]!).length);
    }
    // Only the sequence's digits grow (1 → 3000: 3 bytes); nothing grows with the index.
    expect(sizes[0]).toBe(351);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBe(3);
    expect(sizes[2999]).toBe(354);

    const fresh = storeOn(server);
    const index = await fresh.current();
    expect(index.version).toBe(3000);
    expect(Object.keys(index.entries)).toHaveLength(3000);
    expect(pages(server.take())).toEqual([0, 500, 1000, 1500, 2000, 2500]);
  });
});
