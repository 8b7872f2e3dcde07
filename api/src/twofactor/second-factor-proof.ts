/**
 * Turns what the user typed into the decider's SecondFactorProof: six digits
 * are checked as TOTP against the account's secret (decrypted with its data
 * key), anything else as a backup code (hashed). The decider then applies
 * replay, spending and lockout rules.
 */
import type { ActiveAccount, SecondFactorProof } from '../accounts/account-decider.js';
import type { Services } from '../services.js';
import { isTotpCodeShape, matchingTimeSteps } from './totp.js';

export async function secondFactorProof(services: Services, account: ActiveAccount, code: string | null, now: number): Promise<SecondFactorProof> {
  const tf = account.twoFactor;
  if (code === null || tf === null) return { kind: 'none' };
  if (isTotpCodeShape(code)) {
    const secret = await services.vault.open<string>(tf.encryptedSecret);
    return { kind: 'totp', matchedSteps: secret === null ? [] : matchingTimeSteps(secret, code, now) };
  }
  return { kind: 'backupCode', hash: services.codes.hashBackupCode(account.username, code) };
}
