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

/**
 * Whether a browser suite can run here, and its title: it needs Chromium
 * and a built page. In CI (.ci/run installs Chromium and turbo builds the
 * page) a missing one is a failure, not a skip: `ready()` throws then.
 */
export function browserSuite(name: string, webRoot: string): { skip: boolean; title: string; chromiumPath: string | null; ready(): string } {
  const chromiumPath = findChromium();
  const built = existsSync(`${webRoot}/index.html`);
  const mustRun = process.env.CI === 'true' || process.env.CI === '1';
  return {
    skip: !mustRun && (!chromiumPath || !built),
    title: chromiumPath && built ? `${name}, in Chromium` : `${name} (skipped: needs Chromium at /usr/bin/chromium and a built clients/web/dist)`,
    chromiumPath,
    ready() {
      if (!chromiumPath) throw new Error('CI must have Chromium at /usr/bin/chromium (.ci/run installs it)');
      if (!built) throw new Error('clients/web/dist is not built (npm run build -w clients/web)');
      return chromiumPath;
    },
  };
}
