/**
 * Profile settings: display name, email, notification preferences. The new
 * profile is merged with the current one and re-encrypted whole with the
 * account's data key (fields left out stay as they were; null clears).
 */
import { PeerlockError, badInput } from '../errors.js';
import type { RequestInfo, Services } from '../services.js';
import { viewerOf } from '../auth/viewer.js';
import { displayNameArg, emailArg } from '../validation.js';
import { DEFAULT_NOTIFICATIONS, type NotificationPreferences, type Profile } from './personal-data.js';

export interface ProfileInput {
  readonly displayName?: string | null;
  readonly email?: string | null;
  readonly notifications?: { readonly [K in keyof NotificationPreferences]?: boolean | null } | null;
}

export async function updateProfile(services: Services, request: RequestInfo, input: ProfileInput): Promise<void> {
  const username = viewerOf(request);
  const displayName = input.displayName === undefined ? undefined : displayNameArg(input.displayName);
  const email = input.email === undefined ? undefined : emailArg(input.email);
  const notifications = input.notifications ?? undefined;
  if (notifications) for (const [k, v] of Object.entries(notifications)) if (v !== undefined && v !== null && typeof v !== 'boolean') throw badInput(`notifications.${k}`);
  const now = services.now();
  await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      const current = (await services.vault.open<Profile>(state.encryptedProfile)) ?? { displayName: null, email: null, notifications: DEFAULT_NOTIFICATIONS };
      const next: Profile = {
        displayName: displayName === undefined ? current.displayName : displayName,
        email: email === undefined ? current.email : email,
        notifications: { ...DEFAULT_NOTIFICATIONS, ...current.notifications, ...stripNulls(notifications) },
      };
      return { type: 'UpdateProfile', encryptedProfile: await services.vault.seal(state.dataKeyId, next), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
}

function stripNulls(prefs: ProfileInput['notifications']): Partial<NotificationPreferences> {
  if (!prefs) return {};
  return Object.fromEntries(Object.entries(prefs).filter(([, v]) => typeof v === 'boolean')) as Partial<NotificationPreferences>;
}
