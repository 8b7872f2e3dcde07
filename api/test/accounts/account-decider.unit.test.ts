import { describe, it } from 'vitest';
import { expect } from 'vitest';
import { accountDecider, lockoutDuration, type AccountCommand } from '../../src/accounts/account-decider.js';
import type { AccountDomainEvent, ErasableData } from '@peerlock/schema';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(accountDecider);
const username = 'alice';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const sealedData = (keyId = '00000000-0000-4000-8000-000000000001'): ErasableData => ({
  alg: 'xsalsa20poly1305',
  keyId,
  nonce: 'A'.repeat(32),
  ciphertext: 'B'.repeat(40),
});
const ID1 = '23GmSqwEJ6USZ3gP3JzLnxu4VCBi9MXewK1FE9Fq8nQLnL';
const ID2 = '2Hd8ZW3UGHx5xDZ2FsmFqF6ryvKg6WyV5EGzUYgKUQJYbj';
const AK1 = 'A'.repeat(43) + '=';
const AK2 = 'B'.repeat(43) + '=';
const recovery = 'hmac-sha256:' + 'R'.repeat(43) + '=';
const backups = Array.from({ length: 10 }, (_, i) => `hmac-sha256:backup-${i}`.padEnd(30, 'x'));

const registered: AccountDomainEvent[] = [
  { type: 'AccountRegistered', data: { username, miniLockId: ID1, authPublicKey: AK1, encryptedProfile: sealedData() } },
  { type: 'RecoveryCodeSet', data: { username, recoveryCodeHash: recovery } },
];
const twoFactorOn: AccountDomainEvent[] = [
  ...registered,
  { type: 'TwoFactorEnabled', data: { username, encryptedSecret: sealedData(), backupCodeHashes: backups } },
  { type: 'SecondFactorAccepted', data: { username, method: 'totp', timeStep: 100, backupCodeHash: null } },
];
const rejected: AccountDomainEvent = { type: 'SecondFactorRejected', data: { username } };
const prove = (proof: Extract<AccountCommand, { type: 'ProveSecondFactor' }>['proof'], now = T0): AccountCommand => ({ type: 'ProveSecondFactor', proof, now });

describe('account decider: signup', () => {
  it('registers an absent account with its recovery code hash', () => {
    spec
      .given([])
      .when({ type: 'RegisterAccount', username, miniLockId: ID1, authPublicKey: AK1, encryptedProfile: sealedData(), recoveryCodeHash: recovery, now: T0 })
      .then(registered);
  });

  it('refuses a taken username, and a deleted one stays retired forever', () => {
    const cmd: AccountCommand = { type: 'RegisterAccount', username, miniLockId: ID2, authPublicKey: AK2, encryptedProfile: sealedData(), recoveryCodeHash: recovery, now: T0 };
    spec.given(registered).when(cmd).thenRefuses('USERNAME_TAKEN');
    spec.given([...registered, { type: 'AccountDeleted', data: { username } }]).when(cmd).thenRefuses('USERNAME_TAKEN');
  });

  it('refuses every other command on an absent or deleted account', () => {
    spec.given([]).when({ type: 'DeleteAccount', proof: { kind: 'none' }, now: T0 }).thenRefuses('NOT_FOUND');
    spec.given([...registered, { type: 'AccountDeleted', data: { username } }]).when({ type: 'UpdateProfile', encryptedProfile: sealedData(), now: T0 }).thenRefuses('NOT_FOUND');
  });
});

describe('account decider: profile', () => {
  it('records a profile re-encrypted under the account data key, and refuses another key', () => {
    spec.given(registered).when({ type: 'UpdateProfile', encryptedProfile: sealedData(), now: T0 }).then([{ type: 'ProfileUpdated', data: { username, encryptedProfile: sealedData() } }]);
    spec.given(registered).when({ type: 'UpdateProfile', encryptedProfile: sealedData('00000000-0000-4000-8000-000000000002'), now: T0 }).thenRefuses('CONFLICT');
  });
});

