/**
 * decryptInfo entries: one per recipient, keyed in the header by their nonce.
 *
 *   fileInfoBox   = box(utf8(fileInfo JSON), nonce, recipientPublic, senderSecret)
 *   decryptInfo   = JSON {"senderID", "recipientID", "fileInfo": b64(fileInfoBox)}, in that order
 *   entry         = box(utf8(decryptInfo), nonce, recipientPublic, ephemeralSecret)
 *
 * The outer box (from the per-file ephemeral key) hides who sent the file; the
 * inner box (from the sender's long-term key) is what authenticates the sender:
 * only the holder of senderID's secret key can make a fileInfo box that opens
 * with senderID's public key and the recipient's secret key.
 *
 * Both boxes are made as secretbox under crypto_box_beforenm's key (the same
 * bytes as crypto_box): the inner one's key is a long-term agreement,
 * remembered (LongTermKey); the reader agrees with the ephemeral key once per
 * header, not once per entry it tries.
 */
import { bytesToBase64, utf8ToBytes, wipe } from '../crypto/bytes.js';
import type { LongTermKey } from '../crypto/long-term-key.js';
import { secretboxOpen, type NaclBackend } from '../crypto/nacl.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { DecryptionError, MalformedFileError, NotARecipientError } from './errors.js';
import { decodeFileInfo, encodeFileInfo, type FileInfo } from './file-info.js';
import type { HeaderEntry } from './header.js';
import { parseJsonObject, base64Field } from './json.js';
import { isUnusablePublicKey } from './recipients.js';

export interface SealEntryInput {
  readonly sender: Pick<LongTermKey, 'id' | 'sharedKey'>;
  readonly recipientID: string;
  readonly recipientPublicKey: Uint8Array;
  readonly ephemeralSecretKey: Uint8Array;
  /** 24 random bytes, used for both boxes (as the reference does). */
  readonly nonce: Uint8Array;
  readonly fileInfo: FileInfo;
}

export function sealDecryptInfo(input: SealEntryInput, backend: NaclBackend): HeaderEntry {
  const fileInfoJson = encodeFileInfo(input.fileInfo);
  const fileInfoBox = backend.secretbox(fileInfoJson, input.nonce, agreed(input.sender.sharedKey(input.recipientPublicKey)));
  wipe(fileInfoJson);
  const decryptInfoJson = utf8ToBytes(
    JSON.stringify({ senderID: input.sender.id, recipientID: input.recipientID, fileInfo: bytesToBase64(fileInfoBox) }),
  );
  // One header's ephemeral key meets each recipient once: nothing to remember.
  const box = backend.box(decryptInfoJson, input.nonce, input.recipientPublicKey, input.ephemeralSecretKey);
  return { nonce: input.nonce, box };
}

export interface OpenedDecryptInfo {
  /** miniLock ID of the sender, authenticated by the fileInfo box. */
  readonly senderID: string;
  readonly recipientID: string;
  readonly fileInfo: FileInfo;
}

/**
 * Finds the reader's entry (reference decryptFile): try each entry's outer box
 * with the reader's secret key; the one that opens and names the reader's ID
 * as recipientID is ours. Then the inner fileInfo box must open from senderID.
 *   - no entry for us → NotARecipientError
 *   - our entry's contents malformed → MalformedFileError
 *   - fileInfo box does not open (sender not authentic) → DecryptionError
 */
export function openDecryptInfo(entries: readonly HeaderEntry[], ephemeralPublicKey: Uint8Array, me: LongTermKey, backend: NaclBackend): OpenedDecryptInfo {
  const myID = me.id;
  // Every entry is boxed from the one ephemeral key: agree once, then try each entry's box under that key.
  const outerKey = me.agree(ephemeralPublicKey);
  if (outerKey === null) throw new NotARecipientError();
  try {
    return openOurs(entries, outerKey, me, myID, backend);
  } finally {
    wipe(outerKey);
  }
}

function openOurs(entries: readonly HeaderEntry[], outerKey: Uint8Array, me: LongTermKey, myID: string, backend: NaclBackend): OpenedDecryptInfo {
  for (const entry of entries) {
    // Trial decryption: an entry that does not open under our key is someone else's.
    let opened: Uint8Array;
    try {
      opened = secretboxOpen(entry.box, entry.nonce, outerKey, backend);
    } catch (error) {
      if (error instanceof DecryptionError) continue;
      throw error;
    }
    const info = parseJsonObject(opened, 'decrypt-info');
    // recipientID binds the entry to one reader; an entry that opens with our
    // key but names someone else is not ours (reference: "not encrypted for this recipient").
    if (info.recipientID !== myID) continue;
    const senderID = info.senderID;
    if (typeof senderID !== 'string') throw new MalformedFileError('sender-id');
    let senderPublicKey: Uint8Array;
    try {
      senderPublicKey = decodeMiniLockId(senderID);
    } catch {
      throw new MalformedFileError('sender-id');
    }
    if (isUnusablePublicKey(senderPublicKey)) throw new MalformedFileError('sender-id');
    const fileInfoBox = base64Field(info, 'fileInfo', 'decrypt-info');
    const innerKey = me.sharedKey(senderPublicKey);
    if (innerKey === null) throw new DecryptionError();
    const fileInfoJson = secretboxOpen(fileInfoBox, entry.nonce, innerKey, backend);
    const fileInfo = decodeFileInfo(fileInfoJson);
    wipe(fileInfoJson);
    return { senderID, recipientID: myID, fileInfo };
  }
  throw new NotARecipientError();
}

/** A long-term agreement with a recipient resolveRecipients accepted: only a low-order key (refused there) has none. */
function agreed(key: Uint8Array | null): Uint8Array {
  if (key === null) throw new RangeError('recipient: unusable public key');
  return key;
}
