/**
 * Links for people without an account (issue 21), in Chromium against the
 * real server process with the real SDK in every page: alice signs up in
 * the page, gets a file into her account (an attachment to bob, an SDK
 * user), and makes links on the Links screen (a file link from the Files
 * screen's "Share link", a message link, a passphrase link, a one-open
 * link). Each is opened in a FRESH browser context with no account, which
 * must get exactly what alice shared (a file's SHA-256 as saved), see the
 * fragment leave the address bar, and send it, or the seed it carries, in
 * no request at all (every request's URL, headers and body are recorded).
 * A wrong passphrase spends no open; the one-open link shows the exhausted
 * page the second time; a link revoked in alice's page shows the revoked
 * page at once; a link past its expiry (the server's clock run ahead with
 * PEERLOCK_DEV_CLOCK_OFFSET_MS) shows the expired page; and a hostile
 * server (the proxy in @peerlock/api/testing) that serves another link's
 * file, or this link's header with another file's chunks, gets a "failed
 * verification" page with nothing offered for saving.
 */
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { accessHashOf, bytesToBase64, deriveLinkKeys, keyPairFromSecretKey, parseLinkUrl, PeerlockClient, randomBytes } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy } from '@peerlock/api/testing';
import { browserSuite, launchChromium } from './support/browser.js';
import { repoRoot, startServer, webRoot, type ServerProcess } from './support/server-process.js';
import { openPage, signUpInPage } from './support/web-users.js';

const suite = browserSuite('links for people without an account in the web client', webRoot);
const SLOW = 90_000;
const LIVE = 20_000;

/** With UPDATE_SCREENSHOTS=1 the screens are photographed for docs/web.md. */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(repoRoot, 'docs/screenshots', `${name}.png`), fullPage: true });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every form the link's secret could travel in: the fragment, and the seed inside it in base64url, base64 and hex. */
function secretForms(url: string): string[] {
  const fragment = new URL(url).hash.slice(1);
  const seed = Buffer.from(fragment, 'base64url').subarray(2);
  expect(seed.length).toBe(32);
  return [fragment, seed.toString('base64url'), seed.toString('base64').replace(/=+$/, ''), seed.toString('hex')];
}

/** Records every request a context's pages send: URL, all headers and the body. */
function recordRequests(context: BrowserContext): { all(): Promise<string[]> } {
  const seen: Promise<string>[] = [];
  const record = (request: Request) =>
    seen.push(
      (async () => {
        const headers = await request.allHeaders().catch(() => request.headers());
        const body = request.postDataBuffer()?.toString('latin1') ?? '';
        return `${request.method()} ${request.url()}\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')}\n\n${body}`;
      })(),
    );
  context.on('request', record);
  return { all: () => Promise.all(seen) };
}

