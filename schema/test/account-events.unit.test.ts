import { describe, expect, it } from 'vitest';
import {
  AccountDeleted,
  AccountRegistered,
  accountEvents,
  accountStreamName,
  eventMetadataSchema,
  InvalidEventDataError,
  KeyRotated,
  TwoFactorDisabled,
  TwoFactorEnabled,
} from '../src/index.js';

// Alice's and Bob's miniLock IDs from sdk/test/vectors/identities.json (miniLock reference, commit ffea0ecb).
const ALICE_ID = '3YTtcFtiWfbAbcb5bfa9MwFVUcbSuiVF7YTarUzy3HVNi';
const BOB_ID = 'mkLCsZTqvpc5TzRUMQCgAodEShkDWs5uWUxrLpfR8hB3R';
const AUTH_KEY = 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=';
const sealed = {
  alg: 'xsalsa20poly1305' as const,
  keyId: '3b1f8a9e-5c2d-4e7f-9a0b-1c2d3e4f5a6b',
  nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  ciphertext: 'c2VhbGVkIHByb2ZpbGUgYnl0ZXMgZ28gaGVyZQ==',
};
const registered = { username: 'alice', miniLockId: ALICE_ID, authPublicKey: AUTH_KEY, encryptedProfile: sealed };

describe('account event catalogue', () => {
  it('accepts well-formed payloads of every account event', () => {
    expect(AccountRegistered.create(registered).schemaVersion).toBe(1);
    expect(KeyRotated.create({ username: 'alice', previousMiniLockId: ALICE_ID, miniLockId: BOB_ID, authPublicKey: AUTH_KEY, authorizedBy: 'token' }).type).toBe('KeyRotated');
    expect(AccountDeleted.create({ username: 'alice' }).data).toEqual({ username: 'alice' });
    expect(TwoFactorEnabled.create({ username: 'alice', encryptedSecret: sealed, backupCodeHashes: ['scrypt$0123456789abcdef'] }).type).toBe('TwoFactorEnabled');
    expect(TwoFactorDisabled.create({ username: 'alice', authorizedBy: 'totp' }).type).toBe('TwoFactorDisabled');
    // The one catalogue of the account stream: every type it holds, the profile, second-factor and session events included.
    expect([...accountEvents.types]).toEqual([
      'AccountRegistered',
      'KeyRotated',
      'AccountDeleted',
      'TwoFactorEnabled',
      'TwoFactorDisabled',
      'ProfileUpdated',
      'RecoveryCodeSet',
      'SecondFactorAccepted',
      'SecondFactorRejected',
      'SecondFactorLockedOut',
      'SessionEnded',
    ]);
    expect(accountEvents.encode('SessionEnded', { username: 'alice', sessionId: 'A'.repeat(22), reason: 'logout' }).type).toBe('SessionEnded');
  });

  it.each([
    ['an uppercase username', { ...registered, username: 'Alice' }, ['username']],
    ['an empty username', { ...registered, username: '' }, ['username']],
    ['a 17-character username', { ...registered, username: 'a'.repeat(17) }, ['username']],
    ['a username with a hyphen', { ...registered, username: 'al-ice' }, ['username']],
    ['a miniLock ID with a non-base58 character', { ...registered, miniLockId: ALICE_ID.replace('3', '0') }, ['miniLockId']],
    ['a 31-byte auth key', { ...registered, authPublicKey: 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddai' }, ['authPublicKey']],
    ['a profile in clear', { ...registered, encryptedProfile: { name: 'Alice', email: 'a@example.com' } }, ['encryptedProfile', 'alg']],
    ['a clear-text email beside the profile', { ...registered, email: 'a@example.com' }, []],
  ])('rejects %s', (_, payload, path) => {
    try {
      AccountRegistered.create(payload as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventDataError);
      expect((error as InvalidEventDataError).issues[0]?.path).toEqual(path);
    }
  });

  it.each(['a', '1alice', '_', 'a'.repeat(16)])('accepts the Peerio-style username %j', (username) => {
    expect(AccountRegistered.create({ ...registered, username }).type).toBe('AccountRegistered');
  });

  it('names the account stream after the username', () => {
    expect(accountStreamName('alice')).toBe('account-alice');
  });
});

describe('event metadata', () => {
  const metadata = { actor: 'alice', correlationId: 'req-1', causationId: null, occurredAt: '2026-01-31T12:00:00.000Z' };

  it('accepts an actor-less signup and a caused event', () => {
    expect(eventMetadataSchema.parse({ ...metadata, actor: null })).toEqual({ ...metadata, actor: null });
    expect(eventMetadataSchema.safeParse({ ...metadata, causationId: 'evt-9' }).success).toBe(true);
  });

  it.each(['2026-02-30T12:00:00.000Z', '2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000+01:00', 'yesterday'])('rejects the time %s', (occurredAt) => {
    expect(eventMetadataSchema.safeParse({ ...metadata, occurredAt }).success).toBe(false);
  });

  it('rejects unknown keys and oversized identifiers', () => {
    expect(eventMetadataSchema.safeParse({ ...metadata, ip: '10.0.0.1' }).success).toBe(false);
    expect(eventMetadataSchema.safeParse({ ...metadata, correlationId: 'x'.repeat(129) }).success).toBe(false);
    expect(eventMetadataSchema.safeParse({ ...metadata, correlationId: '' }).success).toBe(false);
    expect(eventMetadataSchema.safeParse({ ...metadata, actor: 'ali\u0000ce' }).success).toBe(false);
    expect(eventMetadataSchema.safeParse({ ...metadata, correlationId: 'line\nbreak' }).success).toBe(false);
  });
});
