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
 */
import { bytesToBase64, utf8ToBytes, wipe } from '../crypto/bytes.js';
import type { NaclBackend } from '../crypto/nacl.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { DecryptionError, MalformedFileError, NotARecipientError } from './errors.js';
import { decodeFileInfo, encodeFileInfo, type FileInfo } from './file-info.js';
import type { HeaderEntry } from './header.js';
import { parseJsonObject, base64Field } from './json.js';
import { isUnusablePublicKey } from './recipients.js';

export interface SealEntryInput {
  readonly senderID: string;
  readonly senderSecretKey: Uint8Array;
  readonly recipientID: string;
  readonly recipientPublicKey: Uint8Array;
  readonly ephemeralSecretKey: Uint8Array;
  /** 24 random bytes, used for both boxes (as the reference does). */
  readonly nonce: Uint8Array;
  readonly fileInfo: FileInfo;
}

export function sealDecryptInfo(input: SealEntryInput, backend: NaclBackend): HeaderEntry {
  const fileInfoJson = encodeFileInfo(input.fileInfo);
  const fileInfoBox = backend.box(fileInfoJson, input.nonce, input.recipientPublicKey, input.senderSecretKey);
  wipe(fileInfoJson);
  const decryptInfoJson = utf8ToBytes(
    JSON.stringify({ senderID: input.senderID, recipientID: input.recipientID, fileInfo: bytesToBase64(fileInfoBox) }),
  );
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
export function openDecryptInfo(
  entries: readonly HeaderEntry[],
  ephemeralPublicKey: Uint8Array,
  mySecretKey: Uint8Array,
  myID: string,
  backend: NaclBackend,
): OpenedDecryptInfo {
  for (const entry of entries) {
    const opened = backend.boxOpen(entry.box, entry.nonce, ephemeralPublicKey, mySecretKey);
    if (opened === null) continue;
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
    const fileInfoJson = fileInfoBox.length < 16 ? null : backend.boxOpen(fileInfoBox, entry.nonce, senderPublicKey, mySecretKey);
    if (fileInfoJson === null) throw new DecryptionError();
    const fileInfo = decodeFileInfo(fileInfoJson);
    wipe(fileInfoJson);
    return { senderID, recipientID: myID, fileInfo };
  }
  throw new NotARecipientError();
}
