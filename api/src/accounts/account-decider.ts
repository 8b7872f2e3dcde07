/**
 * The account aggregate as a Decider (STYLE.md §3): `decide(command, state)`
 * returns the events that record what happened, or throws a PeerlockError for
 * a refusal that changes nothing; `evolve(state, event)` folds one event in.
 * Pure and synchronous: the clock reading, the verified-signature facts and
 * the code hashes all arrive inside the command, computed by the shell.
 *
 * Second factor (RFC 6238 + DESIGN.md §3): a TOTP code is accepted only for a
 * time step after the last accepted one (so a code works once), a backup code
 * only while unspent. Five wrong codes in a row lock every second-factor check
 * for 1 min, then 2, 4, 8 … up to a day; a success resets the count and the
 * level. A wrong code is not a no-op: it is recorded (SecondFactorRejected) so
 * the count survives restarts and is shared by all nodes; the shell appends
 * those events and then answers TWO_FACTOR_INVALID.
 */
import { PeerlockError } from '../errors.js';
import type { AccountDomainEvent, AccountEventOf, ErasableData } from '@peerlock/schema';

export const MAX_FAILURES_BEFORE_LOCKOUT = 5;
export const FIRST_LOCKOUT_MS = 60_000;
export const MAX_LOCKOUT_MS = 86_400_000;

export function lockoutDuration(level: number): number {
  return Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** Math.min(level - 1, 30));
}

export interface TwoFactorState {
  readonly encryptedSecret: ErasableData;
  readonly unspentBackupCodeHashes: readonly string[];
  /** -1 until a code has been accepted. */
  readonly lastTimeStep: number;
}

export interface LockoutState {
  readonly failures: number;
  readonly level: number;
  readonly lockedUntil: number | null;
}

export interface ActiveAccount {
  readonly status: 'active';
  readonly username: string;
  readonly miniLockId: string;
  readonly authPublicKey: string;
  readonly dataKeyId: string;
  readonly encryptedProfile: ErasableData;
  readonly recoveryCodeHash: string | null;
  readonly twoFactor: TwoFactorState | null;
  readonly lockout: LockoutState;
}

export type AccountState =
  | { readonly status: 'absent' }
  | ActiveAccount
  | { readonly status: 'deleted'; readonly username: string; readonly miniLockId: string; readonly authPublicKey: string };

export const initialAccountState = (): AccountState => ({ status: 'absent' });

/** What the user offered as a second factor, already checked against the secret by the shell. */
export type SecondFactorProof =
  | { readonly kind: 'none' }
  /** The time steps within ±1 whose code matched (usually zero or one). */
  | { readonly kind: 'totp'; readonly matchedSteps: readonly number[] }
  /** The keyed hash of what was typed; null when it could not be a backup code at all. */
  | { readonly kind: 'backupCode'; readonly hash: string | null };

export type AccountCommand =
  | {
      readonly type: 'RegisterAccount';
      readonly username: string;
      readonly miniLockId: string;
      readonly authPublicKey: string;
      readonly encryptedProfile: ErasableData;
      readonly recoveryCodeHash: string;
      readonly now: number;
    }
  | { readonly type: 'UpdateProfile'; readonly encryptedProfile: ErasableData; readonly now: number }
  | {
      readonly type: 'EnableTwoFactor';
      readonly encryptedSecret: ErasableData;
      readonly backupCodeHashes: readonly string[];
      /** Steps at which the confirmation code matched the new secret. */
      readonly confirmationSteps: readonly number[];
      readonly now: number;
    }
  | { readonly type: 'ProveSecondFactor'; readonly proof: SecondFactorProof; readonly now: number }
  | { readonly type: 'DisableTwoFactor'; readonly proof: SecondFactorProof; readonly now: number }
  | {
      readonly type: 'RotateKeys';
      /** The key the rotation challenge was issued against: a rotation in between makes this one stale. */
      readonly expectedMiniLockId: string;
      readonly miniLockId: string;
      readonly authPublicKey: string;
      readonly authorization: { readonly by: 'token' } | { readonly by: 'recoveryCode'; readonly hash: string | null; readonly newRecoveryCodeHash: string };
      readonly proof: SecondFactorProof;
      readonly now: number;
    }
  | { readonly type: 'DeleteAccount'; readonly proof: SecondFactorProof; readonly now: number }
  /** A device session ended early (its secret and tokens already removed from the auth store): recorded, and every node ends its subscriptions. */
  | { readonly type: 'EndSession'; readonly sessionId: string; readonly reason: 'logout' | 'revoked'; readonly now: number };

