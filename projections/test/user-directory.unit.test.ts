import { describe, expect, it } from 'vitest';
import { UndeclaredDocumentError, userDirectoryProjection, type UserDirectoryEntry } from '../src/index.js';
import { projectionSpec } from '../src/testing/index.js';
import { defineProjection } from '../src/projection.js';
import { AccountRegistered } from '@peerlock/schema';

// miniLock IDs of Alice and Bob from sdk/test/vectors/identities.json; the auth keys are arbitrary 32-byte values.
const ALICE_ID = '3YTtcFtiWfbAbcb5bfa9MwFVUcbSuiVF7YTarUzy3HVNi';
const ALICE_NEW_ID = '8fZ6HAva1DpZyY2Hzqcr1RhPg2giMq6wm9egvBr1qjTFV';
const BOB_ID = 'mkLCsZTqvpc5TzRUMQCgAodEShkDWs5uWUxrLpfR8hB3R';
const AUTH_1 = 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=';
const AUTH_2 = 'lqHTCFvnbpDyethFYxs2OsyQg8loiYReDAFh5tSczWg=';
const sealed = {
  alg: 'xsalsa20poly1305' as const,
  keyId: '3b1f8a9e-5c2d-4e7f-9a0b-1c2d3e4f5a6b',
  nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  ciphertext: 'c2VhbGVkIHByb2ZpbGUgYnl0ZXMgZ28gaGVyZQ==',
};
const t = (seconds: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000).toISOString();

const registered = (username: string, miniLockId: string) =>
  ({ type: 'AccountRegistered', data: { username, miniLockId, authPublicKey: AUTH_1, encryptedProfile: sealed } }) as const;
const rotated = (username: string, previousMiniLockId: string, miniLockId: string) =>
  ({ type: 'KeyRotated', data: { username, previousMiniLockId, miniLockId, authPublicKey: AUTH_2, authorizedBy: 'token' } }) as const;

const alice: UserDirectoryEntry = {
  username: 'alice',
  status: 'active',
  miniLockId: ALICE_ID,
  authPublicKey: AUTH_1,
  twoFactorEnabled: false,
  registeredAt: t(0),
  deletedAt: null,
  keyHistory: [{ miniLockId: ALICE_ID, authPublicKey: AUTH_1, validFrom: t(0), validUntil: null }],
};

const spec = projectionSpec(userDirectoryProjection);

describe('user directory projection', () => {
  it('lists a registered user with the key to pin and the auth key', () => {
    spec.given([registered('alice', ALICE_ID)]).then({ alice });
  });

  it('keeps every earlier key, closed at the rotation time, after a key rotation', () => {
    spec
      .given([registered('alice', ALICE_ID), registered('bob', BOB_ID)])
      .when([rotated('alice', ALICE_ID, ALICE_NEW_ID)])
      .then({
        alice: {
          ...alice,
          miniLockId: ALICE_NEW_ID,
          authPublicKey: AUTH_2,
          keyHistory: [
            { miniLockId: ALICE_ID, authPublicKey: AUTH_1, validFrom: t(0), validUntil: t(2) },
            { miniLockId: ALICE_NEW_ID, authPublicKey: AUTH_2, validFrom: t(2), validUntil: null },
          ],
        },
        bob: { ...alice, username: 'bob', miniLockId: BOB_ID, registeredAt: t(1), keyHistory: [{ miniLockId: BOB_ID, authPublicKey: AUTH_1, validFrom: t(1), validUntil: null }] },
      });
  });

  it('keeps a deleted account listed, username retired and keys kept, and ignores anything after', () => {
    spec
      .given([registered('alice', ALICE_ID), { type: 'TwoFactorEnabled', data: { username: 'alice', encryptedSecret: sealed, backupCodeHashes: ['scrypt$0123456789abcdef'] } }])
      .when([
        { type: 'AccountDeleted', data: { username: 'alice' } },
        registered('alice', BOB_ID),
        rotated('alice', ALICE_ID, ALICE_NEW_ID),
        { type: 'TwoFactorEnabled', data: { username: 'alice', encryptedSecret: sealed, backupCodeHashes: ['scrypt$0123456789abcdef'] } },
      ])
      .then({
        alice: { ...alice, status: 'deleted', deletedAt: t(2), keyHistory: [{ ...alice.keyHistory[0]!, validUntil: t(2) }] },
      });
  });

  it('tracks two-factor authentication on and off', () => {
    const enabled = { type: 'TwoFactorEnabled' as const, data: { username: 'alice', encryptedSecret: sealed, backupCodeHashes: ['scrypt$0123456789abcdef'] } };
    spec.given([registered('alice', ALICE_ID)]).when([enabled]).then({ alice: { ...alice, twoFactorEnabled: true } });
    spec
      .given([registered('alice', ALICE_ID), enabled])
      .when([{ type: 'TwoFactorDisabled', data: { username: 'alice', authorizedBy: 'totp' } }])
      .then({ alice });
  });

  it('ignores events about unknown users and rotations from a key that is not current', () => {
    spec
      .given([registered('alice', ALICE_ID)])
      .when([rotated('carol', ALICE_ID, ALICE_NEW_ID), rotated('alice', BOB_ID, ALICE_NEW_ID), { type: 'AccountDeleted', data: { username: 'dave' } }])
      .then({ alice });
  });

  it('does not list anyone before a registration', () => {
    spec.given([]).then({});
  });

  it('fails the spec when the expected read model differs', () => {
    expect(() => spec.given([registered('alice', ALICE_ID)]).then({ alice: { ...alice, twoFactorEnabled: true } })).toThrow();
  });
});

describe('fold discipline', () => {
  it('refuses a fold that reads a document it did not declare', () => {
    const sneaky = defineProjection<{ n: number }, readonly [typeof AccountRegistered]>({
      name: 'sneaky',
      version: 1,
      handles: [AccountRegistered],
      documentIds: (event) => [event.data.username],
      apply: (view, event) => [{ op: 'put', id: event.data.username, doc: { n: (view.get('everyone')?.n ?? 0) + 1 } }],
    });
    try {
      projectionSpec(sneaky).given([registered('alice', ALICE_ID)]).then({});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UndeclaredDocumentError);
      expect(error).toMatchObject({ code: 'UNDECLARED_DOCUMENT', documentId: 'everyone' });
    }
  });
});
