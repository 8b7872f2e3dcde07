/**
 * Builds a header for a known fileInfo: a fresh ephemeral key pair, one
 * decryptInfo entry per recipient. Used at the end of encryption and by
 * rewrapHeader. Random draws, in the reference's order: the ephemeral
 * secret key (32), then one 24-byte nonce per recipient in recipient order.
 */
import { assertBytes, wipe } from '../crypto/bytes.js';
import { longTermKey, type LongTermKey } from '../crypto/long-term-key.js';
import { KEY_BYTES, type NaclBackend } from '../crypto/nacl.js';
import { sealDecryptInfo } from './decrypt-info.js';
import type { FileInfo } from './file-info.js';
import { DECRYPT_INFO_NONCE_BYTES, type FormatVersion } from './format.js';
import { encodeHeader } from './header.js';
import { draw, type RandomSource } from './options.js';
import type { Recipient } from './recipients.js';

/** What sealing needs of the sender: its miniLock ID and its agreement with each recipient. */
export type Sender = Pick<LongTermKey, 'id' | 'sharedKey'>;

/** The sender's long-term key (its miniLock ID and agreements), from their secret key (checked: 32 bytes). */
export function senderFromSecretKey(secretKey: unknown, backend: NaclBackend, name = 'senderSecretKey'): LongTermKey {
  assertBytes(secretKey, name, KEY_BYTES);
  return longTermKey(secretKey, backend);
}

export function sealHeader(
  fileInfo: FileInfo,
  sender: Sender,
  recipients: readonly Recipient[],
  random: RandomSource,
  backend: NaclBackend,
  version: FormatVersion,
): Uint8Array {
  // header.ephemeral: a key pair used for this header only (nacl.box.keyPair()).
  const ephemeralSecretKey = draw(random, KEY_BYTES);
  const ephemeralPublicKey = backend.scalarMultBase(ephemeralSecretKey);
  // All nonces are drawn before any box is made, as the reference does.
  const nonces = recipients.map(() => draw(random, DECRYPT_INFO_NONCE_BYTES));
  try {
    const decryptInfo = recipients.map((recipient, i) =>
      sealDecryptInfo(
        {
          sender,
          recipientID: recipient.id,
          recipientPublicKey: recipient.publicKey,
          ephemeralSecretKey,
          nonce: nonces[i]!,
          fileInfo,
        },
        backend,
      ),
    );
    return encodeHeader({ version, ephemeralPublicKey, decryptInfo });
  } finally {
    wipe(ephemeralSecretKey);
  }
}
