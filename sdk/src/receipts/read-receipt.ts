/**
 * Read receipts (DESIGN.md §4, threat T5). The reader proves "I, reader,
 * read message m of conversation c sent by sender, at readAt" to the sender
 * alone, with a NaCl box from the reader's identity key to the sender's:
 *
 *   body    = "peerlock-receipt/v1" ‖ field(messageId) ‖ field(conversationId)
 *             ‖ field(sender) ‖ field(reader) ‖ uint64-BE(readAt ms)
 *   field(x) = uint16-BE(len(utf8 x)) ‖ utf8 x     (length-prefixed: no field can bleed into the next)
 *   receipt = nonce(24) ‖ box(body, nonce, senderPublic, readerSecret)
 *
 * Only the reader's secret key and the sender's secret key can produce a box
 * that opens under this pair, so the server (which has neither) can store,
 * forward or withhold a receipt but not forge one; the sender checks every
 * field against the message it sent, so a receipt replayed onto another
 * message, conversation or reader does not verify.
 */
import { assertBytes, concatBytes, equalBytes, randomBytes, utf8ToBytes } from '../crypto/bytes.js';
import { box, boxOpenFramed, MAC_BYTES, NONCE_BYTES } from '../crypto/nacl.js';
import { DecryptionError, PeerlockCryptoError } from '../crypto/errors.js';
import { keysValidAt, type PinSet } from '../contacts/key-pins.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';

const DOMAIN = utf8ToBytes('peerlock-receipt/v1');
const MAX_FIELD = 1024;

export interface ReadReceiptFields {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sender: string;
  readonly reader: string;
  /** Milliseconds since the epoch. */
  readonly readAt: number;
}

/** `replaced-key`: made with a key of the reader's that had been replaced before the receipt's readAt. */
export type ReceiptRejection = 'undecryptable' | 'malformed' | 'field-mismatch' | 'replaced-key';

export class ReceiptRejectedError extends PeerlockCryptoError {
  readonly code = 'RECEIPT_REJECTED' as const;
  constructor(readonly reason: ReceiptRejection) {
    super(`read receipt rejected: ${reason}`);
  }
}

function field(name: string, value: unknown): Uint8Array {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name}: expected a non-empty string`);
  const bytes = utf8ToBytes(value);
  if (bytes.length > MAX_FIELD) throw new RangeError(`${name}: at most ${MAX_FIELD} bytes`);
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

function encodeBody(f: ReadReceiptFields): Uint8Array {
  if (!Number.isSafeInteger(f.readAt) || f.readAt < 0) throw new RangeError('readAt: expected a non-negative integer of milliseconds');
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(f.readAt));
  return concatBytes(
    DOMAIN,
    field('messageId', f.messageId),
    field('conversationId', f.conversationId),
    // Usernames are case-insensitive in Peerlock; the receipt binds the canonical form.
    field('sender', f.sender.toLowerCase()),
    field('reader', f.reader.toLowerCase()),
    time,
  );
}

export function createReadReceipt(fields: ReadReceiptFields, readerSecretKey: Uint8Array, senderPublicKey: Uint8Array): Uint8Array {
  assertBytes(readerSecretKey, 'readerSecretKey', 32);
  assertBytes(senderPublicKey, 'senderPublicKey', 32);
  const nonce = randomBytes(NONCE_BYTES);
  return concatBytes(nonce, box(encodeBody(fields), nonce, senderPublicKey, readerSecretKey));
}

/**
 * Verifies a receipt for a message we sent. `expected` is what we know
 * independently of the server (our message and conversation, our username,
 * the reader we sent it to); `readerPublicKey` is the reader's PINNED key.
 * Returns the authenticated readAt.
 */
export function verifyReadReceipt(
  receipt: Uint8Array,
  expected: Omit<ReadReceiptFields, 'readAt'>,
  senderSecretKey: Uint8Array,
  readerPublicKey: Uint8Array,
): number {
  assertBytes(receipt, 'receipt');
  assertBytes(senderSecretKey, 'senderSecretKey', 32);
  assertBytes(readerPublicKey, 'readerPublicKey', 32);
  if (receipt.length < NONCE_BYTES + MAC_BYTES) throw new ReceiptRejectedError('malformed');
  let body: Uint8Array;
  try {
    body = boxOpenFramed(receipt, readerPublicKey, senderSecretKey);
  } catch (error) {
    if (error instanceof DecryptionError) throw new ReceiptRejectedError('undecryptable');
    throw error;
  }
  // Rebuild the body we expect and compare everything but the time, in constant time.
  const prefix = encodeBody({ ...expected, readAt: 0 }).subarray(0, -8);
  if (body.length !== prefix.length + 8 || !equalBytes(body.subarray(0, prefix.length), prefix)) {
    throw new ReceiptRejectedError('field-mismatch');
  }
  const readAt = new DataView(body.buffer, body.byteOffset + prefix.length, 8).getBigUint64(0);
  if (readAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new ReceiptRejectedError('malformed');
  return Number(readAt);
}

/**
 * Verifies a receipt with the reader's key as pinned AT THE RECEIPT'S TIME,
 * like messages (keysValidAt): a receipt made before the reader rotated keys
 * opens with the reader's replaced key, and counts only if its authenticated
 * readAt is before the user replaced that key. The current pin is tried
 * first, then the replaced keys, newest first. A receipt that opens only under
 * a replaced key but claims a later readAt is refused ('replaced-key'): whoever
 * holds the old key (perhaps why it was replaced) could otherwise keep
 * producing receipts.
 */
export function verifyReadReceiptWithPins(receipt: Uint8Array, expected: Omit<ReadReceiptFields, 'readAt'>, senderSecretKey: Uint8Array, pins: PinSet): number {
  const pin = pins.pins[expected.reader.toLowerCase()];
  if (!pin) throw new ReceiptRejectedError('undecryptable');
  const candidates = [pin.miniLockId, ...[...(pin.previous ?? [])].reverse().map((k) => k.miniLockId)];
  for (const key of candidates) {
    let readAt: number;
    try {
      readAt = verifyReadReceipt(receipt, expected, senderSecretKey, decodeMiniLockId(key));
    } catch (error) {
      if (error instanceof ReceiptRejectedError && error.reason === 'undecryptable') continue;
      throw error;
    }
    if (!keysValidAt(pins, expected.reader, readAt).includes(key)) throw new ReceiptRejectedError('replaced-key');
    return readAt;
  }
  throw new ReceiptRejectedError('undecryptable');
}
