/**
 * Erasable personal data (DESIGN.md §3 "Account deletion"; crypto-shredding):
 *
 *   dataKey     32 random bytes per account, in the AuthStore's account_data_keys
 *               table, never in the event log
 *   sealed      { alg: "xsalsa20poly1305", keyId, nonce, ciphertext }
 *               ciphertext = secretbox(utf8(JSON(profile)), nonce, dataKey)   (NaCl crypto_secretbox)
 *
 * Profiles (name, email, notification preferences) and the TOTP secret go
 * into events only in this form. Deleting the account destroys the key: every
 * copy of every event holding this data, in any backup, becomes noise.
 */
import { randomUUID } from 'node:crypto';
import { bytesToBase64, base64ToBytes, bytesToUtf8, randomBytes, secretbox, secretboxOpen, utf8ToBytes } from '@peerlock/sdk';
import type { AuthStore } from '../storage/auth-store.js';
import type { ErasableData } from '@peerlock/schema';

export class PersonalDataVault {
  constructor(private readonly store: AuthStore) {}

  async createKey(now: number): Promise<string> {
    const keyId = randomUUID();
    await this.store.putDataKey(keyId, randomBytes(32), now);
    return keyId;
  }

  async seal(keyId: string, value: unknown): Promise<ErasableData> {
    const key = await this.store.getDataKey(keyId);
    if (key === null) throw new Error('data key destroyed');
    const nonce = randomBytes(24);
    const ciphertext = secretbox(utf8ToBytes(JSON.stringify(value)), nonce, key);
    return { alg: 'xsalsa20poly1305', keyId, nonce: bytesToBase64(nonce), ciphertext: bytesToBase64(ciphertext) };
  }

  /** The value, or null once the key is destroyed. */
  async open<T>(sealed: ErasableData): Promise<T | null> {
    const key = await this.store.getDataKey(sealed.keyId);
    if (key === null) return null;
    // A DecryptionError here means our own database was altered: a fault, not the caller's.
    const plain = secretboxOpen(base64ToBytes(sealed.ciphertext), base64ToBytes(sealed.nonce), key);
    return JSON.parse(bytesToUtf8(plain)) as T;
  }

  destroy(keyId: string): Promise<void> {
    return this.store.destroyDataKey(keyId);
  }
}

export interface NotificationPreferences {
  readonly newMessages: boolean;
  readonly contactRequests: boolean;
  readonly fileShares: boolean;
}

export interface Profile {
  readonly displayName: string | null;
  readonly email: string | null;
  readonly notifications: NotificationPreferences;
}

export const DEFAULT_NOTIFICATIONS: NotificationPreferences = { newMessages: true, contactRequests: true, fileShares: true };
