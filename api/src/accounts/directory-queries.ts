/**
 * Queries read projections (DESIGN.md §7): the user directory (keys, status)
 * and the account profiles (encrypted), decrypted here with the account's
 * data key. Lookup is by exact canonical username only: there is no listing
 * and no prefix search, so the directory cannot be enumerated through us.
 */
import { accountProfileProjection, userDirectoryProjection, type AccountProfileEntry, type ReadModelStore, type UserDirectoryEntry } from '@peerlock/projections';
import { DEFAULT_NOTIFICATIONS, type PersonalDataVault, type Profile } from './personal-data.js';

export interface DirectoryUser {
  readonly entry: UserDirectoryEntry;
  readonly profile: Profile | null;
}

export class DirectoryQueries {
  constructor(
    private readonly readModels: ReadModelStore,
    private readonly vault: PersonalDataVault,
  ) {}

  async user(username: string): Promise<DirectoryUser | null> {
    const entry = await this.readModels.get<UserDirectoryEntry>(userDirectoryProjection.name, username);
    if (!entry) return null;
    return { entry, profile: entry.status === 'active' ? await this.profile(username) : null };
  }

  async profile(username: string): Promise<Profile | null> {
    const row = await this.readModels.get<AccountProfileEntry>(accountProfileProjection.name, username);
    if (!row?.encryptedProfile) return null;
    const profile = await this.vault.open<Profile>(row.encryptedProfile);
    return profile ? { ...profile, notifications: { ...DEFAULT_NOTIFICATIONS, ...profile.notifications } } : null;
  }
}