describe('account decider: two-factor', () => {
  it('enables 2FA when the confirmation code matched, recording its step as used', () => {
    spec
      .given(registered)
      .when({ type: 'EnableTwoFactor', encryptedSecret: sealedData(), backupCodeHashes: backups, confirmationSteps: [100], now: T0 })
      .then(twoFactorOn.slice(2));
  });

  it('refuses a confirmation code that matched nothing, and enabling twice', () => {
    spec.given(registered).when({ type: 'EnableTwoFactor', encryptedSecret: sealedData(), backupCodeHashes: backups, confirmationSteps: [], now: T0 }).thenRefuses('TWO_FACTOR_INVALID');
    spec.given(twoFactorOn).when({ type: 'EnableTwoFactor', encryptedSecret: sealedData(), backupCodeHashes: backups, confirmationSteps: [101], now: T0 }).thenRefuses('CONFLICT');
  });

  it('needs nothing when 2FA is off', () => {
    spec.given(registered).when(prove({ kind: 'none' })).thenNothingHappened();
  });

  it('requires a code when 2FA is on', () => {
    spec.given(twoFactorOn).when(prove({ kind: 'none' })).thenRefuses('TWO_FACTOR_REQUIRED');
  });

  it('accepts a code of a later step, once', () => {
    spec.given(twoFactorOn).when(prove({ kind: 'totp', matchedSteps: [101] })).then([{ type: 'SecondFactorAccepted', data: { username, method: 'totp', timeStep: 101, backupCodeHash: null } }]);
  });

  it('refuses a replayed code (same or earlier step) and records the failure', () => {
    spec.given(twoFactorOn).when(prove({ kind: 'totp', matchedSteps: [100] })).then([rejected]);
    spec.given(twoFactorOn).when(prove({ kind: 'totp', matchedSteps: [99] })).then([rejected]);
    spec.given(twoFactorOn).when(prove({ kind: 'totp', matchedSteps: [] })).then([rejected]);
  });

  it('spends a backup code: accepted once, then refused', () => {
    const used: AccountDomainEvent = { type: 'SecondFactorAccepted', data: { username, method: 'backupCode', timeStep: null, backupCodeHash: backups[3]! } };
    spec.given(twoFactorOn).when(prove({ kind: 'backupCode', hash: backups[3]! })).then([used]);
    spec.given([...twoFactorOn, used]).when(prove({ kind: 'backupCode', hash: backups[3]! })).then([rejected]);
    spec.given(twoFactorOn).when(prove({ kind: 'backupCode', hash: null })).then([rejected]);
  });

  it('locks out after five wrong codes in a row, for longer each time', () => {
    const four = Array.from({ length: 4 }, () => rejected);
    spec
      .given([...twoFactorOn, ...four])
      .when(prove({ kind: 'totp', matchedSteps: [] }))
      .then([rejected, { type: 'SecondFactorLockedOut', data: { username, until: new Date(T0 + 60_000).toISOString(), level: 1 } }]);
    const locked: AccountDomainEvent[] = [...twoFactorOn, ...four, rejected, { type: 'SecondFactorLockedOut', data: { username, until: new Date(T0 + 60_000).toISOString(), level: 1 } }];
    // Even a right code is not looked at while locked.
    spec.given(locked).when(prove({ kind: 'totp', matchedSteps: [101] }, T0 + 1_000)).thenRefuses('RATE_LIMITED', { retryAfterSeconds: 59 });
    spec
      .given([...locked, ...four])
      .when(prove({ kind: 'totp', matchedSteps: [] }, T0 + 61_000))
      .then([rejected, { type: 'SecondFactorLockedOut', data: { username, until: new Date(T0 + 61_000 + 120_000).toISOString(), level: 2 } }]);
    expect([1, 2, 3, 4, 12, 20].map(lockoutDuration)).toEqual([60_000, 120_000, 240_000, 480_000, 86_400_000, 86_400_000]);
  });

  it('a success resets the failure count', () => {
    const four = Array.from({ length: 4 }, () => rejected);
    const ok: AccountDomainEvent = { type: 'SecondFactorAccepted', data: { username, method: 'totp', timeStep: 101, backupCodeHash: null } };
    spec.given([...twoFactorOn, ...four, ok]).when(prove({ kind: 'totp', matchedSteps: [] })).then([rejected]);
  });

  it('disabling needs a fresh code', () => {
    spec
      .given(twoFactorOn)
      .when({ type: 'DisableTwoFactor', proof: { kind: 'totp', matchedSteps: [101] }, now: T0 })
      .then([
        { type: 'SecondFactorAccepted', data: { username, method: 'totp', timeStep: 101, backupCodeHash: null } },
        { type: 'TwoFactorDisabled', data: { username, authorizedBy: 'totp' } },
      ]);
    spec.given(twoFactorOn).when({ type: 'DisableTwoFactor', proof: { kind: 'none' }, now: T0 }).thenRefuses('TWO_FACTOR_REQUIRED');
    spec.given(twoFactorOn).when({ type: 'DisableTwoFactor', proof: { kind: 'totp', matchedSteps: [100] }, now: T0 }).then([rejected]);
    spec.given(registered).when({ type: 'DisableTwoFactor', proof: { kind: 'none' }, now: T0 }).thenRefuses('CONFLICT');
  });
});

