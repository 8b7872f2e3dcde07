#!/usr/bin/env node
/**
 * A short miniLock demo (`npm start`): two identities, one encrypted message
 * file, its decryption with the verified sender, and a header re-wrap.
 *
 * To stay fast, only Alice's key is derived from her passphrase (scrypt,
 * ~0.5 s natively); Bob's comes from a fixed demo secret key through
 * keyPairFromSecretKey, standing in for a second derivation.
 */
import {
  bytesToHex,
  bytesToUtf8,
  decryptFile,
  deriveKeyPair,
  encodeMiniLockId,
  encryptFileParts,
  hexToBytes,
  keyPairFromSecretKey,
  openHeader,
  rewrapHeader,
  concatBytes,
  utf8ToBytes,
  defaultBackend,
} from '../index.js';

const started = performance.now();
const alice = await deriveKeyPair('Nine ultramarine pelicans recite sonnets beneath copper lighthouses', 'alice@example.com');
const derivedMs = performance.now() - started;
// Bob's demo secret key (the one his passphrase derives in sdk/test/vectors/identities.json).
const bob = keyPairFromSecretKey(hexToBytes('727f788f658264366c2290b9c9f7aba408416cba80ad8832f9f6db391f3439d0'));
const aliceId = encodeMiniLockId(alice.publicKey);
const bobId = encodeMiniLockId(bob.publicKey);

console.log(`NaCl backend:   ${defaultBackend().name}`);
console.log(`Alice:          ${aliceId}  (derived from her passphrase in ${derivedMs.toFixed(0)} ms)`);
console.log(`Bob:            ${bobId}  (fixed demo secret key)`);

const message = utf8ToBytes('Meet me at the lighthouse at dawn. Bring the copper key.\n');
const encrypted = encryptFileParts(message, { senderSecretKey: alice.secretKey, recipients: [bobId], fileName: 'note.txt' });
const file = concatBytes(encrypted.header, encrypted.chunks);
console.log(`\nAlice encrypts note.txt for Bob:`);
console.log(`  plaintext ${message.length} bytes → .minilock ${file.length} bytes (header ${encrypted.header.length}, chunks ${encrypted.chunks.length})`);
console.log(`  fileHash  ${bytesToHex(encrypted.fileInfo.fileHash)}`);

const opened = decryptFile(file, bob.secretKey);
console.log(`\nBob decrypts it:`);
console.log(`  verified sender ${opened.senderID} (${opened.senderID === aliceId ? 'Alice' : 'unknown'})`);
console.log(`  file name       ${opened.fileName}`);
console.log(`  message         ${JSON.stringify(bytesToUtf8(opened.plaintext))}`);

// Bob shares the file back to Alice by re-wrapping the header only: the chunks stay as stored.
const shared = rewrapHeader(encrypted.header, bob.secretKey, [aliceId]);
const back = openHeader(shared, alice.secretKey);
console.log(`\nBob re-wraps the header for Alice (${shared.length} bytes, chunks untouched); she sees sender ${back.senderID === bobId ? 'Bob' : back.senderID}.`);
try {
  decryptFile(file, alice.secretKey);
} catch (error) {
  console.log(`Alice's copy of the original header: ${(error as { code: string }).code} (she was not a recipient of it).`);
}
alice.secretKey.fill(0);
bob.secretKey.fill(0);
