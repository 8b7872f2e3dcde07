/**
 * Account deletion (DESIGN.md §3): AccountDeleted retires the username
 * forever and keeps the keys (old messages still verify); then the data key
 * is destroyed, which erases name, email and TOTP secret from every event
 * and read model at once, and every outstanding token is revoked.
 *
 * Order matters: the event first (if it fails nothing is lost), the key
 * after. A crash between the two would leave a key for a deleted account, so
 * every start sweeps the keys the account-profiles read model marks as erased.
 */
import { accountProfileProjection, type AccountProfileEntry, type ReadModelStore } from '@peerlock/projections';
import { PeerlockError } from '../errors.js';
import type { AuthStore } from '../storage/auth-store.js';
import type { RequestInfo, Services } from '../services.js';
import { secondFactorProof } from '../twofactor/second-factor-proof.js';
import { viewerOf } from '../auth/viewer.js';
import { codeArg } from '../validation.js';

export async function deleteAccount(services: Services, request: RequestInfo, input: { totpCode?: string | null }): Promise<boolean> {
  const username = viewerOf(request);
  const code = codeArg(input.totpCode, 'totpCode');
  const now = services.now();
  if (code !== null) await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
  const { before } = await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      return { type: 'DeleteAccount', proof: await secondFactorProof(services, state, code, now), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  if (before.status === 'active') await services.vault.destroy(before.dataKeyId);
  await services.tokens.revokeAll(username);
  // Last: a crash before it is finished by the sweep at the next start (ContactCommands.sweepDeletedAccounts).
  await services.contacts.endRelationsOf(username, { actor: username, correlationId: request.requestId, now });
  return true;
}

/** Destroys any data key that outlived its account; returns how many there were. */
export async function sweepErasedDataKeys(readModels: ReadModelStore, authStore: AuthStore): Promise<number> {
  let destroyed = 0;
  for (const { doc } of await readModels.list<AccountProfileEntry>(accountProfileProjection.name)) {
    if (doc.erasedKeyId && (await authStore.getDataKey(doc.erasedKeyId)) !== null) {
      await authStore.destroyDataKey(doc.erasedKeyId);
      destroyed++;
    }
  }
  return destroyed;
}
