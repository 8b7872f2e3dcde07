/**
 * Turning TOTP on and off (DESIGN.md §3). Setup is stateless like signup:
 * the new secret travels in a blob sealed for "totp-setup" and this username,
 * valid 5 minutes; confirming it with a current code records it (encrypted
 * with the account's data key) together with the hashes of 10 backup codes,
 * which are shown this once.
 */
import { PeerlockError, badInput } from '../errors.js';
import type { RequestInfo, Services } from '../services.js';
import { codeArg } from '../validation.js';
import { viewerOf } from '../auth/viewer.js';
import { secondFactorProof } from './second-factor-proof.js';
import { matchingTimeSteps, newTotpSecret, totpUri } from './totp.js';

export const TOTP_SETUP_TTL_MS = 5 * 60_000;

export async function setupTwoFactor(services: Services, request: RequestInfo): Promise<{ otpauthUri: string; secret: string; sealedSetup: string; expiresAt: number }> {
  const username = viewerOf(request);
  const state = await services.accounts.load(username);
  if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
  if (state.twoFactor !== null) throw new PeerlockError('CONFLICT');
  const secret = newTotpSecret();
  const expiresAt = services.now() + TOTP_SETUP_TTL_MS;
  const sealedSetup = services.sealer.seal('totp-setup', { username, secret }, expiresAt);
  return { otpauthUri: totpUri(secret, username), secret, sealedSetup, expiresAt };
}

export async function confirmTwoFactor(services: Services, request: RequestInfo, input: { sealedSetup: string; code: string }): Promise<{ backupCodes: string[] }> {
  const username = viewerOf(request);
  const code = codeArg(input.code, 'code');
  if (code === null) throw badInput('code');
  const now = services.now();
  await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
  const setup = services.sealer.open('totp-setup', input.sealedSetup, now, 'sealedSetup');
  // A setup blob belongs to the account that asked for it.
  if (setup.username !== username || typeof setup.secret !== 'string') throw new PeerlockError('CHALLENGE_INVALID');
  const secret = setup.secret;
  const backupCodes = services.codes.newBackupCodes();
  const backupCodeHashes = backupCodes.map((c) => services.codes.hashBackupCode(username, c)!);
  await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      const encryptedSecret = await services.vault.seal(state.dataKeyId, secret);
      return { type: 'EnableTwoFactor', encryptedSecret, backupCodeHashes, confirmationSteps: matchingTimeSteps(secret, code, now), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  return { backupCodes };
}

export async function disableTwoFactor(services: Services, request: RequestInfo, input: { code: string }): Promise<boolean> {
  const username = viewerOf(request);
  const code = codeArg(input.code, 'code');
  const now = services.now();
  await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
  await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      return { type: 'DisableTwoFactor', proof: await secondFactorProof(services, state, code, now), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  return true;
}
