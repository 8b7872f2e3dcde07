/**
 * One-time codes the user writes down: 10 backup codes when 2FA is turned on,
 * and a recovery code at signup (a way to rotate keys without the old
 * passphrase). Shown once, stored only as keyed hashes:
 *
 *   code   = 10 (backup) or 26 (recovery) characters of the RFC 4648 base32
 *            alphabet: 50 or 130 bits, grouped by 5 with "-" for reading
 *   stored = "hmac-sha256:" ‖ base64(HMAC-SHA-256(K, username ‖ normalised code))
 *
 * K is a server sub-key, so a leaked event log alone cannot be brute-forced
 * offline (50 bits would not survive that); the username binds a hash to its
 * account. Input is normalised (case, separators, 0/O 1/I/L confusions are
 * not in the alphabet so they are refused) before hashing.
 */
import { randomBytes } from 'node:crypto';
import { deriveSubKey, hmacSha256 } from '../auth/key-derivation.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BACKUP_CODE_COUNT = 10;
const BACKUP_CHARS = 10;
const RECOVERY_CHARS = 26;

function randomCode(chars: number): string {
  // 32 divides 256, so byte & 31 is uniform over the alphabet.
  const bytes = randomBytes(chars);
  let out = '';
  for (let i = 0; i < chars; i++) {
    if (i > 0 && i % 5 === 0) out += '-';
    out += ALPHABET[bytes[i]! & 31];
  }
  return out;
}

export function normaliseCode(input: string): string | null {
  if (input.length > 64) return null;
  const compact = input.toUpperCase().replace(/[-\s]/g, '');
  return /^[A-Z2-7]+$/.test(compact) ? compact : null;
}

export class OneTimeCodes {
  private readonly backupKey: Uint8Array;
  private readonly recoveryKey: Uint8Array;

  constructor(rootKey: Uint8Array) {
    this.backupKey = deriveSubKey(rootKey, 'second-factor-hash/v1');
    this.recoveryKey = deriveSubKey(rootKey, 'recovery-code-hash/v1');
  }

  newBackupCodes(): string[] {
    return Array.from({ length: BACKUP_CODE_COUNT }, () => randomCode(BACKUP_CHARS));
  }

  newRecoveryCode(): string {
    return randomCode(RECOVERY_CHARS);
  }

  /** null when the input cannot be a backup code at all. */
  hashBackupCode(username: string, code: string): string | null {
    const n = normaliseCode(code);
    if (n === null || n.length !== BACKUP_CHARS) return null;
    return 'hmac-sha256:' + Buffer.from(hmacSha256(this.backupKey, username, n)).toString('base64');
  }

  hashRecoveryCode(username: string, code: string): string | null {
    const n = normaliseCode(code);
    if (n === null || n.length !== RECOVERY_CHARS) return null;
    return 'hmac-sha256:' + Buffer.from(hmacSha256(this.recoveryKey, username, n)).toString('base64');
  }
}
