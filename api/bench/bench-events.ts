import { randomBytes, randomUUID } from 'node:crypto';
import type { NewEvent } from '../src/eventstore/index.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const miniLockId = (): string => {
  const bytes = randomBytes(45);
  let id = '';
  for (const byte of bytes) id += BASE58[byte % 58];
  return id;
};
const key = (): string => randomBytes(32).toString('base64');
const sealed = () => ({ alg: 'xsalsa20poly1305', keyId: randomUUID(), nonce: randomBytes(24).toString('base64'), ciphertext: randomBytes(64).toString('base64') });

let clock = Date.parse('2026-01-01T00:00:00.000Z');
const metadata = (actor: string | null) => ({ actor, correlationId: randomUUID(), causationId: null, occurredAt: new Date((clock += 7)).toISOString() });

/** An event of ~250–400 bytes of JSON: the size of Peerlock's account and message-envelope events. */
export function benchEvent(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'MessageEnvelopeStored',
    schemaVersion: 1,
    data: { conversationId: randomUUID(), sender: `user${n % 5000}`, ciphertextSize: 1024 + (n % 4096), blobId: randomUUID(), recipients: 2 + (n % 5) },
    metadata: metadata(`user${n % 5000}`),
  };
}

/**
 * A log for replay and rebuild: account events for the user directory (about a
 * third) among message events it skips, as in a real Peerlock log. Returns the
 * stream and events of one append of `size` events for one account, in order.
 */
export function mixedLogAppend(account: number, size: number, registered: boolean): { streamName: string; events: NewEvent[] } {
  const username = `user${account}`;
  const events: NewEvent[] = [];
  for (let i = 0; i < size; i++) {
    const roll = (account * 31 + i * 17) % 10;
    if (!registered && i === 0) {
      events.push({ id: randomUUID(), type: 'AccountRegistered', schemaVersion: 1, data: { username, miniLockId: miniLockId(), authPublicKey: key(), encryptedProfile: sealed() }, metadata: metadata(null) });
    } else if (roll < 1) {
      events.push({ id: randomUUID(), type: 'TwoFactorEnabled', schemaVersion: 1, data: { username, encryptedSecret: sealed(), backupCodeHashes: [`scrypt$${randomBytes(16).toString('hex')}`] }, metadata: metadata(username) });
    } else if (roll < 2) {
      events.push({ id: randomUUID(), type: 'TwoFactorDisabled', schemaVersion: 1, data: { username, authorizedBy: 'totp' }, metadata: metadata(username) });
    } else if (roll < 3) {
      // A rotation from a key that is not current: decoded and folded, changes nothing (the fold's cheap path).
      events.push({ id: randomUUID(), type: 'KeyRotated', schemaVersion: 1, data: { username, previousMiniLockId: miniLockId(), miniLockId: miniLockId(), authPublicKey: key(), authorizedBy: 'token' }, metadata: metadata(username) });
    } else {
      events.push(benchEvent(account * 1000 + i));
    }
  }
  return { streamName: `account-${username}`, events };
}
