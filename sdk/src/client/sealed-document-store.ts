/**
 * A user's state kept on the server as one document sealed to the user's own
 * key, so every device shares it: the key pins (DESIGN §6). (The file index,
 * §5, grows with every file, so it is a log of records instead:
 * file-index-store.ts.) The store is parametrised by the document's
 * operations and its seal.
 *
 * Changes are compare-and-set on the server's version: on CONFLICT another
 * device wrote first, so we reload its document and apply our change again
 * on top. The document's own version (inside the seal) is the rollback
 * high-water mark; it starts at this device's mark (kept across logins) and
 * every newer version opened or stored raises that mark (`onSeen`), so a
 * server cannot hand a re-logged-in device an older document.
 *
 * The document is loaded once and cached; it is stored only when a change
 * returns a different document.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { base64ToBytes, bytesToBase64 } from '../crypto/bytes.js';
import { emptyPinSet, PinRejectedError, type PinSet } from '../contacts/key-pins.js';
import { openPinSet, sealPinSet } from '../contacts/pin-sync.js';
import { PeerlockApiError } from './errors.js';
import { PinSetDocument, StorePinSetDocument } from './generated/graphql.js';

export type Execute = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => Promise<R>;

/** What the server holds of a sealed document: its version and the base64 blob (null: none stored). */
export interface StoredBlob {
  readonly version: number;
  readonly blob?: string | null;
}

/** One kind of sealed document: its empty value, its seal, and the two operations that read and store it. */
export interface SealedDocumentKind<Doc extends { readonly version: number }> {
  readonly empty: Doc;
  seal(doc: Doc, secretKey: Uint8Array): Uint8Array;
  /** Opens and checks a blob; refuses one older than `newestSeen`. */
  open(blob: Uint8Array, secretKey: Uint8Array, newestSeen: number): Doc;
  /** The error for a server that shows no document after this device saw one. */
  rollback(): Error;
  load(execute: Execute): Promise<StoredBlob>;
  store(execute: Execute, blob: string, expectedVersion: number): Promise<StoredBlob>;
}

export class SealedDocumentStore<Doc extends { readonly version: number }> {
  private doc: Doc;
  private serverVersion = 0;
  private loaded = false;

  constructor(
    private readonly kind: SealedDocumentKind<Doc>,
    private readonly execute: Execute,
    private readonly secretKey: () => Uint8Array,
    /** The newest version this device has seen (its mark, kept across sessions). */
    private newestSeen: number,
    /** Told of every newer version opened or stored, to raise the device's mark. */
    private readonly onSeen: (version: number) => void = () => undefined,
  ) {
    this.doc = kind.empty;
  }

  get highWaterMark(): number {
    return this.newestSeen;
  }

  async current(): Promise<Doc> {
    if (!this.loaded) await this.reload();
    return this.doc;
  }

  async reload(): Promise<void> {
    const stored = await this.kind.load(this.execute);
    this.serverVersion = stored.version;
    // A server that forgets a document we have seen is rolling it back.
    if (stored.blob == null && this.newestSeen > 0) throw this.kind.rollback();
    this.doc = stored.blob == null ? this.kind.empty : this.kind.open(base64ToBytes(stored.blob), this.secretKey(), this.newestSeen);
    this.seen(this.doc.version);
    this.loaded = true;
  }

  /**
   * Stores `doc` over whatever the server holds, unopened: after a key
   * rotation the stored document is sealed to the old key and cannot be opened.
   */
  async overwrite(doc: Doc): Promise<void> {
    const { version } = await this.kind.load(this.execute);
    const stored = await this.kind.store(this.execute, bytesToBase64(this.kind.seal(doc, this.secretKey())), version);
    this.serverVersion = stored.version;
    this.doc = doc;
    this.seen(doc.version);
    this.loaded = true;
  }

  /** Applies `change` to the newest document and stores it if it changed; returns the document now held. */
  async update(change: (doc: Doc) => Doc): Promise<Doc> {
    for (let attempt = 0; ; attempt++) {
      const before = await this.current();
      const next = change(before);
      if (next === before) return before;
      try {
        const stored = await this.kind.store(this.execute, bytesToBase64(this.kind.seal(next, this.secretKey())), this.serverVersion);
        this.serverVersion = stored.version;
        this.doc = next;
        this.seen(next.version);
        return next;
      } catch (error) {
        if (!(error instanceof PeerlockApiError && error.code === 'CONFLICT') || attempt >= 3) throw error;
        await this.reload();
      }
    }
  }

  private seen(version: number): void {
    if (version <= this.newestSeen) return;
    this.newestSeen = version;
    this.onSeen(version);
  }
}

/** The key pins (DESIGN §6): contacts/pin-sync.ts. */
export const pinSetKind: SealedDocumentKind<PinSet> = {
  empty: emptyPinSet,
  seal: sealPinSet,
  open: openPinSet,
  rollback: () => new PinRejectedError('rollback'),
  load: async (execute) => (await execute(PinSetDocument, {})).pinSet,
  store: async (execute, blob, expectedVersion) => (await execute(StorePinSetDocument, { blob, expectedVersion })).storePinSet,
};

