/**
 * Receipts across the reader's key rotation (T5 with T6 pins): a receipt is
 * checked with the reader's key as pinned at its readAt, like messages
 * (keysValidAt), not only with the current pin.
 */
import { describe, expect, it } from 'vitest';
import { acceptKeyChange, createReadReceipt, emptyPinSet, encodeMiniLockId, keyPairFromSecretKey, observeKey, randomBytes, verifyReadReceiptWithPins } from '../src/index.js';

const sender = keyPairFromSecretKey(randomBytes(32));
const oldReader = keyPairFromSecretKey(randomBytes(32));
const newReader = keyPairFromSecretKey(randomBytes(32));
const fields = { messageId: 'm1', conversationId: 'c1', sender: 'alice', reader: 'bob' };
const ROTATED_AT = 10_000;

// Alice pinned bob's old key at t=1, saw the new one, and accepted it at t=10 000.
const pinnedOld = observeKey(emptyPinSet, 'bob', encodeMiniLockId(oldReader.publicKey), 1).set;
const pins = acceptKeyChange(observeKey(pinnedOld, 'bob', encodeMiniLockId(newReader.publicKey), 5_000).set, 'bob', ROTATED_AT);
const receipt = (reader: typeof oldReader, readAt: number) => createReadReceipt({ ...fields, readAt }, reader.secretKey, sender.publicKey);

describe('receipts and the reader key rotation', () => {
  it('a receipt made with the old key before the rotation still verifies (it did not with the current pin alone)', () => {
    expect(verifyReadReceiptWithPins(receipt(oldReader, 9_000), fields, sender.secretKey, pins)).toBe(9_000);
  });

  it('a receipt with the new key verifies', () => {
    expect(verifyReadReceiptWithPins(receipt(newReader, 12_000), fields, sender.secretKey, pins)).toBe(12_000);
  });

  it('the replaced key cannot make receipts dated after it was replaced → replaced-key', () => {
    expect(() => verifyReadReceiptWithPins(receipt(oldReader, ROTATED_AT), fields, sender.secretKey, pins)).toThrow(expect.objectContaining({ code: 'RECEIPT_REJECTED', reason: 'replaced-key' }));
  });

  it('a key never pinned, or no pin at all → undecryptable; a receipt for another message → field-mismatch', () => {
    const stranger = keyPairFromSecretKey(randomBytes(32));
    expect(() => verifyReadReceiptWithPins(receipt(stranger, 9_000), fields, sender.secretKey, pins)).toThrow(expect.objectContaining({ reason: 'undecryptable' }));
    expect(() => verifyReadReceiptWithPins(receipt(oldReader, 9_000), fields, sender.secretKey, emptyPinSet)).toThrow(expect.objectContaining({ reason: 'undecryptable' }));
    expect(() => verifyReadReceiptWithPins(receipt(oldReader, 9_000), { ...fields, messageId: 'm2' }, sender.secretKey, pins)).toThrow(expect.objectContaining({ reason: 'field-mismatch' }));
  });
});
