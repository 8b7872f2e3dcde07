/** Read receipts and threat T5: the test plays the server, which holds no user secret. */
import { describe, expect, it } from 'vitest';
import { ReceiptRejectedError, createReadReceipt, keyPairFromSecretKey, randomBytes, verifyReadReceipt } from '../src/index.js';

const alice = keyPairFromSecretKey(randomBytes(32)); // sender
const bob = keyPairFromSecretKey(randomBytes(32)); // reader
const mallory = keyPairFromSecretKey(randomBytes(32)); // the server, or anyone else
const fields = { messageId: 'm-1', conversationId: 'c-1', sender: 'alice', reader: 'bob' };
const readAt = 1_790_000_000_123;

const rejected = (reason: string) => expect.objectContaining({ code: 'RECEIPT_REJECTED', reason });

describe('read receipts', () => {
  it('the sender verifies the reader’s receipt and learns the authenticated time', () => {
    const receipt = createReadReceipt({ ...fields, readAt }, bob.secretKey, alice.publicKey);
    expect(verifyReadReceipt(receipt, fields, alice.secretKey, bob.publicKey)).toBe(readAt);
  });

  it('binds usernames case-insensitively', () => {
    const receipt = createReadReceipt({ ...fields, sender: 'Alice', readAt }, bob.secretKey, alice.publicKey);
    expect(verifyReadReceipt(receipt, { ...fields, reader: 'BOB' }, alice.secretKey, bob.publicKey)).toBe(readAt);
  });

  it('T5: a receipt the server makes with its own key does not verify against the reader’s pinned key', () => {
    const forged = createReadReceipt({ ...fields, readAt }, mallory.secretKey, alice.publicKey);
    expect(() => verifyReadReceipt(forged, fields, alice.secretKey, bob.publicKey)).toThrow(rejected('undecryptable'));
  });

  it('T5: a genuine receipt replayed for another message, conversation, sender or reader is refused', () => {
    const receipt = createReadReceipt({ ...fields, readAt }, bob.secretKey, alice.publicKey);
    for (const other of [
      { ...fields, messageId: 'm-2' },
      { ...fields, conversationId: 'c-2' },
      { ...fields, sender: 'carol' },
      { ...fields, reader: 'dave' },
    ]) {
      expect(() => verifyReadReceipt(receipt, other, alice.secretKey, bob.publicKey)).toThrow(rejected('field-mismatch'));
    }
  });

  it('T5: substituting the receipt’s reader (verifying with another contact’s key) fails', () => {
    const carol = keyPairFromSecretKey(randomBytes(32));
    const receipt = createReadReceipt({ ...fields, readAt }, bob.secretKey, alice.publicKey);
    expect(() => verifyReadReceipt(receipt, { ...fields, reader: 'carol' }, alice.secretKey, carol.publicKey)).toThrow(rejected('undecryptable'));
  });

  it('any flipped bit is refused', () => {
    const receipt = createReadReceipt({ ...fields, readAt }, bob.secretKey, alice.publicKey);
    for (let i = 0; i < receipt.length; i += 7) {
      const bad = receipt.slice();
      bad[i]! ^= 0x10;
      expect(() => verifyReadReceipt(bad, fields, alice.secretKey, bob.publicKey)).toThrow(ReceiptRejectedError);
    }
  });

  it('refuses short input and bad arguments with typed errors', () => {
    expect(() => verifyReadReceipt(new Uint8Array(10), fields, alice.secretKey, bob.publicKey)).toThrow(rejected('malformed'));
    expect(() => createReadReceipt({ ...fields, readAt: -1 }, bob.secretKey, alice.publicKey)).toThrow(RangeError);
    expect(() => createReadReceipt({ ...fields, messageId: '', readAt }, bob.secretKey, alice.publicKey)).toThrow(TypeError);
    expect(() => createReadReceipt({ ...fields, readAt }, new Uint8Array(31), alice.publicKey)).toThrow(RangeError);
  });
});