describe.skipIf(suite.skip)(
  suite.title,
  () => {
    let server: ServerProcess;
    let proxy: HostileProxy;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    let alice: Page;
    const fileBytes = new Uint8Array(nodeRandomBytes(300 * 1024));
    const fileName = 'report 2026.pdf';
    let fileId = '';
    const urls: Record<string, string> = {};

    /** A fresh context with no account (a temporary profile), recording every request. */
    async function stranger(): Promise<{ page: Page; requests: { all(): Promise<string[]> } }> {
      const { context, page } = await openPage(browser, problems);
      contexts.push(context);
      return { page, requests: recordRequests(context) };
    }

    const state = (page: Page) => page.getByTestId('link-state').getAttribute('data-state');

    async function waitForState(page: Page, wanted: string): Promise<void> {
      await expect.poll(() => state(page), { timeout: LIVE }).toBe(wanted);
    }

    /** Fills the Links form and creates the link; returns its URL as the page shows it. */
    async function createLink(options: { kind: 'file' | 'message'; subject?: string; text?: string; expiry?: string; limit?: number; passphrase?: string }): Promise<string> {
      if (options.kind === 'message') {
        await alice.getByLabel('A message').check();
        if (options.subject) await alice.getByLabel('Subject (optional)').fill(options.subject);
        await alice.getByLabel('Message text').fill(options.text ?? '');
      } else {
        await alice.getByLabel('A file').check();
        await alice.getByLabel('File', { exact: true }).selectOption(fileId);
      }
      await alice.getByLabel('Expires after').selectOption({ label: options.expiry ?? '7 days' });
      await alice.getByLabel('Open limit').fill(options.limit === undefined ? '' : String(options.limit));
      await alice.getByLabel('Passphrase (optional)').fill(options.passphrase ?? '');
      const shown = async () => ((await alice.locator('.link-created').count()) ? alice.locator('.link-created').getAttribute('data-link') : null);
      const before = await shown();
      await alice.getByRole('button', { name: 'Create link' }).click();
      await expect.poll(shown, { timeout: SLOW }).not.toBe(before);
      const url = await alice.getByTestId('link-url').inputValue();
      expect(url).toMatch(new RegExp(`^${server.origin}/l/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{46}$`));
      return url;
    }

    /** alice's row for a link, as her Links screen lists it (freshly loaded). */
    async function aliceRow(url: string): Promise<{ opens: string; status: string; passphrase: string }> {
      const id = parseLinkUrl(url).linkId;
      await alice.goto(`${server.origin}/#/inbox`);
      await alice.getByRole('heading', { name: 'Inbox' }).waitFor();
      await alice.goto(`${server.origin}/#/links`);
      const row = alice.locator(`tr[data-link="${id}"]`);
      await row.waitFor({ timeout: LIVE });
      return {
        opens: (await row.locator('[data-col="opens"]').textContent())!,
        status: (await row.locator('[data-col="status"]').textContent())!,
        passphrase: (await row.locator('[data-col="passphrase"]').textContent())!,
      };
    }

    /** Opens `url` in `page` (no account) up to the ready state; the fragment must be gone from the address bar by then. */
    async function visit(page: Page, url: string): Promise<void> {
      await page.goto(url);
      await expect.poll(() => state(page), { timeout: LIVE }).not.toBe('checking');
      expect(page.url()).toBe(url.replace(/#.*$/, ''));
      expect(await page.evaluate(() => window.location.hash)).toBe('');
      // No login or signup on a link's page.
      expect(await page.getByRole('button', { name: /Log in|Create account/ }).count()).toBe(0);
    }

    async function expectNoSecretSent(requests: { all(): Promise<string[]> }, url: string): Promise<void> {
      const sent = await requests.all();
      expect(sent.length).toBeGreaterThan(2);
      for (const secret of secretForms(url)) for (const request of sent) expect(request).not.toContain(secret);
    }

    beforeAll(async () => {
      const chromiumPath = suite.ready();
      // Wrong access values per address: low, so the last test reaches the limit in a few tries (the passphrase test spends one).
      server = await startServer({ PEERLOCK_RATE_LIMIT_LINK_ACCESS_PER_ADDRESS: '3' });
      proxy = await startHostileProxy({ target: server.origin });
      browser = await launchChromium(chromiumPath);
      const a = await openPage(browser, problems);
      contexts.push(a.context);
      alice = a.page;
      await signUpInPage(alice, server.origin, 'alice');
      // bob only receives the attachment that puts the file into alice's account.
      const bob = new PeerlockClient({ url: `${server.origin}/graphql`, webSocketImpl: WebSocket });
      await bob.signup({ username: 'bob', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
      await bob.requestContact('alice');
      await alice.goto(`${server.origin}/#/contacts`);
      await alice.getByRole('button', { name: 'Accept bob' }).click({ timeout: LIVE });
      await alice.locator('[data-contact="bob"]').waitFor({ timeout: LIVE });
      await alice.goto(`${server.origin}/#/compose`);
      await alice.getByLabel('bob').check();
      await alice.getByLabel('Message', { exact: true }).fill('the report');
      await alice.getByLabel('Attach files').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: Buffer.from(fileBytes) });
      await alice.getByRole('button', { name: 'Send', exact: true }).click();
      await alice.locator('.attachment-item').waitFor({ timeout: SLOW });
      fileId = (await alice.locator('.attachment-item').getAttribute('data-file'))!;
    }, SLOW * 3);

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await proxy?.close();
      await server?.stop();
    });

    it('alice makes a file link from the Files screen: the form comes pre-filled, the URL is shown once with a Copy button', async () => {
      await alice.goto(`${server.origin}/#/files`);
      await alice.locator(`button[data-share-link="${fileId}"]`).click();
      await alice.getByRole('heading', { name: 'Links', exact: true }).waitFor();
      await expect.poll(() => alice.getByLabel('File', { exact: true }).inputValue(), { timeout: LIVE }).toBe(fileId);
      expect(await alice.getByLabel('File', { exact: true }).locator('option:checked').textContent()).toBe(`${fileName} (300 KiB)`);
      expect(await alice.getByLabel('Expires after').locator('option:checked').textContent()).toBe('7 days');
      urls.file = await createLink({ kind: 'file' });
      expect(await alice.locator('.link-created').textContent()).toContain("The key is in the part after '#'");

      await alice.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await alice.getByRole('button', { name: 'Copy' }).click();
      await alice.locator('.link-created').getByText('Copied.').waitFor({ timeout: LIVE });
      expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(urls.file);

      const id = parseLinkUrl(urls.file).linkId;
      const row = alice.locator(`tr[data-link="${id}"]`);
      await row.waitFor({ timeout: LIVE });
      expect(await row.locator('[data-col="kind"]').textContent()).toBe(`File: ${fileName}`);
      expect(await row.locator('[data-col="opens"]').textContent()).toBe('0');
      expect(await row.locator('[data-col="status"]').textContent()).toBe('active');
      expect(await row.locator('[data-col="passphrase"]').textContent()).toBe('no');
    });

    it('someone without an account opens the file link: the exact bytes, saved under the name inside the file; the fragment is in no request', async () => {
      const { page, requests } = await stranger();
      await visit(page, urls.file!);
      await waitForState(page, 'ready');
      // No passphrase on this link: just the button.
      expect(await page.getByLabel('Passphrase').count()).toBe(0);
      await page.getByRole('button', { name: 'Open' }).click();
      await waitForState(page, 'file');
      expect(await page.getByTestId('link-file-name').textContent()).toBe(fileName);
      expect(await page.getByTestId('link-file-size').textContent()).toBe('300 KiB');
      expect(await page.getByTestId('link-sender').textContent()).toBe('alice');
      expect(await page.getByTestId('link-key-check').getAttribute('data-checked')).toBe('yes');
      expect(await page.getByTestId('link-opens').textContent()).toContain('opened 1 time');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Save ${fileName}` }).click()]);
      expect(download.suggestedFilename()).toBe(fileName);
      expect(sha256(await readFile((await download.path())!))).toBe(sha256(fileBytes));
      expect(page.url()).not.toContain('#');
      await expectNoSecretSent(requests, urls.file!);
      expect((await aliceRow(urls.file!)).opens).toBe('1');
    });

    it('a message link: subject and text exactly as written, sent by alice with her key checked; the fragment is in no request', async () => {
      const text = 'The code for the gate is 2718.\n<b>not bold</b> & <script>alert(1)</script>';
      urls.message = await createLink({ kind: 'message', subject: 'Gate code', text });
      const { page, requests } = await stranger();
      await visit(page, urls.message);
      await page.getByRole('button', { name: 'Open' }).click();
      await waitForState(page, 'message');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Gate code');
      expect(await page.getByTestId('link-text').textContent()).toBe(text);
      // Shown as text, never parsed as HTML.
      expect(await page.locator('.link-text b, .link-text script').count()).toBe(0);
      expect(await page.getByTestId('link-sender').textContent()).toBe('alice');
      expect(await page.getByTestId('link-key-check').getAttribute('data-checked')).toBe('yes');
      expect(await page.getByTestId('link-minilock-id').textContent()).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,55}$/);
      await shot(page, 'web-link-message');
      await expectNoSecretSent(requests, urls.message);
    });

    it('a passphrase link: asked for it; a wrong one is refused with no open spent; the right one opens', async () => {
      urls.passphrase = await createLink({ kind: 'message', text: 'behind a passphrase', passphrase: 'tulip orbit 7' });
      expect(await alice.locator('.link-created').textContent()).toContain('Send the passphrase through another channel');
      await alice.locator(`tr[data-link="${parseLinkUrl(urls.passphrase).linkId}"]`).waitFor({ timeout: LIVE });
      await shot(alice, 'web-links');
      const { page, requests } = await stranger();
      await visit(page, urls.passphrase);
      await waitForState(page, 'ready');
      const field = page.getByLabel('Passphrase');
      expect(await field.isVisible()).toBe(true);

      await field.fill('tulip orbit 8');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong passphrase. Nothing was opened and no open was used' }).waitFor({ timeout: SLOW });
      expect(await state(page)).toBe('ready');

      const row = await aliceRow(urls.passphrase);
      expect(row).toEqual({ opens: '0', status: 'active', passphrase: 'yes' });

      await field.fill('tulip orbit 7');
      await page.getByRole('button', { name: 'Open' }).click();
      await waitForState(page, 'message');
      expect(await page.getByTestId('link-text').textContent()).toBe('behind a passphrase');
      expect((await aliceRow(urls.passphrase)).opens).toBe('1');
      // Neither the fragment nor the passphrase left the page.
      await expectNoSecretSent(requests, urls.passphrase);
      for (const request of await requests.all()) expect(request).not.toContain('tulip orbit');
    });

    it('a link with an open limit of 1: the second open shows the exhausted page', async () => {
      urls.once = await createLink({ kind: 'message', text: 'only once', limit: 1 });
      const first = await stranger();
      await visit(first.page, urls.once);
      await first.page.getByRole('button', { name: 'Open' }).click();
      await waitForState(first.page, 'message');
      expect(await first.page.getByTestId('link-opens').textContent()).toContain('opened 1 of 1 times');

      const second = await stranger();
      await visit(second.page, urls.once);
      await waitForState(second.page, 'exhausted');
      expect(await second.page.getByRole('heading', { level: 1 }).textContent()).toBe('This link was opened as many times as its owner allowed');
      expect(await second.page.getByText('only once').count()).toBe(0);
      expect(await aliceRow(urls.once)).toEqual({ opens: '1 of 1', status: 'used up', passphrase: 'no' });
    });

    it('alice revokes a link: a page already showing it and a new visit both get the revoked page at once', async () => {
      const waiting = await stranger();
      await visit(waiting.page, urls.file!);
      await waitForState(waiting.page, 'ready');

      const id = parseLinkUrl(urls.file!).linkId;
      await aliceRow(urls.file!);
      await alice.locator(`tr[data-link="${id}"]`).getByRole('button', { name: 'Revoke' }).click();
      await alice.getByText('Revoked: the link no longer opens.').waitFor({ timeout: LIVE });
      await expect.poll(() => alice.locator(`tr[data-link="${id}"] [data-col="status"]`).textContent(), { timeout: LIVE }).toBe('revoked');

      await waiting.page.getByRole('button', { name: 'Open' }).click();
      await waitForState(waiting.page, 'revoked');
      expect(await waiting.page.getByTestId('link-save').count()).toBe(0);

      const fresh = await stranger();
      await visit(fresh.page, urls.file!);
      await waitForState(fresh.page, 'revoked');
      expect(await fresh.page.getByRole('heading', { level: 1 }).textContent()).toBe('This link was revoked');
    });

    it('a damaged link (the part after # cut short, or missing) shows the malformed page and asks the server nothing', async () => {
      for (const damaged of [urls.message!.slice(0, -5), urls.message!.replace(/#.*$/, '')]) {
        const { page, requests } = await stranger();
        await page.goto(damaged);
        await waitForState(page, 'malformed');
        expect(await page.getByTestId('link-explanation').textContent()).toContain("including the part after '#'");
        expect((await requests.all()).filter((r) => r.includes('/graphql'))).toEqual([]);
      }
    });

    it('a link this server does not know shows the not-found page', async () => {
      const unknownId = Buffer.from(nodeRandomBytes(16)).toString('base64url');
      const { page } = await stranger();
      await visit(page, urls.message!.replace(/\/l\/[A-Za-z0-9_-]{22}#/, `/l/${unknownId}#`));
      await waitForState(page, 'not-found');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link was not found');
      expect(await page.getByRole('button', { name: 'Open' }).count()).toBe(0);
    });

    it('on a 360 × 740 phone screen the Links screen (form, a new link, the list) and a link’s page fit, without sideways scrolling', async () => {
      const fits = async (page: Page) => {
        const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, clientWidth: document.scrollingElement!.clientWidth, header: document.querySelector('header.top')?.getBoundingClientRect().height ?? 0 }));
        expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
        expect(m.header).toBeLessThanOrEqual(740 / 4);
      };
      await alice.setViewportSize({ width: 360, height: 740 });
      try {
        await aliceRow(urls.message!);
        await createLink({ kind: 'message', text: 'on a phone', passphrase: 'a rather long passphrase to see it wrap' });
        await fits(alice);
      } finally {
        await alice.setViewportSize({ width: 1024, height: 760 });
      }
      const { page } = await stranger();
      await page.setViewportSize({ width: 360, height: 740 });
      await visit(page, urls.message!);
      await fits(page);
      await page.getByRole('button', { name: 'Open' }).click();
      await waitForState(page, 'message');
      await fits(page);
    });

    it('a hostile server serving another link’s file for this link: "failed verification", nothing offered for saving', async () => {
      // A fresh file link, and the .minilock file the server streams for the message link (another file, its header wrapped to another key).
      await alice.goto(`${server.origin}/#/links?file=${fileId}`);
      await expect.poll(() => alice.getByLabel('File', { exact: true }).inputValue(), { timeout: LIVE }).toBe(fileId);
      const target = await createLink({ kind: 'file' });
      const other = await downloadLinkFile(server.origin, urls.message!);
      const targetId = parseLinkUrl(target).linkId;
      const swap = proxy.onHttp(
        (method, path) => method === 'GET' && path === `/links/${targetId}/file`,
        async (request) => {
          const real = await request.forward();
          return { status: real.status, headers: { 'content-type': 'application/octet-stream' }, body: other };
        },
      );
      try {
        const { page } = await stranger();
        await visit(page, target.replace(server.origin, proxy.url));
        await page.getByRole('button', { name: 'Open' }).click();
        await waitForState(page, 'not-for-this-link');
        await shot(page, 'web-link-failed-verification');
        expect(swap.count).toBe(1);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe("This link's content failed verification");
        expect(await page.getByTestId('link-save').count()).toBe(0);
        expect(await page.getByText('The code for the gate').count()).toBe(0);
      } finally {
        swap.remove();
      }
    });

    it('a server whose key log does not vouch for the sender: the content still opens, and the page says plainly the name was not checked', async () => {
      const lying = proxy.onGraphql('KeyLogKeyProof', () => ({}));
      try {
        const { page } = await stranger();
        await visit(page, urls.message!.replace(server.origin, proxy.url));
        await page.getByRole('button', { name: 'Open' }).click();
        await waitForState(page, 'message');
        expect(lying.count).toBeGreaterThan(0);
        const check = page.getByTestId('link-key-check');
        expect(await check.getAttribute('data-checked')).toBe('no');
        expect(await check.textContent()).toContain('Not checked');
        expect(await check.textContent()).toContain('"alice" is only a claim');
      } finally {
        lying.remove();
      }
    });

    it('a hostile server serving this link’s header with another file’s chunks: "failed verification", nothing offered for saving', async () => {
      const target = await createLink({ kind: 'file' });
      const other = await downloadLinkFile(server.origin, urls.message!);
      const targetId = parseLinkUrl(target).linkId;
      const splice = proxy.onHttp(
        (method, path) => method === 'GET' && path === `/links/${targetId}/file`,
        async (request) => {
          const real = await request.forward();
          const body = Buffer.concat([headerOf(real.body), chunksOf(other)]);
          return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body };
        },
      );
      try {
        const { page } = await stranger();
        await visit(page, target.replace(server.origin, proxy.url));
        await page.getByRole('button', { name: 'Open' }).click();
        await waitForState(page, 'tampered');
        expect(splice.count).toBe(1);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe("This link's content failed verification");
        expect(await page.getByTestId('link-save').count()).toBe(0);
      } finally {
        splice.remove();
      }
    });

    it('a link past its expiry (the server’s clock run 2 hours ahead) shows the expired page', async () => {
      urls.expiring = await createLink({ kind: 'message', text: 'for an hour', expiry: '1 hour' });
      const before = await stranger();
      await visit(before.page, urls.expiring);
      await waitForState(before.page, 'ready');

      // alice's page leaves first: its live socket would otherwise log the refused reconnections while the server is down.
      await alice.goto('about:blank');
      await server.restart({ PEERLOCK_DEV_CLOCK_OFFSET_MS: String(2 * 3600_000) });
      // The page loaded before the expiry asks now: refused.
      await before.page.getByRole('button', { name: 'Open' }).click();
      await waitForState(before.page, 'expired');
      const after = await stranger();
      await visit(after.page, urls.expiring);
      await waitForState(after.page, 'expired');
      expect(await after.page.getByRole('heading', { level: 1 }).textContent()).toBe('This link has expired');
      expect(await after.page.getByText('for an hour').count()).toBe(0);
    });

    it('too many wrong passphrases: the page says to wait, and keeps the form', async () => {
      const { page } = await stranger();
      await visit(page, urls.passphrase!);
      await waitForState(page, 'ready');
      const alert = page.getByRole('alert');
      let said = '';
      for (let attempt = 0; attempt < 5 && !said.startsWith('Too many'); attempt++) {
        await page.getByLabel('Passphrase').fill(`wrong ${attempt}`);
        await page.getByRole('button', { name: 'Open' }).click();
        await expect.poll(async () => ((await alert.count()) && (await page.getByRole('button', { name: 'Open' }).isEnabled()) ? alert.textContent() : null), { timeout: SLOW }).not.toBeNull();
        said = (await alert.textContent())!;
        expect(said).toMatch(/^(Wrong passphrase\.|Too many wrong passphrases were tried from your network\. Wait (\d+ (seconds|minutes)|a few minutes) and try again\.)/);
        if (!said.startsWith('Too many')) await page.evaluate(() => document.querySelector('[role=alert]')?.replaceChildren());
      }
      expect(said).toMatch(/^Too many wrong passphrases/);
      expect(await state(page)).toBe('ready');
    });

    it('nothing was refused by the CSP or SRI, nothing went to another origin, and no page error', () => {
      expect(problems).toEqual([]);
    });
  },
);

/** The `.minilock` file the server streams for a link, fetched the way the SDK does (spends one open). */
async function downloadLinkFile(origin: string, url: string): Promise<Buffer> {
  const link = parseLinkUrl(url);
  const keys = await deriveLinkKeys(link);
  expect(accessHashOf(keys.access).length).toBe(32);
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($linkId: ID!, $access: Base64!) { openLink(linkId: $linkId, access: $access) { grant } }', variables: { linkId: link.linkId, access: bytesToBase64(keys.access) } }),
  });
  const { data } = (await response.json()) as { data: { openLink: { grant: string } } };
  const file = await fetch(`${origin}/links/${link.linkId}/file`, { headers: { authorization: `PeerlockLink ${data.openLink.grant}` } });
  expect(file.status).toBe(200);
  return Buffer.from(await file.arrayBuffer());
}

/** A miniLock file's magic, header length (4 bytes, little-endian) and header. */
function headerOf(file: Uint8Array): Buffer {
  const bytes = Buffer.from(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('miniLock');
  return bytes.subarray(0, 12 + bytes.readUInt32LE(8));
}

function chunksOf(file: Uint8Array): Buffer {
  return Buffer.from(file).subarray(headerOf(file).length);
}
