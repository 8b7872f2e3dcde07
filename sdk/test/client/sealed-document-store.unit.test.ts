/**
 * The sealed-document store of the pin set (DESIGN §6, T11), against an
 * in-memory server: loaded once, stored only on change, CONFLICT retried on
 * top of the other device's document, and the device's high-water mark as
 * the starting point and raised on every newer version.
 */
import { describe, expect, it } from 'vitest';
import { bytesToBase64, emptyPinSet, encodeMiniLockId, keyPairFromSecretKey, observeKey, randomBytes, sealPinSet, PeerlockApiError, type PinSet } from '../../src/index.js';
import { pinSetKind, SealedDocumentStore, type Execute } from '../../src/client/sealed-document-store.js';

const me = keyPairFromSecretKey(randomBytes(32));
const someKey = () => encodeMiniLockId(keyPairFromSecretKey(randomBytes(32)).publicKey);
const pin = (set: PinSet, username: string, key = someKey()) => observeKey(set, username, key, 1_000).set;

/** The server's side of one document: compare-and-set on its version, counting requests. */
class FakeServer {
  version = 0;
  blob: string | null = null;
  loads = 0;
  stores = 0;
  /** Another device's write that lands just before our next store. */
  raceWith: PinSet | null = null;

  execute: Execute = async (document, variables) => {
    const name = (document as unknown as { definitions: { name: { value: string } }[] }).definitions[0]!.name.value;
    const v = variables as { blob?: string; expectedVersion?: number };
    if (name === 'PinSet') {
      this.loads++;
      return { pinSet: { version: this.version, blob: this.blob } } as never;
    }
    this.stores++;
    if (this.raceWith) {
      this.blob = bytesToBase64(sealPinSet(this.raceWith, me.secretKey));
      this.version++;
      this.raceWith = null;
    }
    if (v.expectedVersion !== this.version) throw new PeerlockApiError('CONFLICT', 409);
    this.version++;
    this.blob = v.blob!;
    return { storePinSet: { version: this.version, blob: this.blob } } as never;
  };
}

describe('sealed document store (the pin set)', () => {
  it('loads once, stores only a changed document, and raises the device mark with every newer version', async () => {
    const server = new FakeServer();
    const seen: number[] = [];
    const store = new SealedDocumentStore(pinSetKind, server.execute, () => me.secretKey, 0, (v) => void seen.push(v));
    expect(await store.current()).toEqual(emptyPinSet);
    await store.current();
    expect(server.loads).toBe(1);
    const key = someKey();
    await store.update((set) => pin(set, 'carol', key));
    await store.update((set) => pin(set, 'carol', key));
    expect([server.stores, server.loads]).toEqual([1, 1]);
    expect(seen).toEqual([1]);
    expect(store.highWaterMark).toBe(1);
  });

  it('on CONFLICT applies the change again on top of the other device’s document', async () => {
    const server = new FakeServer();
    const store = new SealedDocumentStore(pinSetKind, server.execute, () => me.secretKey, 0);
    await store.current();
    server.raceWith = pin(emptyPinSet, 'carol');
    const after = await store.update((set) => pin(set, 'dave'));
    expect(Object.keys(after.pins).sort()).toEqual(['carol', 'dave']);
    expect(after.version).toBe(2);
  });

  it('starts from the device mark: an older document, or none at all, after a re-login is a rollback', async () => {
    const server = new FakeServer();
    server.blob = bytesToBase64(sealPinSet(pin(emptyPinSet, 'carol'), me.secretKey));
    server.version = 1;
    await expect(new SealedDocumentStore(pinSetKind, server.execute, () => me.secretKey, 2).current()).rejects.toMatchObject({ code: 'PIN_REJECTED', reason: 'rollback' });
    server.blob = null;
    server.version = 0;
    await expect(new SealedDocumentStore(pinSetKind, server.execute, () => me.secretKey, 1).current()).rejects.toMatchObject({ code: 'PIN_REJECTED', reason: 'rollback' });
  });
});
