/**
 * Export and import in the web client (issue 21a), in Chromium against two
 * real server processes: alice signs up in the page on server A; her
 * conversation with bob and a file are made through the SDK (the page is
 * not what is tested there); on Settings → Export and import she exports
 * with her files and the page offers the sealed archive as a download
 * (opened here with her key alone: her messages and the file's bytes are
 * in it). On server B, alice (same username and passphrase, so the same key)
 * logs in through the page and imports the downloaded archive with the file
 * input; the imported conversation is listed and shown read-only, each
 * message "verified then", and her file is back on B byte for byte.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decryptStream, keyPairFromSecretKey, PeerlockClient, randomBytes, recordReader } from '@peerlock/sdk';
import { browserSuite, launchChromium } from './support/browser.js';
import { startServer, webRoot, type ServerProcess } from './support/server-process.js';
import { openPage, signUpInPage } from './support/web-users.js';

const suite = browserSuite('export and import in the web client', webRoot);
const SLOW = 90_000;
const LIVE = 30_000;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(suite.skip)(
  suite.title,
  () => {
    let a: ServerProcess;
    let b: ServerProcess;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    let page: Page;
    let passphrase = '';
    const file = randomBytes(3 * 1024 * 1024 + 99);
    let archivePath = '';

    const sdk = (server: ServerProcess) => new PeerlockClient({ url: `${server.origin}/graphql` });

    beforeAll(async () => {
      const chromiumPath = suite.ready();
      [a, b] = await Promise.all([startServer(), startServer()]);
      browser = await launchChromium(chromiumPath);
      const opened = await openPage(browser, problems);
      contexts.push(opened.context);
      page = opened.page;
      passphrase = await signUpInPage(page, a.origin, 'alice');
      const alice = sdk(a);
      await alice.login({ username: 'alice', passphrase });
      const bob = sdk(a);
      await bob.signup({ username: 'bob', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
      await bob.requestContact('alice');
      await alice.acceptContact('bob');
      const first = await bob.messaging.send(['alice'], { subject: 'holiday', body: 'photos attached soon' });
      await alice.messaging.reply(first.conversationId, { body: 'lovely, thanks' });
      await bob.messaging.reply(first.conversationId, { body: 'here they come' });
      await alice.files.upload({ source: [file], size: file.length, name: 'beach.jpg' });
    }, SLOW * 2);

    afterAll(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('exports with files to a download sealed to alice\'s key, with progress', async () => {
      await page.goto(`${a.origin}/#/settings`);
      await page.getByRole('heading', { name: 'Export and import' }).waitFor({ timeout: LIVE });
      await page.getByLabel('Include the files themselves').check();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: SLOW }), page.getByRole('button', { name: 'Export everything' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^peerlock-alice-\d{4}-\d\d-\d\d\.minilock$/);
      archivePath = (await download.path())!;
      await page.getByText(/Exported 1 conversations \(3 messages\), 1 contacts and 1 files/).waitFor({ timeout: LIVE });
      expect(await page.locator('progress').first().getAttribute('value')).toBe('100');

      // Opened with alice's key alone: from her, her messages and the file's exact bytes.
      const { identity } = await PeerlockClient.deriveIdentity('alice', passphrase).then((k) => ({ identity: k }));
      const opened = await decryptStream([new Uint8Array(readFileSync(archivePath))], identity.secretKey);
      const reader = recordReader(opened.plaintext);
      const bodies: string[] = [];
      let fileHash = '';
      for (let r = await reader.next(); r; r = await reader.next()) {
        if (r.type === 'message' && r.body) bodies.push(r.body);
        if (r.type === 'file' && r.bytesFollow) {
          const hash = createHash('sha256');
          for await (const piece of reader.payload(r.payloadBytes)) hash.update(piece);
          fileHash = hash.digest('hex');
        }
      }
      expect(bodies).toEqual(['photos attached soon', 'lovely, thanks', 'here they come']);
      expect(fileHash).toBe(sha(file));
    }, SLOW);

    it('imports it on another server: the conversation listed and shown read-only as verified then, the file back byte for byte', async () => {
      // alice's account on B: the same username and passphrase give the same key.
      await sdk(b).signup({ username: 'alice', passphrase });
      await page.goto(`${b.origin}/#/login`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Passphrase').fill(passphrase);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: SLOW });
      await page.goto(`${b.origin}/#/settings`);
      await page.getByRole('heading', { name: 'Export and import' }).waitFor({ timeout: LIVE });
      await page.getByLabel('Archive to import').setInputFiles(archivePath);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText(/Imported from .*: 1 conversations added, 0 updated, 0 already here; 1 files uploaded/).waitFor({ timeout: SLOW });
      const row = page.locator('[data-imported]');
      await row.waitFor({ timeout: LIVE });
      await expect(row.textContent()).resolves.toContain(`imported from ${a.origin}/graphql`);
      await row.getByRole('button', { name: 'Show' }).click();
      const shown = page.locator('[data-state="verified-then"] .body');
      await shown.first().waitFor({ timeout: LIVE });
      expect(await shown.allTextContents()).toEqual(['photos attached soon', 'lovely, thanks', 'here they come']);
      await expect(page.getByText(/Read-only; each message as it was verified then/).count()).resolves.toBe(1);

      // The file, on B, through the SDK's verified download.
      const aliceB = sdk(b);
      await aliceB.login({ username: 'alice', passphrase });
      const entries = Object.values((await aliceB.fileIndex().refresh()).entries).filter((e) => e.name === 'beach.jpg');
      expect(entries).toHaveLength(1);
      const hash = createHash('sha256');
      for await (const piece of (await aliceB.files.stream(entries[0]!.fileId)).plaintext) hash.update(piece);
      expect(hash.digest('hex')).toBe(sha(file));
      expect(problems).toEqual([]);
    }, SLOW);
  },
);
