import { AccountDeleted, AccountRegistered, ProfileUpdated, type ErasableData } from '@peerlock/schema';
import { defineDocumentProjection } from '../projection.js';

/**
 * The current profile (display name, email, notification preferences) of each
 * account, still encrypted with the account's data key: the read model holds
 * ciphertext only, and the API decrypts on read. Deletion erases it twice
 * over: the row drops the ciphertext here, and the data key is destroyed so
 * any copy elsewhere (the log, a backup, a lagging replica) is unreadable.
 */
export interface AccountProfileEntry {
  readonly username: string;
  readonly encryptedProfile: ErasableData | null;
  /**
   * After deletion: the data key that must no longer exist. The API destroys it right
   * after appending AccountDeleted, and sweeps these at start in case it crashed in between.
   */
  readonly erasedKeyId?: string;
}

export const accountProfileProjection = defineDocumentProjection({
  name: 'account_profiles',
  version: 1,
  handles: [AccountRegistered, ProfileUpdated, AccountDeleted],
  documentId: (event) => event.data.username,
  evolve(entry: AccountProfileEntry | undefined, event): AccountProfileEntry | null {
    switch (event.type) {
      case 'AccountRegistered':
        return entry ?? { username: event.data.username, encryptedProfile: event.data.encryptedProfile };
      case 'ProfileUpdated':
        return entry && entry.encryptedProfile ? { ...entry, encryptedProfile: event.data.encryptedProfile } : (entry ?? null);
      case 'AccountDeleted':
        return entry ? { username: entry.username, encryptedProfile: null, erasedKeyId: entry.encryptedProfile?.keyId ?? entry.erasedKeyId } : null;
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
