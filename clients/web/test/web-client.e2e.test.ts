/**
 * The web client in a real browser against the real server (its own
 * process, SQLite in a temporary directory, serving clients/web/dist):
 * alice and bob sign up in two browser contexts, become contacts, verify
 * the safety number, exchange messages and a file (its name and size shown
 * before any download, as far as the page can vouch for them; decrypted in
 * the page, saved under its real name), see the read receipt and the live
 * updates; a login names an unknown user or a wrong passphrase at once;
 * then the server's storage is tampered with and a third context (bob
 * logging in afresh) sees the message REJECTED, not shown as genuine;
 * alice rotates her key and bob's page blocks the composer; alice turns
 * on two-factor and a new login takes a code up front, or asks for one
 * without deriving the keys again.
 *
 * Screenshots of the main screens are taken on every run; with
 * UPDATE_SCREENSHOTS=1 they are copied to docs/screenshots/.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findChromium, launchChromium } from './support/browser.js';
import { totpCode } from './support/totp.js';
import { repoRoot, startServer, tamperStoredCiphertext, webRoot, type ServerProcess } from './support/server-process.js';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('web e2e skipped: no Chromium at /usr/bin/chromium (apt-get install chromium to run it)');
const built = existsSync(join(webRoot, 'index.html'));
if (!built) console.warn('web e2e skipped: clients/web/dist is not built (npm run build -w clients/web)');

/** Derivation (scrypt-js, 128 MiB) on a shared 2-core machine can take a while. */
const SLOW = 60_000;
const LIVE = 20_000;

const title = chromiumPath ? (built ? 'web client in Chromium' : 'web client in Chromium (skipped: clients/web/dist not built)') : 'web client in Chromium (skipped: no Chromium at /usr/bin/chromium)';