describe('account decider: key rotation', () => {
  const rotate = (authorization: Extract<AccountCommand, { type: 'RotateKeys' }>['authorization'], proof: Extract<AccountCommand, { type: 'RotateKeys' }>['proof'] = { kind: 'none' }, expectedMiniLockId = ID1): AccountCommand => ({
    type: 'RotateKeys',
    expectedMiniLockId,
    miniLockId: ID2,
    authPublicKey: AK2,
    authorization,
    proof,
    now: T0,
  });
  const rotated: AccountDomainEvent = { type: 'KeyRotated', data: { username, previousMiniLockId: ID1, miniLockId: ID2, authPublicKey: AK2, authorizedBy: 'token' } };

  it('rotates with a token', () => {
    spec.given(registered).when(rotate({ by: 'token' })).then([rotated]);
  });

  it('rotates with the recovery code and issues the next one', () => {
    const next = 'hmac-sha256:' + 'N'.repeat(44);
    spec
      .given(registered)
      .when(rotate({ by: 'recoveryCode', hash: recovery, newRecoveryCodeHash: next }))
      .then([{ type: 'KeyRotated', data: { ...rotated.data, authorizedBy: 'recoveryCode' } } as AccountDomainEvent, { type: 'RecoveryCodeSet', data: { username, recoveryCodeHash: next } }]);
  });

  it('refuses a wrong recovery code, a stale challenge, and a missing second factor', () => {
    spec.given(registered).when(rotate({ by: 'recoveryCode', hash: 'hmac-sha256:' + 'W'.repeat(44), newRecoveryCodeHash: recovery })).thenRefuses('FORBIDDEN');
    spec.given(registered).when(rotate({ by: 'token' }, { kind: 'none' }, ID2)).thenRefuses('CONFLICT');
    spec.given(twoFactorOn).when(rotate({ by: 'token' })).thenRefuses('TWO_FACTOR_REQUIRED');
  });
});

describe('account decider: deletion', () => {
  it('deletes with a fresh code when 2FA is on', () => {
    spec.given(registered).when({ type: 'DeleteAccount', proof: { kind: 'none' }, now: T0 }).then([{ type: 'AccountDeleted', data: { username } }]);
    spec.given(twoFactorOn).when({ type: 'DeleteAccount', proof: { kind: 'none' }, now: T0 }).thenRefuses('TWO_FACTOR_REQUIRED');
    spec.given(twoFactorOn).when({ type: 'DeleteAccount', proof: { kind: 'totp', matchedSteps: [100] }, now: T0 }).then([rejected]);
  });
});
