/**
 * Key rotation / passphrase change (DESIGN.md §3): the new keys are proven
 * with a signup-style challenge sealed for "key-rotation", bound to the
 * account and to the key it had when the challenge was issued (a rotation in
 * between makes it stale: CONFLICT). The old key is proven by a token spent
 * on this request, or the recovery code given at signup; the second factor is
 * required when on. All outstanding tokens die with the old auth key.
 */
import { PeerlockError, badInput } from '../errors.js';
import { issueKeyChallenge, verifyKeyChallenge, type KeyChallenge } from '../auth/key-challenge.js';
import type { RequestInfo, Services } from '../services.js';
import { secondFactorProof } from '../twofactor/second-factor-proof.js';
import { bytesArg, codeArg, miniLockIdArg } from '../validation.js';
import { canonicalUsername } from './username.js';

export async function startKeyRotation(
  services: Services,
  request: RequestInfo,
  input: { username: string; miniLockId: string; authPublicKey: string },
): Promise<KeyChallenge> {
  const username = canonicalUsername(input.username);
  const { id, publicKey } = miniLockIdArg(input.miniLockId);
  const authPublicKey = bytesArg(input.authPublicKey, 32, 'authPublicKey');
  const now = services.now();
  await services.rateLimiter.check('challenge', request.clientAddress, username, now);
  const state = await services.accounts.load(username);
  if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
  const subject = { username, miniLockId: id, authPublicKey: input.authPublicKey, previousMiniLockId: state.miniLockId };
  return issueKeyChallenge(services.keys, services.sealer, 'key-rotation', subject, publicKey, authPublicKey, now);
}

export interface RotateKeysInput {
  readonly sealedState: string;
  readonly identityAnswer: string;
  readonly authAnswer: string;
  readonly recoveryCode?: string | null;
  readonly totpCode?: string | null;
}

export async function rotateKeys(services: Services, request: RequestInfo, input: RotateKeysInput): Promise<{ username: string; miniLockId: string; recoveryCode: string | null }> {
  const identityAnswer = bytesArg(input.identityAnswer, 32, 'identityAnswer');
  const authAnswer = bytesArg(input.authAnswer, 32, 'authAnswer');
  const code = codeArg(input.totpCode, 'totpCode');
  if (input.recoveryCode !== undefined && input.recoveryCode !== null && (typeof input.recoveryCode !== 'string' || input.recoveryCode.length > 64)) throw badInput('recoveryCode');
  const now = services.now();
  const subject = verifyKeyChallenge(services.sealer, 'key-rotation', input.sealedState, identityAnswer, authAnswer, now) as {
    username: string;
    miniLockId: string;
    authPublicKey: string;
    previousMiniLockId: string;
  };
  const username = subject.username;

  let newRecoveryCode: string | null = null;
  let authorization: { by: 'token' } | { by: 'recoveryCode'; hash: string | null; newRecoveryCodeHash: string };
  if (request.viewer) {
    // A token proves the old key only for its own account.
    if (request.viewer.username !== username) throw new PeerlockError('FORBIDDEN');
    authorization = { by: 'token' };
  } else if (input.recoveryCode) {
    await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
    newRecoveryCode = services.codes.newRecoveryCode();
    authorization = { by: 'recoveryCode', hash: services.codes.hashRecoveryCode(username, input.recoveryCode), newRecoveryCodeHash: services.codes.hashRecoveryCode(username, newRecoveryCode)! };
  } else {
    throw new PeerlockError('UNAUTHENTICATED');
  }
  if (code !== null) await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);

  await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      return {
        type: 'RotateKeys',
        expectedMiniLockId: subject.previousMiniLockId,
        miniLockId: subject.miniLockId,
        authPublicKey: subject.authPublicKey,
        authorization,
        proof: await secondFactorProof(services, state, code, now),
        now,
      };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  await services.tokens.revokeAll(username);
  return { username, miniLockId: subject.miniLockId, recoveryCode: newRecoveryCode };
}