describe.skipIf(!chromiumPath || !built)(title, () => {
  let server: ServerProcess;
  let browser: Browser;
  const shots = mkdtempSync(join(tmpdir(), 'peerlock-shots-'));
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const passphrases: Record<string, string> = {};
  let alice: Page;
  let bob: Page;
  let conversationUrl = '';

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, acceptDownloads: true, serviceWorkers: 'block' });
    contexts.push(context);
    // Nothing may leave for another origin: the page is self-contained.
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|ws:\/\/127\.0\.0\.1[:/]|data:|blob:)/, (route) => {
      problems.push(`request to another origin: ${route.request().url()}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|integrity|Refused/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  async function signup(page: Page, username: string, displayName: string): Promise<void> {
    await page.goto(`${server.origin}/#/signup`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Display name (optional)').fill(displayName);
    const passphrase = (await page.getByTestId('generated-passphrase').textContent())!.trim();
    expect(passphrase.split(' ')).toHaveLength(7);
    passphrases[username] = passphrase;
    // Refused until the user confirms they saved it.
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('written the passphrase down');
    await page.getByLabel('I have written this passphrase down').check();
    await page.getByLabel('Type the passphrase again').fill(passphrase);
    // The worker reports progress while the page stays responsive: the bar moves through values
    // between the ends (a derivation on the main thread would jump from 0 to done). It takes about
    // half a second now, so the values are recorded as they are painted rather than polled for.
    await page.evaluate(() => {
      const seen: number[] = [];
      Object.assign(window, { seenProgressValues: seen });
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar) seen.push(bar.value);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value', 'hidden'] });
    });
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('progress').first().waitFor({ state: 'visible', timeout: SLOW });
    if (username === 'alice') await shot(page, 'web-signup');
    await page.getByTestId('recovery-code').waitFor({ timeout: SLOW });
    const seen = await page.evaluate(() => (window as unknown as { seenProgressValues: number[] }).seenProgressValues);
    expect(seen.filter((v) => v > 0 && v < 100).length).toBeGreaterThan(10);
    expect(await page.getByTestId('recovery-code').textContent()).toMatch(/\S{8,}/);
    await page.getByRole('button', { name: 'I saved it, continue' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await page.getByTestId('me').textContent()).toBe(username);
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const target = join(repoRoot, 'docs/screenshots');
      mkdirSync(target, { recursive: true });
      for (const name of ['web-signup', 'web-login', 'web-contacts', 'web-safety-number', 'web-inbox', 'web-conversation', 'web-rejected', 'web-key-changed', 'web-settings'])
        if (existsSync(join(shots, `${name}.png`))) copyFileSync(join(shots, `${name}.png`), join(target, `${name}.png`));
    }
    rmSync(shots, { recursive: true, force: true });
  });

  it('serves the page with the strict CSP and SRI on its assets', async () => {
    const res = await fetch(`${server.origin}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js" integrity="sha384-/);
  });

  it('alice and bob sign up in two contexts (keys derived in a worker)', async () => {
    [alice, bob] = await Promise.all([newPage(), newPage()]);
    await Promise.all([signup(alice, 'alice', 'Alice'), signup(bob, 'bob', 'Bob')]);
  });

  it('they become contacts; the request reaches bob live; alice verifies the safety number', async () => {
    await bob.goto(`${server.origin}/#/contacts`);
    await bob.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
    await alice.goto(`${server.origin}/#/contacts`);
    await alice.getByLabel('Username').fill('bob');
    await alice.getByRole('button', { name: 'Send contact request' }).click();
    await alice.locator('[data-outgoing="bob"]').waitFor();
    // No reload on bob's side: the subscription brings the request.
    await bob.getByRole('button', { name: 'Accept alice' }).click({ timeout: LIVE });
    await bob.locator('[data-contact="alice"]').waitFor();
    await alice.locator('[data-contact="bob"]').waitFor({ timeout: LIVE });
    await shot(bob, 'web-contacts');

    await alice.getByRole('link', { name: 'Safety number' }).click();
    await alice.getByTestId('safety-digits').waitFor();
    const aliceDigits = await alice.getByTestId('safety-digits').getAttribute('aria-label');
    await bob.goto(`${server.origin}/#/contacts/alice`);
    await bob.getByTestId('safety-digits').waitFor();
    expect(await bob.getByTestId('safety-digits').getAttribute('aria-label')).toBe(aliceDigits);
    expect(aliceDigits).toMatch(/^Safety number (\d{5} ){11}\d{5}$/);
    expect(await alice.locator('canvas[data-qr]').count()).toBe(1);
    await alice.getByRole('button', { name: 'Mark bob as verified' }).click();
    await expect.poll(() => alice.getByTestId('verified-state').textContent()).toContain('bob is verified');
    await shot(alice, 'web-safety-number');
  });

  it('alice writes to bob with a file (upload progress); bob’s inbox updates live', async () => {
    await bob.goto(`${server.origin}/#/inbox`);
    await bob.getByRole('heading', { name: 'Inbox' }).waitFor();
    await alice.goto(`${server.origin}/#/compose`);
    await alice.getByLabel('bob').check();
    await alice.getByLabel('Subject').fill('Q3 numbers');
    await alice.getByLabel('Message', { exact: true }).fill('Numbers attached. Shall we meet Tuesday?');
    await alice.getByLabel('Attach files').setInputFiles({ name: 'numbers.csv', mimeType: 'text/csv', buffer: Buffer.from('quarter,revenue\nQ3,4200\n') });
    // The screen changes once the message is sent: record what the progress bar showed on the way.
    await alice.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { seenProgress: seen });
      new MutationObserver(() => document.querySelectorAll('.progress-text').forEach((e) => seen.push(e.textContent ?? ''))).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await alice.getByRole('heading', { name: 'Q3 numbers' }).waitFor({ timeout: LIVE });
    conversationUrl = alice.url();
    expect(await alice.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress)).toContain('Uploaded numbers.csv 100%');
    // The sender sees the name and size of what she attached (her sealed file index: her upload's entry).
    const attachment = alice.locator('.attachment-item').first();
    await expect.poll(() => attachment.getByTestId('attachment-name').textContent(), { timeout: LIVE }).toBe('numbers.csv');
    expect(await attachment.getByTestId('attachment-size').textContent()).toBe('24 B');

    const row = bob.locator('li.conversation[data-unread="1"]');
    await row.waitFor({ timeout: LIVE });
    await expect.poll(() => row.locator('.subject').textContent(), { timeout: LIVE }).toBe('Q3 numbers');
    await shot(bob, 'web-inbox');
  });

  it('bob reads, downloads the file (decrypted in the page, real name) and replies; alice sees the receipt and the reply live', async () => {
    await bob.locator('li.conversation a').first().click();
    await bob.getByRole('heading', { name: 'Q3 numbers' }).waitFor();
    expect(await bob.locator('.message[data-state="genuine"] .body').first().textContent()).toBe('Numbers attached. Shall we meet Tuesday?');
    // Before any download: the name inside the file (chunk 0 only, under the key of the header the message
    // carried); the size is in no header and no first chunk, so it comes with the verified download.
    const attachment = bob.locator('.attachment-item').first();
    await expect.poll(() => attachment.getByTestId('attachment-name').textContent(), { timeout: LIVE }).toBe('numbers.csv');
    expect(await attachment.getByTestId('attachment-size').textContent()).toBe('size known once downloaded');
    const [download] = await Promise.all([bob.waitForEvent('download'), bob.getByRole('button', { name: 'Download numbers.csv' }).click()]);
    expect(download.suggestedFilename()).toBe('numbers.csv');
    expect(readFileSync((await download.path())!, 'utf8')).toBe('quarter,revenue\nQ3,4200\n');
    await expect.poll(() => bob.getByRole('status').filter({ hasText: 'Saved numbers.csv' }).count()).toBe(1);
    expect(await attachment.getByTestId('attachment-size').textContent()).toBe('24 B');

    // The sender downloads her own attachment too (through her file index: the header the message
    // carries is wrapped for the others only).
    const [own] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: 'Download numbers.csv' }).click()]);
    expect(own.suggestedFilename()).toBe('numbers.csv');
    expect(readFileSync((await own.path())!, 'utf8')).toBe('quarter,revenue\nQ3,4200\n');

    // The read receipt reaches alice's open conversation without a reload.
    await alice.locator('[data-reader="bob"][data-read="yes"]').waitFor({ timeout: LIVE });
    expect(await alice.locator('[data-reader="bob"]').textContent()).toContain('read by bob');

    await bob.getByLabel('Message', { exact: true }).fill('Tuesday works. Thanks!');
    await bob.getByRole('button', { name: 'Send reply' }).click();
    await alice.locator('.message .body', { hasText: 'Tuesday works. Thanks!' }).waitFor({ timeout: LIVE });
    await alice.getByLabel('Message', { exact: true }).fill('See you then.');
    await alice.getByRole('button', { name: 'Send reply' }).click();
    await bob.locator('.message .body', { hasText: 'See you then.' }).waitFor({ timeout: LIVE });
    await shot(alice, 'web-conversation');
  });

  it('a login tells an unknown username at once, before any key derivation, and a wrong passphrase plainly', async () => {
    const page = await newPage();
    let workers = 0;
    page.on('worker', () => workers++);
    await page.goto(`${server.origin}/#/login`);
    // Everything is asked up front, the second factor included.
    await page.getByLabel('Two-factor code (if you turned it on)').waitFor();
    await page.getByLabel('Username').fill('nobody_here');
    await page.getByLabel('Passphrase').fill('any words at all will do here');
    const started = Date.now();
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: LIVE }).toBe('There is no account called nobody_here here. Check the spelling, or create an account.');
    const toldAfter = Date.now() - started;
    expect(workers).toBe(0);
    expect(await page.locator('progress').isVisible()).toBe(false);
    // One lookup, no scrypt: well under the half second a derivation takes here.
    expect(toldAfter).toBeLessThan(3_000);

    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: SLOW }).toBe('Wrong passphrase for bob.');
    expect(workers).toBe(1);
    await shot(page, 'web-login');
  });

  it('a third context sees a message whose stored ciphertext was altered as REJECTED, never as genuine', async () => {
    const last = alice.locator('.message[data-state="genuine"]').last();
    expect(await last.locator('.body').textContent()).toBe('See you then.');
    const messageId = (await last.getAttribute('data-message'))!;
    tamperStoredCiphertext(server.dataDir, messageId);

    const third = await newPage();
    await third.goto(`${server.origin}/#/login`);
    await third.getByLabel('Username').fill('bob');
    await third.getByLabel('Passphrase').fill(passphrases.bob!);
    await third.getByRole('button', { name: 'Log in' }).click();
    await third.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: SLOW });
    await third.goto(conversationUrl);
    const rejected = third.locator('.message[data-state="rejected"]');
    await rejected.waitFor({ timeout: LIVE });
    expect(await rejected.getAttribute('data-reason')).toBe('Undecryptable');
    expect(await rejected.textContent()).toContain('REJECTED');
    expect(await third.locator('.messages').textContent()).not.toContain('See you then.');
    // The untouched messages still verify.
    expect(await third.locator('.message[data-state="genuine"]').count()).toBe(2);
    await shot(third, 'web-rejected');
  });

  it('alice rotates her key; bob gets a loud banner and a blocked composer', async () => {
    await alice.goto(`${server.origin}/#/settings`);
    const passphrase = (await alice.getByTestId('new-passphrase').textContent())!.trim();
    await alice.getByLabel('I have written the new passphrase down').check();
    await alice.getByLabel('Type the new passphrase again').fill(passphrase);
    await alice.getByRole('button', { name: 'Change my key' }).click();
    await alice.getByText('Your key changed.').waitFor({ timeout: SLOW });
    passphrases.alice = passphrase;

    await bob.goto(conversationUrl);
    await bob.getByTestId('key-changed').waitFor({ timeout: LIVE });
    expect(await bob.getByTestId('key-changed').textContent()).toContain('alice: key CHANGED');
    expect(await bob.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    expect(await bob.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
    await shot(bob, 'web-key-changed');
  });

  it('alice turns on two-factor (QR code); a login takes a code up front, or asks for one without deriving again; one code per device session, which settings list and end', async () => {
    await alice.goto(`${server.origin}/#/settings`);
    await alice.getByRole('button', { name: 'Set up two-factor' }).click();
    await alice.getByTestId('tfa-secret').waitFor();
    expect(await alice.locator('canvas[data-qr]').count()).toBe(1);
    await shot(alice, 'web-settings');
    const secret = (await alice.getByTestId('tfa-secret').textContent())!.trim();
    await alice.getByLabel('Code shown by the app').fill(totpCode(secret));
    await alice.getByRole('button', { name: 'Turn on two-factor' }).click();
    await alice.getByTestId('backup-codes').waitFor();
    const backups = (await alice.getByTestId('backup-codes').locator('li').allTextContents()).map((c) => c.trim());

    // A fresh context with the NEW passphrase and no code: the page asks for one and does not derive again.
    const fourth = await newPage();
    let workers = 0;
    fourth.on('worker', () => workers++);
    await fourth.goto(`${server.origin}/#/login`);
    await fourth.getByLabel('Username').fill('alice');
    await fourth.getByLabel('Passphrase').fill(passphrases.alice!);
    await fourth.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => fourth.getByRole('status').filter({ hasText: 'Two-factor is on' }).count(), { timeout: SLOW }).toBe(1);
    await fourth.getByLabel('Two-factor code (if you turned it on)').fill(backups[0]!);
    await fourth.getByRole('button', { name: 'Log in' }).click();
    await fourth.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: LIVE });
    expect(workers).toBe(1);

    // And with the code given up front: one submission.
    const fifth = await newPage();
    await fifth.goto(`${server.origin}/#/login`);
    await fifth.getByLabel('Username').fill('alice');
    await fifth.getByLabel('Passphrase').fill(passphrases.alice!);
    await fifth.getByLabel('Two-factor code (if you turned it on)').fill(backups[1]!);
    await fifth.getByRole('button', { name: 'Log in' }).click();
    await fifth.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: SLOW });

    // One code per device: 40 screens later (several token batches), the device session has asked for none.
    const screens = [['#/contacts', 'Contacts'], ['#/files', 'Files'], ['#/settings', 'Settings'], ['#/inbox', 'Inbox']] as const;
    for (let i = 0; i < 40; i++) {
      const [hash, heading] = screens[i % screens.length]!;
      await fifth.goto(`${server.origin}/${hash}`);
      await fifth.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: LIVE });
    }
    await fifth.goto(`${server.origin}/#/settings`);
    const sessions = fifth.locator('ul.sessions > li');
    await expect.poll(() => sessions.count(), { timeout: LIVE }).toBeGreaterThan(1);
    expect(await fifth.locator('dialog[open]').count()).toBe(0);
    expect(await fifth.locator('ul.sessions > li[data-current="yes"]').textContent()).toContain('Web: Chromium on Linux (this browser)');

    // Logging the other browsers out from here: the fourth page's live updates end at once, and it is back at the login.
    const others = fifth.locator('ul.sessions > li[data-current="no"]');
    for (let left = await others.count(); left > 0; left--) {
      await others.first().getByRole('button', { name: 'Log out that device' }).click();
      await expect.poll(() => others.count(), { timeout: LIVE }).toBe(left - 1);
    }
    expect(await fifth.getByRole('status').filter({ hasText: 'is logged out' }).count()).toBe(1);
    await fourth.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
    expect(await fourth.getByRole('status').first().textContent()).toBe('This session was ended (logged out from another device, or the key changed). Log in again.');
    await expect.poll(() => fifth.locator('ul.sessions > li').count(), { timeout: LIVE }).toBe(1);
  });

  it('bob deletes his account from the settings and is back at the login screen', async () => {
    await bob.goto(`${server.origin}/#/settings`);
    await bob.getByLabel('Type bob to confirm').fill('bob');
    await bob.getByRole('button', { name: 'Delete my account forever' }).click();
    await bob.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
    expect(await bob.getByRole('status').first().textContent()).toBe('Your account was deleted.');
  });

  it('nothing was refused by the CSP or SRI, and nothing went to another origin', () => {
    expect(problems).toEqual([]);
  });
});
