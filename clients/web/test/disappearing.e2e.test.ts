/**
 * Disappearing messages, unsend and edit in the web client (issue 20), in
 * Chromium against the real server process with the real SDK in both
 * pages: alice and bob sign up in the page and become contacts; alice sets
 * the conversation's timer in its header and bob's page shows who set it,
 * live; replies take the timer and show how long they have left; alice
 * unsends a message and bob's page replaces it with "This message was
 * deleted" at once, with nothing of its text left in the page or (a heap
 * snapshot says) in its memory; alice edits one and bob sees the new text
 * marked edited; a message under a 5-minute timer leaves bob's page, and
 * his page's memory, once his clock (Playwright's fake clock, moved only
 * after the message was sent: the server's time stays real) passes its
 * verified expiry. A new conversation can start with a timer.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSuite, launchChromium } from './support/browser.js';
import { repoRoot, startServer, webRoot, type ServerProcess } from './support/server-process.js';
import { becomeContacts, openPage, signUpInPage } from './support/web-users.js';

const suite = browserSuite('disappearing messages, unsend and edit in the web client', webRoot);
const SLOW = 90_000;
const LIVE = 20_000;

/** With UPDATE_SCREENSHOTS=1 the conversation is photographed for docs/web.md. */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(repoRoot, 'docs/screenshots', `${name}.png`), fullPage: true });
}

/**
 * Whether `text` is anywhere in the page's JavaScript heap, after a full
 * garbage collection (the DevTools heap snapshot: every string it holds).
 */
async function inHeap(page: Page, text: string): Promise<boolean> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => void chunks.push(e.chunk));
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return chunks.join('').includes(text);
  } finally {
    await cdp.detach();
  }
}

