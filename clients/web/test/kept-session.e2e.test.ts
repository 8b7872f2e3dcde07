/**
 * "Keep me signed in on this device" in Chromium (issue 16): without the
 * box, a reload logs out and nothing is stored; with it, a reload opens the
 * inbox without the passphrase, from a record sealed under a
 * non-extractable WebCrypto key in IndexedDB; "Log out" deletes it, and so
 * does the session being ended from another device (the page returns to
 * the login at once, and a reload stays there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generatePassphrase, PeerlockClient } from '@peerlock/sdk';
import { browserSuite, launchChromium } from './support/browser.js';
import { startServer, webRoot, type ServerProcess } from './support/server-process.js';

const suite = browserSuite('keeping a web session across reloads', webRoot);
const SLOW = 90_000;
const LIVE = 20_000;

describe.skipIf(suite.skip)(
  suite.title,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const username = 'dana1';
    const passphrase = generatePassphrase(7).passphrase;

    beforeAll(async () => {
      const chromiumPath = suite.ready();
      server = await startServer();
      browser = await launchChromium(chromiumPath);
      await new PeerlockClient({ url: `${server.origin}/graphql`, webSocketImpl: WebSocket }).signup({ username, passphrase });
      context = await browser.newContext({ viewport: { width: 1024, height: 760 }, serviceWorkers: 'block' });
      page = await context.newPage();
    }, SLOW);
    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close();
      await server?.stop();
    });

    async function login(keep: boolean): Promise<void> {
      await page.goto(`${server.origin}/#/login`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Passphrase').fill(passphrase);
      if (keep) await page.getByLabel(/Keep me signed in on this device/).check();
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: SLOW });
    }
    /** What IndexedDB holds: whether there is a record, its key's extractability, and whether the sealed bytes show the username. */
    const stored = () =>
      page.evaluate(
        (name) =>
          new Promise<{ record: boolean; extractable?: boolean; showsName?: boolean }>((resolve, reject) => {
            const open = indexedDB.open('peerlock', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('kept-session');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('kept-session').objectStore('kept-session').get('current');
              get.onsuccess = () => {
                const r = get.result as { key: CryptoKey; sealed: ArrayBuffer } | undefined;
                open.result.close();
                if (!r) return resolve({ record: false });
                resolve({ record: true, extractable: r.key.extractable, showsName: new TextDecoder('latin1').decode(r.sealed).includes(name) });
              };
            };
          }),
        username,
      );

    it('without the box: a reload logs out, and nothing is stored', async () => {
      await login(false);
      expect(await stored()).toEqual({ record: false });
      await page.reload();
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
    });

    it('with the box: a reload opens the inbox without the passphrase; the record is sealed under a key script cannot read', async () => {
      await login(true);
      expect(await stored()).toEqual({ record: true, extractable: false, showsName: false });
      await page.reload();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: LIVE });
      await page.goto(`${server.origin}/#/settings`);
      await expect.poll(() => page.locator('ul.sessions > li[data-current="yes"]').count(), { timeout: LIVE }).toBe(1);
    });

    it('"Log out" deletes the record: a reload stays at the login', async () => {
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
      expect(await stored()).toEqual({ record: false });
      await page.reload();
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
    });

    it('ended from another device: the page goes to the login at once, and the record is gone', async () => {
      await login(true);
      const phone = new PeerlockClient({ url: `${server.origin}/graphql`, webSocketImpl: WebSocket, device: { label: 'phone' } });
      await phone.login({ username, passphrase });
      const web = (await phone.sessions()).find((s) => s.label.startsWith('Web:'))!;
      expect(await phone.revokeSession(web.id)).toBe(true);
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
      expect(await page.getByRole('status').first().textContent()).toContain('This session was ended');
      expect(await stored()).toEqual({ record: false });
      await page.reload();
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor({ timeout: LIVE });
    });
  },
);
