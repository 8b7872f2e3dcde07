/**
 * The user's key pins (DESIGN §6) kept on the server sealed to the user's
 * own key, so every device shares them. Changes are compare-and-set on the
 * server's version: on CONFLICT another device wrote first, so we reload
 * its set and apply our change again on top. The pin set's own version
 * (inside the seal) is the rollback high-water mark.
 */
import { base64ToBytes, bytesToBase64 } from '../crypto/bytes.js';
import { emptyPinSet, PinRejectedError, type PinSet } from '../contacts/key-pins.js';
import { openPinSet, sealPinSet } from '../contacts/pin-sync.js';
import { PeerlockApiError } from './errors.js';
import { PinSetDocument, StorePinSetDocument } from './generated/graphql.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export type Execute = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => Promise<R>;

export class PinStore {
  private set: PinSet = emptyPinSet;
  private serverVersion = 0;
  private loaded = false;

  constructor(
    private readonly execute: Execute,
    private readonly secretKey: () => Uint8Array,
    /** The newest pin-set version this device has seen (kept across sessions). */
    private newestSeen = 0,
  ) {}

  get highWaterMark(): number {
    return this.newestSeen;
  }

  async current(): Promise<PinSet> {
    if (!this.loaded) await this.reload();
    return this.set;
  }

  async reload(): Promise<void> {
    const { pinSet } = await this.execute(PinSetDocument, {});
    this.serverVersion = pinSet.version;
    // A server that forgets a set we have seen is rolling it back.
    if (pinSet.blob == null && this.newestSeen > 0) throw new PinRejectedError('rollback');
    this.set = pinSet.blob == null ? emptyPinSet : openPinSet(base64ToBytes(pinSet.blob), this.secretKey(), this.newestSeen);
    this.newestSeen = Math.max(this.newestSeen, this.set.version);
    this.loaded = true;
  }

  /**
   * Stores `set` over whatever the server holds, unopened: after a key
   * rotation the stored set is sealed to the old key and cannot be opened.
   */
  async overwrite(set: PinSet): Promise<void> {
    const { pinSet } = await this.execute(PinSetDocument, {});
    const blob = bytesToBase64(sealPinSet(set, this.secretKey()));
    const { storePinSet } = await this.execute(StorePinSetDocument, { blob, expectedVersion: pinSet.version });
    this.serverVersion = storePinSet.version;
    this.set = set;
    this.newestSeen = Math.max(this.newestSeen, set.version);
    this.loaded = true;
  }

  /** Applies `change` to the newest set and stores it; returns the stored set. */
  async update(change: (set: PinSet) => PinSet): Promise<PinSet> {
    for (let attempt = 0; ; attempt++) {
      const before = await this.current();
      const next = change(before);
      if (next === before) return before;
      try {
        const blob = bytesToBase64(sealPinSet(next, this.secretKey()));
        const { storePinSet } = await this.execute(StorePinSetDocument, { blob, expectedVersion: this.serverVersion });
        this.serverVersion = storePinSet.version;
        this.set = next;
        this.newestSeen = Math.max(this.newestSeen, next.version);
        return next;
      } catch (error) {
        if (!(error instanceof PeerlockApiError && error.code === 'CONFLICT') || attempt >= 3) throw error;
        await this.reload();
      }
    }
  }
}
