/**
 * Login (DESIGN.md §3): authChallenge(username, code?) → a batch of tokens
 * boxed to the account's auth key. With 2FA on, the code is checked (and a
 * wrong one recorded) before any token exists.
 */
import { PeerlockError } from '../errors.js';
import { canonicalUsername } from '../accounts/username.js';
import type { RequestInfo, Services } from '../services.js';
import { secondFactorProof } from '../twofactor/second-factor-proof.js';
import { codeArg } from '../validation.js';
import type { TokenBatch } from './token-issuer.js';

export async function authChallenge(services: Services, request: RequestInfo, input: { username: string; totpCode?: string | null }): Promise<TokenBatch> {
  const username = canonicalUsername(input.username);
  const code = codeArg(input.totpCode, 'totpCode');
  const now = services.now();
  await services.rateLimiter.check('challenge', request.clientAddress, username, now);
  if (code !== null) await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
  const { after } = await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      return { type: 'ProveSecondFactor', proof: await secondFactorProof(services, state, code, now), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  if (after.status !== 'active') throw new PeerlockError('NOT_FOUND');
  return services.tokens.issue(username, after.authPublicKey, now);
}
