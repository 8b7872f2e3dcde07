/**
 * A long-term key's agreements are computed once and are exactly crypto_box's
 * (so files stay byte-identical, checked by the vectors), and never outlive
 * the key they came from: another key in the same array, or a forget, starts afresh.
 */
import { describe, expect, it } from 'vitest';
import { forgetLongTermKey, longTermKey } from '../src/crypto/long-term-key.js';
import { tweetnaclBackend, type NaclBackend } from '../src/crypto/nacl.js';
import { decryptFile, encryptFile, bytesToUtf8, utf8ToBytes, randomBytes, NotARecipientError } from '../src/index.js';
import { identities } from './minilock-fixtures.js';

const { alice, bob } = identities;

/** tweetnacl, counting the scalar multiplications asked of it. */
function counting(): NaclBackend & { agreements: number; bases: number; boxes: number } {
  const backend = {
    ...tweetnaclBackend,
    agreements: 0,
    bases: 0,
    boxes: 0,
    box(m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array) {
      backend.boxes++;
      return tweetnaclBackend.box(m, n, pk, sk);
    },
    boxBeforeNm(pk: Uint8Array, sk: Uint8Array) {
      backend.agreements++;
      return tweetnaclBackend.boxBeforeNm(pk, sk);
    },
    scalarMultBase(sk: Uint8Array) {
      backend.bases++;
      return tweetnaclBackend.scalarMultBase(sk);
    },
  };
  return backend;
}

describe('LongTermKey', () => {
  it('agrees once per peer and key: the public key, the ID and crypto_box_beforenm', () => {
    const backend = counting();
    const secret = alice.secretKey.slice();
    const key = longTermKey(secret, backend);
    expect(key.publicKey).toEqual(alice.publicKey);
    expect(key.id).toBe(alice.id);
    expect(key.sharedKey(bob.publicKey)).toEqual(tweetnaclBackend.boxBeforeNm(bob.publicKey, alice.secretKey));
    expect(longTermKey(secret, backend)).toBe(key);
    key.sharedKey(bob.publicKey);
    expect([backend.bases, backend.agreements]).toEqual([1, 1]);
    // An ephemeral key's agreement is computed every time.
    key.agree(bob.publicKey);
    key.agree(bob.publicKey);
    expect(backend.agreements).toBe(3);
  });

  it('another key written into the same array is not answered from memory', () => {
    const backend = counting();
    const secret = alice.secretKey.slice();
    const first = longTermKey(secret, backend);
    secret.set(bob.secretKey);
    const second = longTermKey(secret, backend);
    expect(second).not.toBe(first);
    expect(second.id).toBe(bob.id);
    // The one made for alice's bytes was wiped when the array changed hands.
    expect(first.holds(alice.secretKey)).toBe(false);
  });

  it('forgetLongTermKey wipes what was remembered', () => {
    const secret = alice.secretKey.slice();
    const key = longTermKey(secret, tweetnaclBackend);
    const agreed = key.sharedKey(bob.publicKey)!;
    forgetLongTermKey(secret);
    expect(agreed).toEqual(new Uint8Array(32));
    expect(key.holds(alice.secretKey)).toBe(false);
    expect(longTermKey(secret, tweetnaclBackend)).not.toBe(key);
  });

  it('a sender’s second message to the same reader agrees only with the new ephemeral key', () => {
    const backend = counting();
    const sender = alice.secretKey.slice();
    const reader = bob.secretKey.slice();
    const send = () => encryptFile(utf8ToBytes('hi'), { senderSecretKey: sender, recipients: [alice.id, bob.id], backend });
    const read = (file: Uint8Array) => bytesToUtf8(decryptFile(file, reader, { backend }).plaintext);
    expect(read(send())).toBe('hi');
    const before = { agreements: backend.agreements, bases: backend.bases, boxes: backend.boxes };
    expect(read(send())).toBe('hi');
    // Sending: one ephemeral key pair (a base multiplication) and a box from it to each of the 2 recipients;
    // reading: one agreement with that ephemeral key, whichever entry is ours. The long-term ones were remembered.
    const spent = { agreements: backend.agreements - before.agreements, bases: backend.bases - before.bases, boxes: backend.boxes - before.boxes };
    expect(spent).toEqual({ agreements: 1, bases: 1, boxes: 2 });
  });

  it('a remembered agreement never opens a file for someone it was not sealed to', () => {
    const stranger = randomBytes(32);
    const file = encryptFile(utf8ToBytes('hi'), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
    expect(() => decryptFile(file, stranger)).toThrow(NotARecipientError);
  });
});
