/**
 * "Keep me signed in on this device" (issue 16): the SDK session (identity
 * secret, device-session secret, pin version; no tokens, the session refills
 * them) sealed with AES-GCM under a WebCrypto key that is generated
 * non-extractable and stored in IndexedDB beside the ciphertext. Script on
 * this origin can use the key but never read its bytes, and a copy of the
 * browser profile's files carries a key only this browser's crypto opens.
 * Log out, a session ended elsewhere and a failed open all delete the
 * record. Without the box ticked nothing is stored. What this does not stop
 * (docs/web.md): malware or another user of this browser profile, which can
 * run the page and open the session, as with Signal Desktop's local key.
 */
import type { ClientSession } from '@peerlock/sdk';

const DB = 'peerlock';
const STORE = 'kept-session';
const KEY = 'current';

interface Record {
  readonly key: CryptoKey;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly sealed: ArrayBuffer;
  /** The server the session belongs to (this page's origin). */
  readonly origin: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** Seals and stores the session; the tokens are left out (spent ones would only be refused; the session refills). */
export async function keepSession(session: ClientSession): Promise<void> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify({ ...session, tokens: [], tokensExpireAt: 0 }));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
  plain.fill(0);
  await run('readwrite', (s) => s.put({ key, iv, sealed, origin: location.origin } satisfies Record, KEY));
}

/** The kept session, or null (none, another origin's, or one that does not open: then it is deleted). */
export async function keptSession(): Promise<ClientSession | null> {
  let record: Record | undefined;
  try {
    record = (await run('readonly', (s) => s.get(KEY))) as Record | undefined;
  } catch {
    return null;
  }
  if (!record) return null;
  try {
    if (record.origin !== location.origin) throw new Error('another server');
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv }, record.key, record.sealed);
    return JSON.parse(new TextDecoder().decode(plain)) as ClientSession;
  } catch {
    await forgetSession();
    return null;
  }
}

export async function forgetSession(): Promise<void> {
  await run('readwrite', (s) => s.delete(KEY)).catch(() => undefined);
}
