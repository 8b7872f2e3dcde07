/**
 * Signup (DESIGN.md §3; docs/auth.md "Signup"): a stateless challenge, then
 * account creation only if both keys answered within 60 s. Nothing is stored
 * before the second call succeeds; the username race is settled by the event
 * store (the stream must not exist), so of two signups for one name exactly
 * one wins and the other gets USERNAME_TAKEN.
 */
import { PeerlockError, badInput } from '../errors.js';
import { issueKeyChallenge, verifyKeyChallenge, type KeyChallenge } from '../auth/key-challenge.js';
import type { RequestInfo, Services } from '../services.js';
import { bytesArg, displayNameArg, emailArg, miniLockIdArg } from '../validation.js';
import { DEFAULT_NOTIFICATIONS, type Profile } from './personal-data.js';
import { canonicalUsername } from './username.js';

export interface SignupChallengeInput {
  readonly username: string;
  readonly miniLockId: string;
  readonly authPublicKey: string;
  readonly displayName?: string | null;
  readonly email?: string | null;
}

export async function startSignup(services: Services, request: RequestInfo, input: SignupChallengeInput): Promise<KeyChallenge> {
  const username = canonicalUsername(input.username);
  const { id, publicKey } = miniLockIdArg(input.miniLockId);
  const authPublicKey = bytesArg(input.authPublicKey, 32, 'authPublicKey');
  const displayName = displayNameArg(input.displayName);
  const email = emailArg(input.email);
  const now = services.now();
  await services.rateLimiter.check('signup', request.clientAddress, username, now);
  // An early answer for a taken name; the real guarantee is the append in completeSignup.
  if ((await services.accounts.load(username)).status !== 'absent') throw new PeerlockError('USERNAME_TAKEN');
  const subject = { username, miniLockId: id, authPublicKey: input.authPublicKey, displayName, email };
  return issueKeyChallenge(services.keys, services.sealer, 'signup', subject, publicKey, authPublicKey, now);
}

export interface SignupInput {
  readonly sealedState: string;
  readonly identityAnswer: string;
  readonly authAnswer: string;
}

export async function completeSignup(services: Services, request: RequestInfo, input: SignupInput): Promise<{ username: string; recoveryCode: string }> {
  const identityAnswer = bytesArg(input.identityAnswer, 32, 'identityAnswer');
  const authAnswer = bytesArg(input.authAnswer, 32, 'authAnswer');
  const now = services.now();
  await services.rateLimiter.check('signup', request.clientAddress, null, now);
  const subject = verifyKeyChallenge(services.sealer, 'signup', input.sealedState, identityAnswer, authAnswer, now);
  const { username, miniLockId, authPublicKey, displayName, email } = subject as {
    username: string;
    miniLockId: string;
    authPublicKey: string;
    displayName: string | null;
    email: string | null;
  };
  if (typeof username !== 'string') throw badInput('sealedState');

  const keyId = await services.vault.createKey(now);
  const profile: Profile = { displayName, email, notifications: DEFAULT_NOTIFICATIONS };
  const recoveryCode = services.codes.newRecoveryCode();
  try {
    const encryptedProfile = await services.vault.seal(keyId, profile);
    await services.accounts.execute(
      username,
      () => ({ type: 'RegisterAccount', username, miniLockId, authPublicKey, encryptedProfile, recoveryCodeHash: services.codes.hashRecoveryCode(username, recoveryCode)!, now }),
      { actor: null, correlationId: request.requestId, now: services.now },
    );
  } catch (err) {
    // The loser of a race (or any failure) leaves no data key behind.
    await services.vault.destroy(keyId);
    throw err;
  }
  return { username, recoveryCode };
}
