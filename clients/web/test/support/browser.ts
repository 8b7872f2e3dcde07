/**
 * Debian's Chromium driven by playwright-core: headless, no sandbox (we run
 * as root in CI), and nothing that would talk to the outside (no QUIC, no
 * background networking, component updates or sync). Each context is a
 * fresh, temporary profile.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** The Chromium to drive, or null when this machine has none (the tests then skip). */
export function findChromium(): string | null {
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => existsSync(p)) ?? null;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
