/**
 * TOTP codes as an authenticator app would make them, computed with otplib
 * from the secret the server showed. The server accepts a step within ±1 of
 * now and only steps later than the last accepted one, so each use takes
 * the next unused step still inside the window; no sleeping. The first is
 * the current step, not the one before: a code for the step before is
 * refused if a step boundary passes while the CLI process starts (seen
 * about once in fifteen runs of the scenario).
 */
import { generateSync } from 'otplib';

const PERIOD = 30;

export class TotpDevice {
  private lastStep = -Infinity;
  constructor(readonly secret: string) {}

  /** A code the server will take now, or null when every step in the window is used up. */
  next(): string | null {
    const now = Math.floor(Date.now() / 1000 / PERIOD);
    const step = Math.max(this.lastStep + 1, now);
    if (step > now + 1) return null;
    this.lastStep = step;
    return generateSync({ secret: this.secret, epoch: step * PERIOD, period: PERIOD, digits: 6 });
  }
}
