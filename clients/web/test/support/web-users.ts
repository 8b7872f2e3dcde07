/**
 * Users made in the page, as web-client.e2e.test.ts makes them: a browser
 * context that refuses requests to any other origin and records CSP or SRI
 * refusals and page errors, signup through the form (generated passphrase,
 * typed back, keys derived in the worker), and a contact request accepted
 * live on the other side.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

const SLOW = 60_000;
const LIVE = 20_000;

export interface PageOptions {
  /** Playwright's fake clock, installed before the page loads (Date, timers): the test moves this page's time. */
  readonly clock?: boolean;
}

/** A fresh context (a temporary profile) and its page; problems (CSP, SRI, other origins, page errors) land in `problems`. */
export async function openPage(browser: Browser, problems: string[], options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, acceptDownloads: true, serviceWorkers: 'block' });
  // Nothing may leave for another origin: the page is self-contained.
  await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|ws:\/\/127\.0\.0\.1[:/]|data:|blob:)/, (route) => {
    problems.push(`request to another origin: ${route.request().url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  if (options.clock) await page.clock.install();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|integrity|Refused/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page };
}

/** Signs `username` up through the page's form; returns the generated passphrase. */
export async function signUpInPage(page: Page, origin: string, username: string): Promise<string> {
  await page.goto(`${origin}/#/signup`);
  await page.getByLabel('Username').fill(username);
  const passphrase = (await page.getByTestId('generated-passphrase').textContent())!.trim();
  await page.getByLabel('I have written this passphrase down').check();
  await page.getByLabel('Type the passphrase again').fill(passphrase);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('recovery-code').waitFor({ timeout: SLOW });
  await page.getByRole('button', { name: 'I saved it, continue' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: LIVE });
  return passphrase;
}

/** `from` asks `to` (by username) to be contacts on the Contacts screen; `to` accepts, live, on theirs. */
export async function becomeContacts(origin: string, from: { page: Page; name: string }, to: { page: Page; name: string }): Promise<void> {
  await to.page.goto(`${origin}/#/contacts`);
  await to.page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
  await from.page.goto(`${origin}/#/contacts`);
  await from.page.getByLabel('Username').fill(to.name);
  await from.page.getByRole('button', { name: 'Send contact request' }).click();
  await from.page.locator(`[data-outgoing="${to.name}"]`).waitFor();
  await to.page.getByRole('button', { name: `Accept ${from.name}` }).click({ timeout: LIVE });
  await to.page.locator(`[data-contact="${from.name}"]`).waitFor();
  await from.page.locator(`[data-contact="${to.name}"]`).waitFor({ timeout: LIVE });
}
