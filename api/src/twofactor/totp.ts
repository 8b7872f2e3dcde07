/**
 * TOTP (RFC 6238) through otplib: HMAC-SHA-1, 6 digits, 30 s steps, T0 = 0,
 * the parameters every authenticator app uses by default.
 *
 * Verification here only answers "which time steps in the window ±1 step
 * (RFC 6238 §5.2: one step back for transmission delay, one forward for a
 * fast clock) does this code match?". Whether a match is accepted (replay:
 * only steps after the last accepted one; lockouts) is the accounts
 * decider's business, so that rule is pure and tested given/when/then.
 */
import { timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync, generateURI } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW_STEPS = 1;
const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  // 20 bytes = 160 bits, the HMAC-SHA-1 block-size recommendation of RFC 4226 §4 R6.
  return generateSecret({ length: 20 });
}

export function totpUri(secretBase32: string, username: string, issuer = 'Peerlock'): string {
  return generateURI({ issuer, label: username, secret: secretBase32, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCodeAt(secretBase32: string, step: number): string {
  return generateSync({ secret: secretBase32, epoch: step * TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS });
}

export function isTotpCodeShape(code: string): boolean {
  return CODE.test(code);
}

/** The time steps within ±1 of now whose code equals `code` (every candidate compared, in constant time). */
export function matchingTimeSteps(secretBase32: string, code: string, nowMs: number): number[] {
  if (!isTotpCodeShape(code)) return [];
  const now = timeStepAt(nowMs);
  const given = Buffer.from(code);
  const matches: number[] = [];
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    if (timingSafeEqual(Buffer.from(totpCodeAt(secretBase32, step)), given)) matches.push(step);
  }
  return matches;
}
