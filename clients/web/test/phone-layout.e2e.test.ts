/**
 * The web client on a phone-sized screen (360 × 740 CSS pixels, Chromium's
 * mobile emulation): every screen fits the width (nothing scrolls
 * sideways: long usernames, file names, miniLock IDs and unbroken words
 * wrap) and the header takes at most a quarter of the height. On the way,
 * the first steps of a new user: the empty inbox leads to adding a contact
 * (and, once there is one, to writing), an accepted request is said so,
 * and a "Request sent" line is replaced live when the other accepts.
 *
 * alice uses the page; bob (a 16-character username) and carol are SDK
 * clients talking to the same server process.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generatePassphrase, PeerlockClient, utf8ToBytes } from '@peerlock/sdk';
import { findChromium, launchChromium } from './support/browser.js';
import { repoRoot, startServer, webRoot, type ServerProcess } from './support/server-process.js';

const chromiumPath = findChromium();
const built = existsSync(join(webRoot, 'index.html'));
const mustRun = process.env.CI === 'true' || process.env.CI === '1';
const PHONE = { width: 360, height: 740 };
const LIVE = 20_000;
const SLOW = 60_000;

describe.skipIf(!mustRun && (!chromiumPath || !built))(
  chromiumPath && built ? 'web client on a 360 × 740 phone screen (Chromium)' : 'web client on a phone screen (skipped: needs Chromium at /usr/bin/chromium and a built clients/web/dist)',
  () => {
    let server: ServerProcess;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let bob: PeerlockClient;
    let carol: PeerlockClient;
    // Digits in the names: no generated passphrase word can contain them (the strength check refuses that).
    const bobName = 'bartholomew_1234';
    const carolName = 'carol_1';
    const shots = mkdtempSync(join(tmpdir(), 'peerlock-phone-shots-'));
    const problems: string[] = [];
    const measured: string[] = [];

    const sdkUser = async (username: string) => {
      const client = new PeerlockClient({ url: `${server.origin}/graphql`, webSocketImpl: WebSocket });
      await client.signup({ username, passphrase: generatePassphrase(7, username).passphrase });
      return client;
    };

    /** No sideways scrolling, a header of at most a quarter of the screen; a screenshot for the record. */
    async function fitsThePhone(screen: string): Promise<void> {
      const m = await page.evaluate(() => {
        const root = document.scrollingElement!;
        const header = document.querySelector('header.top');
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, header: header ? header.getBoundingClientRect().height : 0, height: window.innerHeight };
      });
      measured.push(`${screen}: ${m.scrollWidth}/${m.clientWidth} px wide, header ${Math.round(m.header)} of ${m.height} px`);
      await page.screenshot({ path: join(shots, `web-phone-${screen}.png`), fullPage: true });
      expect(m.scrollWidth, `${screen} scrolls sideways`).toBeLessThanOrEqual(m.clientWidth);
      expect(m.header, `${screen}: the header is taller than a quarter of the screen`).toBeLessThanOrEqual(m.height / 4);
    }

    beforeAll(async () => {
      if (!chromiumPath) throw new Error('CI must have Chromium at /usr/bin/chromium (.ci/run installs it)');
      if (!built) throw new Error('clients/web/dist is not built (npm run build -w clients/web)');
      server = await startServer();
      browser = await launchChromium(chromiumPath);
      [bob, carol] = await Promise.all([sdkUser(bobName), sdkUser(carolName)]);
      context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, acceptDownloads: true, serviceWorkers: 'block' });
      page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|integrity|Refused/i.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    }, SLOW);

    afterAll(async () => {
      console.log(measured.join('\n'));
      await context?.close().catch(() => undefined);
      await browser?.close();
      await server?.stop();
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        const target = join(repoRoot, 'docs/screenshots');
        mkdirSync(target, { recursive: true });
        for (const name of ['web-phone-inbox-empty', 'web-phone-conversation', 'web-phone-safety-number'])
          if (existsSync(join(shots, `${name}.png`))) copyFileSync(join(shots, `${name}.png`), join(target, `${name}.png`));
      }
      rmSync(shots, { recursive: true, force: true });
    });

    it('the login and signup screens fit', async () => {
      await page.goto(`${server.origin}/#/login`);
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor();
      await fitsThePhone('login');
      await page.goto(`${server.origin}/#/signup`);
      await page.getByRole('heading', { name: 'Create your Peerlock account' }).waitFor();
      await fitsThePhone('signup');
    });

    it('alice signs up; her empty inbox leads to adding a contact, with no stray punctuation', async () => {
      await page.getByLabel('Username').fill('alice');
      const passphrase = (await page.getByTestId('generated-passphrase').textContent())!.trim();
      await page.getByLabel('I have written this passphrase down').check();
      await page.getByLabel('Type the passphrase again').fill(passphrase);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByTestId('recovery-code').waitFor({ timeout: SLOW });
      await fitsThePhone('recovery-code');
      await page.getByRole('button', { name: 'I saved it, continue' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();

      const empty = page.getByTestId('empty-inbox');
      await empty.waitFor();
      expect(await empty.getByRole('link').count()).toBe(1);
      expect(await empty.getByRole('link', { name: 'Add a contact' }).getAttribute('href')).toBe('#/contacts');
      expect(await empty.textContent()).toContain('Messages go only between contacts');
      // Every text line of the box says something: no line of bare punctuation.
      const lines = (await empty.innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
      expect(lines.filter((l) => !/[A-Za-z]/.test(l))).toEqual([]);
      await fitsThePhone('inbox-empty');
    });

    it('bob’s request arrives live; accepting it says so; the empty inbox now leads to writing', async () => {
      await page.getByTestId('empty-inbox').getByRole('link', { name: 'Add a contact' }).click();
      await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
      await bob.requestContact('alice');
      const incoming = page.locator(`[data-incoming="${bobName}"]`);
      await incoming.waitFor({ timeout: LIVE });
      await fitsThePhone('contacts-request');
      await incoming.getByRole('button', { name: `Accept ${bobName}` }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Accepted' }).textContent()).toBe(`Accepted ${bobName}'s request: you are now contacts.`);

      await page.goto(`${server.origin}/#/inbox`);
      const write = page.getByTestId('empty-inbox').getByRole('link', { name: 'Write the first message' });
      await write.waitFor();
      expect(await write.getAttribute('href')).toBe('#/compose');
      await write.click();
      await page.getByRole('heading', { name: 'New message' }).waitFor();
      await page.getByLabel(bobName).waitFor();
      await fitsThePhone('compose');
    });

    it('"Request sent to carol" gives way, live, to "carol accepted your request"', async () => {
      await page.goto(`${server.origin}/#/contacts`);
      await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
      await page.getByLabel('Username').fill(carolName);
      await page.getByRole('button', { name: 'Send contact request' }).click();
      const status = page.locator('p.status.info');
      await expect.poll(() => status.textContent()).toBe(`Request sent to ${carolName}.`);
      await page.locator(`[data-outgoing="${carolName}"]`).waitFor();
      await carol.acceptContact('alice');
      await expect.poll(() => status.textContent(), { timeout: LIVE }).toBe(`${carolName} accepted your request: you are now contacts.`);
      await page.locator(`[data-contact="${carolName}"]`).waitFor();
      expect(await page.locator(`[data-outgoing="${carolName}"]`).count()).toBe(0);
      await fitsThePhone('contacts');
    });

    it('a conversation with an attachment, the safety number, files and settings fit', async () => {
      const fileName = 'quarterly-report-for-the-board-with-a-rather-long-name-2026.csv';
      const content = utf8ToBytes('quarter,revenue\nQ3,4200\n');
      const uploaded = await bob.files.upload({ source: [content], size: content.length, name: fileName });
      const ref = await bob.files.share(uploaded.fileId, uploaded.fileInfo, ['alice', bobName]);
      const { conversationId } = await bob.messaging.send(['alice'], {
        subject: 'Numbers for the board meeting on Tuesday',
        body: `Attached. The link was https://example.org/${'a-very-long-path-segment-'.repeat(6)}end and the ID ${bob.miniLockId}.`,
        files: [ref],
      });

      await page.goto(`${server.origin}/#/c/${conversationId}`);
      const item = page.locator(`.attachment-item[data-file="${uploaded.fileId}"]`);
      await expect.poll(() => item.getByTestId('attachment-name').textContent(), { timeout: LIVE }).toBe(fileName);
      await fitsThePhone('conversation');

      await page.goto(`${server.origin}/#/contacts/${bobName}`);
      await page.getByTestId('safety-digits').waitFor();
      await fitsThePhone('safety-number');

      await page.goto(`${server.origin}/#/files`);
      await page.locator(`li.file[data-file="${uploaded.fileId}"]`).waitFor({ timeout: LIVE });
      await fitsThePhone('files');

      await page.goto(`${server.origin}/#/settings`);
      await page.getByRole('button', { name: 'Set up two-factor' }).click();
      await page.getByTestId('tfa-secret').waitFor();
      await fitsThePhone('settings');
      expect(problems).toEqual([]);
    });
  },
);