const event = <T extends AccountDomainEvent['type']>(type: T, data: AccountEventOf<T>['data']): AccountDomainEvent =>
  ({ type, data }) as AccountDomainEvent;

export function decide(command: AccountCommand, state: AccountState): AccountDomainEvent[] {
  if (command.type === 'RegisterAccount') {
    // A deleted account's name is retired forever: it stays taken.
    if (state.status !== 'absent') throw new PeerlockError('USERNAME_TAKEN');
    const { username, miniLockId, authPublicKey, encryptedProfile, recoveryCodeHash } = command;
    return [event('AccountRegistered', { username, miniLockId, authPublicKey, encryptedProfile }), event('RecoveryCodeSet', { username, recoveryCodeHash })];
  }
  if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
  const username = state.username;

  switch (command.type) {
    case 'UpdateProfile':
      if (command.encryptedProfile.keyId !== state.dataKeyId) throw new PeerlockError('CONFLICT');
      return [event('ProfileUpdated', { username, encryptedProfile: command.encryptedProfile })];

    case 'EnableTwoFactor': {
      if (state.twoFactor !== null) throw new PeerlockError('CONFLICT');
      const step = command.confirmationSteps.length > 0 ? Math.max(...command.confirmationSteps) : null;
      if (step === null) throw new PeerlockError('TWO_FACTOR_INVALID');
      return [
        event('TwoFactorEnabled', { username, encryptedSecret: command.encryptedSecret, backupCodeHashes: [...command.backupCodeHashes] }),
        event('SecondFactorAccepted', { username, method: 'totp', timeStep: step, backupCodeHash: null }),
      ];
    }

    case 'ProveSecondFactor': {
      const check = checkSecondFactor(state, command.proof, command.now);
      return check.events;
    }

    case 'DisableTwoFactor': {
      if (state.twoFactor === null) throw new PeerlockError('CONFLICT');
      const check = checkSecondFactor(state, command.proof, command.now);
      if (!check.accepted) return check.events;
      return [...check.events, event('TwoFactorDisabled', { username, authorizedBy: check.method === 'backupCode' ? 'backupCode' : 'totp' })];
    }

    case 'RotateKeys': {
      if (command.expectedMiniLockId !== state.miniLockId) throw new PeerlockError('CONFLICT');
      const auth = command.authorization;
      if (auth.by === 'recoveryCode') {
        if (state.recoveryCodeHash === null || auth.hash === null || !equalStrings(auth.hash, state.recoveryCodeHash)) throw new PeerlockError('FORBIDDEN');
      }
      const check = checkSecondFactor(state, command.proof, command.now);
      if (!check.accepted) return check.events;
      const rotated = event('KeyRotated', {
        username,
        previousMiniLockId: state.miniLockId,
        miniLockId: command.miniLockId,
        authPublicKey: command.authPublicKey,
        authorizedBy: auth.by === 'token' ? 'token' : 'recoveryCode',
      });
      // A recovery code works once: using it issues the next one.
      const renewed = auth.by === 'recoveryCode' ? [event('RecoveryCodeSet', { username, recoveryCodeHash: auth.newRecoveryCodeHash })] : [];
      return [...check.events, rotated, ...renewed];
    }

    case 'DeleteAccount': {
      const check = checkSecondFactor(state, command.proof, command.now);
      if (!check.accepted) return check.events;
      return [...check.events, event('AccountDeleted', { username })];
    }

    case 'EndSession':
      return [event('SessionEnded', { username, sessionId: command.sessionId, reason: command.reason })];

    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

type SecondFactorCheck =
  | { readonly accepted: true; readonly method: 'none' | 'totp' | 'backupCode'; readonly events: AccountDomainEvent[] }
  | { readonly accepted: false; readonly events: AccountDomainEvent[] };

function checkSecondFactor(state: ActiveAccount, proof: SecondFactorProof, now: number): SecondFactorCheck {
  const tf = state.twoFactor;
  if (tf === null) return { accepted: true, method: 'none', events: [] };
  const { username, lockout } = state;
  if (lockout.lockedUntil !== null && now < lockout.lockedUntil) {
    throw new PeerlockError('RATE_LIMITED', { retryAfterSeconds: Math.ceil((lockout.lockedUntil - now) / 1000) });
  }
  switch (proof.kind) {
    case 'none':
      throw new PeerlockError('TWO_FACTOR_REQUIRED');
    case 'totp': {
      // Only a step later than the last accepted one: this is what makes a code single-use.
      const fresh = proof.matchedSteps.filter((s) => s > tf.lastTimeStep);
      if (fresh.length > 0) {
        return { accepted: true, method: 'totp', events: [event('SecondFactorAccepted', { username, method: 'totp', timeStep: Math.min(...fresh), backupCodeHash: null })] };
      }
      return { accepted: false, events: rejection(state, now) };
    }
    case 'backupCode': {
      const hash = proof.hash;
      let found = false;
      // Compare against every unspent hash so the time does not say which one matched.
      for (const h of tf.unspentBackupCodeHashes) if (hash !== null && equalStrings(hash, h)) found = true;
      if (found && hash !== null) {
        return { accepted: true, method: 'backupCode', events: [event('SecondFactorAccepted', { username, method: 'backupCode', timeStep: null, backupCodeHash: hash })] };
      }
      return { accepted: false, events: rejection(state, now) };
    }
    default: {
      const unreachable: never = proof;
      throw new Error(`unknown proof ${JSON.stringify(unreachable)}`);
    }
  }
}

function rejection(state: ActiveAccount, now: number): AccountDomainEvent[] {
  const events = [event('SecondFactorRejected', { username: state.username })];
  if (state.lockout.failures + 1 >= MAX_FAILURES_BEFORE_LOCKOUT) {
    const level = state.lockout.level + 1;
    events.push(event('SecondFactorLockedOut', { username: state.username, until: new Date(now + lockoutDuration(level)).toISOString(), level }));
  }
  return events;
}

function equalStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const NO_LOCKOUT: LockoutState = { failures: 0, level: 0, lockedUntil: null };

export function evolve(state: AccountState, e: AccountDomainEvent): AccountState {
  switch (e.type) {
    case 'AccountRegistered':
      return {
        status: 'active',
        username: e.data.username,
        miniLockId: e.data.miniLockId,
        authPublicKey: e.data.authPublicKey,
        dataKeyId: e.data.encryptedProfile.keyId,
        encryptedProfile: e.data.encryptedProfile,
        recoveryCodeHash: null,
        twoFactor: null,
        lockout: NO_LOCKOUT,
      };
    case 'AccountDeleted':
      if (state.status !== 'active') return state;
      return { status: 'deleted', username: state.username, miniLockId: state.miniLockId, authPublicKey: state.authPublicKey };
    default:
      return state.status === 'active' ? evolveActive(state, e) : state;
  }
}

function evolveActive(state: ActiveAccount, e: AccountDomainEvent): ActiveAccount {
  switch (e.type) {
    case 'ProfileUpdated':
      return { ...state, encryptedProfile: e.data.encryptedProfile };
    case 'RecoveryCodeSet':
      return { ...state, recoveryCodeHash: e.data.recoveryCodeHash };
    case 'TwoFactorEnabled':
      return { ...state, twoFactor: { encryptedSecret: e.data.encryptedSecret, unspentBackupCodeHashes: e.data.backupCodeHashes, lastTimeStep: -1 } };
    case 'TwoFactorDisabled':
      return { ...state, twoFactor: null, lockout: NO_LOCKOUT };
    case 'SecondFactorAccepted': {
      const tf = state.twoFactor;
      if (tf === null) return state;
      const twoFactor =
        e.data.method === 'totp'
          ? { ...tf, lastTimeStep: Math.max(tf.lastTimeStep, e.data.timeStep ?? -1) }
          : { ...tf, unspentBackupCodeHashes: tf.unspentBackupCodeHashes.filter((h) => h !== e.data.backupCodeHash) };
      return { ...state, twoFactor, lockout: NO_LOCKOUT };
    }
    case 'SecondFactorRejected':
      return { ...state, lockout: { ...state.lockout, failures: state.lockout.failures + 1 } };
    case 'SecondFactorLockedOut':
      return { ...state, lockout: { failures: 0, level: e.data.level, lockedUntil: Date.parse(e.data.until) } };
    case 'KeyRotated':
      return { ...state, miniLockId: e.data.miniLockId, authPublicKey: e.data.authPublicKey };
    case 'AccountRegistered':
    case 'AccountDeleted':
    case 'SessionEnded':
      // Sessions live in the auth store; their end changes nothing a decision needs.
      return state;
    default: {
      const unreachable: never = e;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

export const accountDecider = { decide, evolve, initialState: initialAccountState };
