/**
 * The one store for the sealed pin set and file index (DESIGN §5, §6, T11),
 * against an in-memory server: loaded once, stored only on change, CONFLICT
 * retried on top of the other device's document, and the device's
 * high-water mark as the starting point and raised on every newer version.
 */
import { describe, expect, it } from 'vitest';
import { bytesToBase64, emptyFileIndex, fileIndexEntry, keyPairFromSecretKey, randomBytes, encodeMiniLockId, sealFileIndex, withFileEntry, PeerlockApiError, type FileIndex } from '../../src/index.js';
import { fileIndexKind, pinSetKind, SealedDocumentStore, type Execute } from '../../src/client/sealed-document-store.js';

const me = keyPairFromSecretKey(randomBytes(32));
const myId = encodeMiniLockId(me.publicKey);
const entry = (n: number) =>
  fileIndexEntry({ fileId: `file${String(n).padStart(18, '0')}`, fileInfo: { fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) }, name: `f${n}`, size: n, origin: 'uploaded', sender: myId });

/** The server's side of one document: compare-and-set on its version, counting requests. */
class FakeServer {
  version = 0;
  blob: string | null = null;
  loads = 0;
  stores = 0;
  /** Another device's write that lands just before our next store. */
  raceWith: FileIndex | null = null;

  execute: Execute = async (document, variables) => {
    const name = (document as unknown as { definitions: { name: { value: string } }[] }).definitions[0]!.name.value;
    const v = variables as { blob?: string; expectedVersion?: number };
    if (name === 'FileIndex' || name === 'PinSet') {
      this.loads++;
      const doc = { version: this.version, blob: this.blob };
      return (name === 'FileIndex' ? { fileIndex: doc } : { pinSet: doc }) as never;
    }
    this.stores++;
    if (this.raceWith) {
      this.blob = bytesToBase64(sealFileIndex(this.raceWith, me.secretKey));
      this.version++;
      this.raceWith = null;
    }
    if (v.expectedVersion !== this.version) throw new PeerlockApiError('CONFLICT', 409);
    this.version++;
    this.blob = v.blob!;
    return (name === 'StoreFileIndex' ? { storeFileIndex: { version: this.version } } : { storePinSet: { version: this.version, blob: this.blob } }) as never;
  };
}

describe('sealed document store', () => {
  it('loads once, stores only a changed document, and raises the device mark with every newer version', async () => {
    const server = new FakeServer();
    const seen: number[] = [];
    const store = new SealedDocumentStore(fileIndexKind, server.execute, () => me.secretKey, 0, (v) => void seen.push(v));
    expect(await store.current()).toEqual(emptyFileIndex);
    await store.current();
    expect(server.loads).toBe(1);
    const e = entry(1);
    await store.update((index) => withFileEntry(index, e));
    await store.update((index) => withFileEntry(index, e));
    expect([server.stores, server.loads]).toEqual([1, 1]);
    expect(seen).toEqual([1]);
    expect(store.highWaterMark).toBe(1);
  });

  it('on CONFLICT applies the change again on top of the other device’s document', async () => {
    const server = new FakeServer();
    const store = new SealedDocumentStore(fileIndexKind, server.execute, () => me.secretKey, 0);
    await store.current();
    const theirs = entry(2);
    server.raceWith = withFileEntry(emptyFileIndex, theirs);
    const ours = entry(3);
    const after = await store.update((index) => withFileEntry(index, ours));
    expect(Object.keys(after.entries).sort()).toEqual([theirs.fileId, ours.fileId].sort());
    expect(after.version).toBe(2);
  });

  it('starts from the device mark: an older document, or none at all, after a re-login is a rollback', async () => {
    const server = new FakeServer();
    server.blob = bytesToBase64(sealFileIndex(withFileEntry(emptyFileIndex, entry(4)), me.secretKey));
    server.version = 1;
    await expect(new SealedDocumentStore(fileIndexKind, server.execute, () => me.secretKey, 2).current()).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'rollback' });
    server.blob = null;
    server.version = 0;
    await expect(new SealedDocumentStore(fileIndexKind, server.execute, () => me.secretKey, 1).current()).rejects.toMatchObject({ code: 'FILE_INDEX_REJECTED', reason: 'rollback' });
    await expect(new SealedDocumentStore(pinSetKind, server.execute, () => me.secretKey, 1).current()).rejects.toMatchObject({ code: 'PIN_REJECTED', reason: 'rollback' });
  });
});
