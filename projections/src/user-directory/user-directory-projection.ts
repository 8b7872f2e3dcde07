import { AccountDeleted, AccountRegistered, KeyRotated, TwoFactorDisabled, TwoFactorEnabled } from '@peerlock/schema';
import { defineDocumentProjection } from '../projection.js';

/** A key an account has had, and when it was the current one (event times, not server clock reads). */
export interface KeyHistoryEntry {
  readonly miniLockId: string;
  readonly authPublicKey: string;
  readonly validFrom: string;
  /** When it stopped being current (rotation or deletion); null while current. */
  readonly validUntil: string | null;
}

/**
 * What the server answers to "who is <username>?": the key to pin, the auth key
 * to encrypt login tokens to, and every earlier key so old messages still verify.
 * Deleted accounts stay listed: the username is retired forever and the keys kept.
 * No personal data: name and email stay encrypted in the log.
 */
export interface UserDirectoryEntry {
  readonly username: string;
  readonly status: 'active' | 'deleted';
  readonly miniLockId: string;
  readonly authPublicKey: string;
  readonly twoFactorEnabled: boolean;
  readonly registeredAt: string;
  readonly deletedAt: string | null;
  /** Oldest first; the last entry is the current key. */
  readonly keyHistory: readonly KeyHistoryEntry[];
}

/**
 * Events that make no sense for the current entry (a rotation of an unknown
 * user, anything after deletion, a second registration) leave it unchanged: the
 * accounts decider never emits them, and a fold must not fail on history.
 */
export const userDirectoryProjection = defineDocumentProjection({
  name: 'user_directory',
  version: 1,
  handles: [AccountRegistered, KeyRotated, AccountDeleted, TwoFactorEnabled, TwoFactorDisabled],
  documentId: (event) => event.data.username,
  evolve(entry: UserDirectoryEntry | undefined, event): UserDirectoryEntry | null {
    const at = event.metadata.occurredAt;
    if (event.type === 'AccountRegistered') {
      if (entry) return entry;
      const { username, miniLockId, authPublicKey } = event.data;
      return {
        username,
        status: 'active',
        miniLockId,
        authPublicKey,
        twoFactorEnabled: false,
        registeredAt: at,
        deletedAt: null,
        keyHistory: [{ miniLockId, authPublicKey, validFrom: at, validUntil: null }],
      };
    }
    if (!entry || entry.status === 'deleted') return entry ?? null;
    switch (event.type) {
      case 'KeyRotated': {
        if (event.data.previousMiniLockId !== entry.miniLockId) return entry;
        const { miniLockId, authPublicKey } = event.data;
        return {
          ...entry,
          miniLockId,
          authPublicKey,
          keyHistory: [...closeCurrentKey(entry.keyHistory, at), { miniLockId, authPublicKey, validFrom: at, validUntil: null }],
        };
      }
      case 'AccountDeleted':
        return { ...entry, status: 'deleted', twoFactorEnabled: false, deletedAt: at, keyHistory: closeCurrentKey(entry.keyHistory, at) };
      case 'TwoFactorEnabled':
        return entry.twoFactorEnabled ? entry : { ...entry, twoFactorEnabled: true };
      case 'TwoFactorDisabled':
        return entry.twoFactorEnabled ? { ...entry, twoFactorEnabled: false } : entry;
      default:
        return assertNever(event);
    }
  },
});

function closeCurrentKey(history: readonly KeyHistoryEntry[], at: string): KeyHistoryEntry[] {
  return history.map((key, index) => (index === history.length - 1 ? { ...key, validUntil: at } : key));
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