describe.skipIf(suite.skip)(
  suite.title,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    let alice: Page;
    let bob: Page;
    let conversationPath = '';

    /** The id of alice's newest message with this body, as her page shows it (so bob's page is never handed the text to look for). */
    const idOn = async (page: Page, body: string) => (await page.locator('.message[data-state="genuine"]', { has: page.locator('.body', { hasText: body }) }).last().getAttribute('data-message'))!;
    const row = (page: Page, messageId: string) => page.locator(`[data-message="${messageId}"]`);
    const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);
    /** Where the keyboard is, in one look (a re-render between finding an element and asking would make a stale answer): "<message id> <tag> <button text>". */
    const focus = (page: Page) =>
      page.evaluate(() => {
        const active = document.activeElement;
        return active ? `${active.closest('[data-message]')?.getAttribute('data-message')} ${active.tagName} ${active.tagName === 'BUTTON' ? active.textContent : ''}`.trim() : '';
      });

    async function reply(page: Page, body: string): Promise<void> {
      await page.getByLabel('Message', { exact: true }).fill(body);
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.message .body', { hasText: body }).waitFor({ timeout: LIVE });
    }

    beforeAll(async () => {
      const chromiumPath = suite.ready();
      server = await startServer();
      browser = await launchChromium(chromiumPath);
      const a = await openPage(browser, problems);
      // bob's clock is Playwright's: it runs as the real one until the test moves it forward.
      const b = await openPage(browser, problems, { clock: true });
      contexts.push(a.context, b.context);
      [alice, bob] = [a.page, b.page];
      await Promise.all([signUpInPage(alice, server.origin, 'alice'), signUpInPage(bob, server.origin, 'bob')]);
      await becomeContacts(server.origin, { page: alice, name: 'alice' }, { page: bob, name: 'bob' });
    }, SLOW * 2);

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await server?.stop();
    });

    it('alice sets the timer in the header; bob’s open conversation shows it, set by alice, live', async () => {
      await alice.goto(`${server.origin}/#/compose`);
      await alice.getByLabel('bob').check();
      await alice.getByLabel('Subject').fill('Plans');
      await alice.getByLabel('Message', { exact: true }).fill('Shall we plan the launch?');
      await alice.getByRole('button', { name: 'Send', exact: true }).click();
      await alice.getByRole('heading', { name: 'Plans' }).waitFor({ timeout: LIVE });
      conversationPath = new URL(alice.url()).hash;
      expect(await alice.getByTestId('timer').textContent()).toBe('Disappearing messages: off');

      await bob.goto(`${server.origin}/${conversationPath}`);
      await bob.getByRole('heading', { name: 'Plans' }).waitFor({ timeout: LIVE });
      expect(await bob.getByTestId('timer').textContent()).toBe('Disappearing messages: off');

      await alice.getByLabel('Timer', { exact: true }).selectOption({ label: '1 hour' });
      await alice.getByRole('button', { name: 'Set timer' }).click();
      await alice.getByRole('status').filter({ hasText: 'Disappearing messages set to 1 hour.' }).waitFor({ timeout: LIVE });
      await expect.poll(() => alice.getByTestId('timer').textContent(), { timeout: LIVE }).toBe('Disappearing messages: 1 hour · set by alice');
      expect(await alice.locator('.system[data-state="timer"]').last().textContent()).toContain('alice set disappearing messages to 1 hour');

      // No reload on bob's side: the signed timer message arrives on the live subscription.
      await expect.poll(() => bob.getByTestId('timer').textContent(), { timeout: LIVE }).toBe('Disappearing messages: 1 hour · set by alice');
      expect(await bob.locator('.system[data-state="timer"]').last().textContent()).toContain('alice set disappearing messages to 1 hour');
      expect(await bob.getByLabel('Timer', { exact: true }).inputValue()).toBe('3600');
      expect(await bob.getByText('your reply disappears 1 hour after it is sent').count()).toBe(1);
    });

    it('bob replies under the timer: both pages say how long it has left', async () => {
      await reply(bob, 'Yes: Tuesday at ten.');
      const id = await idOn(bob, 'Yes: Tuesday at ten.');
      expect(await row(bob, id).getByTestId('expires').textContent()).toMatch(/^disappears in (59|60) min$/);
      await row(alice, id).waitFor({ timeout: LIVE });
      expect(await row(alice, id).getByTestId('expires').textContent()).toMatch(/^disappears in (59|60) min$/);
      // Only one's own messages can be unsent or edited.
      expect(await row(alice, id).getByRole('button', { name: /^(Unsend|Edit)/ }).count()).toBe(0);
      expect(await row(bob, id).getByRole('button', { name: /^Unsend/ }).count()).toBe(1);
    });

    it('alice unsends a message: bob’s page shows the placeholder at once, and nothing of the text is left in it', async () => {
      const secret = 'the door code is 4711-unsend';
      await reply(alice, secret);
      const id = await idOn(alice, secret);
      await row(bob, id).locator('.body').waitFor({ timeout: LIVE });
      expect(await row(bob, id).locator('.body').textContent()).toBe(secret);
      // The heap search finds the text while it is shown (so its "not found" below means something).
      expect(await inHeap(bob, '4711-unsend')).toBe(true);

      await row(alice, id).getByRole('button', { name: /^Unsend/ }).click();
      // Asked once more, inline; the keyboard lands on the confirmation.
      await expect.poll(() => focus(alice), { timeout: LIVE }).toBe(`${id} BUTTON Unsend for everyone`);
      await row(alice, id).getByRole('button', { name: 'Unsend for everyone' }).click();
      await expect.poll(() => row(alice, id).getAttribute('data-state'), { timeout: LIVE }).toBe('deleted');
      expect(await alice.getByRole('status').filter({ hasText: 'Unsent' }).count()).toBe(1);
      // The keyboard stays with the message: on its placeholder.
      await expect.poll(() => focus(alice), { timeout: LIVE }).toBe(`${id} LI`);

      // bob: replaced in place, live.
      await expect.poll(() => row(bob, id).getAttribute('data-state'), { timeout: LIVE }).toBe('deleted');
      expect(await row(bob, id).textContent()).toContain('This message was deleted');
      expect(await bodyText(bob)).not.toContain('4711-unsend');
      expect(await bodyText(alice)).not.toContain('4711-unsend');
      expect(await inHeap(bob, '4711-unsend')).toBe(false);
      // A fresh read agrees (the SDK shows the verified delete as the same placeholder).
      await bob.goto(`${server.origin}/#/inbox`);
      await bob.getByRole('heading', { name: 'Inbox' }).waitFor();
      await bob.goto(`${server.origin}/${conversationPath}`);
      await row(bob, id).waitFor({ timeout: LIVE });
      expect(await row(bob, id).getAttribute('data-state')).toBe('deleted');
      expect(await bodyText(bob)).not.toContain('4711-unsend');
    });

    it('alice edits a message: bob sees the new text, marked edited, live', async () => {
      await reply(alice, 'Meet at the old office.');
      const id = await idOn(alice, 'Meet at the old office.');
      await row(bob, id).locator('.body').waitFor({ timeout: LIVE });

      await row(alice, id).getByRole('button', { name: /^Edit/ }).click();
      const box = row(alice, id).getByRole('textbox', { name: 'Edit your message' });
      expect(await box.inputValue()).toBe('Meet at the old office.');
      await expect.poll(() => focus(alice), { timeout: LIVE }).toBe(`${id} TEXTAREA`);
      // Escape cancels, and nothing changes.
      await box.press('Escape');
      expect(await box.isVisible()).toBe(false);
      await row(alice, id).getByRole('button', { name: /^Edit/ }).click();
      await box.fill('Meet at the new office, room 3.');
      await row(alice, id).getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => row(alice, id).locator('.body').textContent(), { timeout: LIVE }).toBe('Meet at the new office, room 3.');
      await expect.poll(() => focus(alice), { timeout: LIVE }).toBe(`${id} BUTTON Edit`);

      await expect.poll(() => row(bob, id).locator('.body').textContent(), { timeout: LIVE }).toBe('Meet at the new office, room 3.');
      expect(await row(bob, id).getByTestId('edited').textContent()).toMatch(/^edited \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      expect(await row(bob, id).getAttribute('data-edited')).toBe('yes');
      expect(await bodyText(bob)).not.toContain('old office');
      // Seen in place, the unsend and the edit are acknowledged like any message: nothing stays unread.
      await expect.poll(() => bob.locator('nav a[href="#/inbox"] .badge').isHidden(), { timeout: LIVE }).toBe(true);
      await shot(bob, 'web-disappearing');
    });

    it('a new conversation can start with a timer: its opening message counts down at once', async () => {
      await alice.goto(`${server.origin}/#/compose`);
      await alice.getByLabel('bob').check();
      await alice.getByLabel('Subject').fill('Pier 0451-subject');
      await alice.getByLabel('Message', { exact: true }).fill('Meet at the pier at midnight.');
      await alice.getByLabel('Disappearing messages').selectOption({ label: '5 minutes' });
      await alice.getByRole('button', { name: 'Send', exact: true }).click();
      await alice.getByRole('heading', { name: 'Pier 0451-subject' }).waitFor({ timeout: LIVE });
      await expect.poll(() => alice.getByTestId('timer').textContent(), { timeout: LIVE }).toBe('Disappearing messages: 5 minutes · set by alice');
      const opening = alice.locator('.message[data-state="genuine"]').first();
      expect(await opening.locator('.body').textContent()).toBe('Meet at the pier at midnight.');
      expect(await opening.getByTestId('expires').textContent()).toMatch(/^disappears in [45] min$/);
    });

    it('a message under a 5-minute timer leaves bob’s page, and its memory, when his clock passes its expiry', async () => {
      await alice.goto(`${server.origin}/${conversationPath}`);
      await alice.getByRole('heading', { name: 'Plans' }).waitFor({ timeout: LIVE });
      await alice.getByLabel('Timer', { exact: true }).selectOption({ label: '5 minutes' });
      await alice.getByRole('button', { name: 'Set timer' }).click();
      await expect.poll(() => bob.getByTestId('timer').textContent(), { timeout: LIVE }).toBe('Disappearing messages: 5 minutes · set by alice');

      const fleeting = 'the safe opens with 0451-expire';
      await reply(alice, fleeting);
      const id = await idOn(alice, fleeting);
      await row(bob, id).locator('.body').waitFor({ timeout: LIVE });
      expect(await row(bob, id).getByTestId('expires').textContent()).toMatch(/^disappears in [45] min$/);
      const earlier = await bob.locator('.message[data-state="genuine"]').count();
      expect(await inHeap(bob, '0451-expire')).toBe(true);

      // Sent and shown: only now does bob's clock move (the server's stays real, so sends were checked against it).
      await bob.clock.fastForward('06:00');
      await expect.poll(() => row(bob, id).count(), { timeout: LIVE }).toBe(0);
      expect(await bodyText(bob)).not.toContain('0451-expire');
      expect(await inHeap(bob, '0451-expire')).toBe(false);
      // Only what expired went: bob's 1-hour reply and the edited message are still there.
      expect(await bob.locator('.message[data-state="genuine"]').count()).toBe(earlier - 1);
      expect(await bodyText(bob)).toContain('Yes: Tuesday at ten.');
      expect(await bodyText(bob)).toContain('Meet at the new office, room 3.');

      // The conversation alice opened under 5 minutes: its opening message has expired, and its subject with it.
      await bob.goto(`${server.origin}/#/inbox`);
      const rows = bob.locator('li.conversation .subject');
      await expect.poll(async () => (await rows.allTextContents()).sort(), { timeout: LIVE }).toEqual(['(no subject)', 'Plans']);
      await bob.locator('li.conversation a', { hasText: '(no subject)' }).click();
      await expect.poll(() => bob.locator('#conversation-title').textContent(), { timeout: LIVE }).toBe('(no subject)');
      expect(await bob.getByTestId('timer').textContent()).toBe('Disappearing messages: 5 minutes · set by alice');
      expect(await bodyText(bob)).not.toContain('pier');
    });

    it('nothing was refused by the CSP or SRI, nothing went to another origin, and no page error', () => {
      expect(problems).toEqual([]);
    });
  },
);
