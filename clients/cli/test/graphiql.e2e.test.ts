/**
 * The authenticated API, explored by hand in GraphiQL (issue 13): alice runs
 * `peerlock dev graphiql`, opens the page it prints in Chromium, and runs
 * `me` and `conversations` there; each operation is signed with one of her
 * single-use tokens by the loopback proxy. Without the proxy the same page
 * gets UNAUTHENTICATED.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generatePassphrase } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';
import type { ChildProcess } from 'node:child_process';

const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
// In CI (.ci/run installs Chromium) a missing browser is a failure, not a skip.
const mustRun = process.env.CI === 'true' || process.env.CI === '1';
const title = chromiumPath ? 'GraphiQL through `peerlock dev graphiql`, in Chromium' : 'GraphiQL in Chromium (skipped: no Chromium at /usr/bin/chromium; apt-get install chromium)';

describe.skipIf(!chromiumPath && !mustRun)(title, () => {
  let server: ServerProcess;
  let alice: CliUser;
  let browser: Browser;
  let proxy: ChildProcess;
  let graphiqlUrl = '';

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('CI must have Chromium at /usr/bin/chromium (.ci/run installs it)');
    server = await startServer('sqlite');
    alice = new CliUser('alice', server.url, generatePassphrase(7, 'alice').passphrase);
    await alice.ok(['signup', 'alice']);
    const bob = new CliUser('bob', server.url, generatePassphrase(7, 'bob').passphrase);
    await bob.ok(['signup', 'bob']);
    await alice.ok(['contacts', 'add', 'bob']);
    await bob.ok(['contacts', 'accept', 'alice']);
    await bob.ok(['send', 'alice', '-s', 'hello', '-m', 'from bob']);
    proxy = alice.spawn(['dev', 'graphiql', '--json']);
    graphiqlUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      proxy.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      proxy.once('exit', (code) => reject(new Error(`peerlock dev graphiql exited ${code}`)));
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  });

  afterAll(async () => {
    proxy?.kill('SIGTERM');
    await browser?.close();
    await server?.stop();
  });

  /** Opens GraphiQL with `query` in its editor, runs it and returns the result pane's JSON. */
  async function runInGraphiQL(page: Page, url: string, query: string): Promise<Record<string, unknown>> {
    await page.goto(`${url}?query=${encodeURIComponent(query)}`);
    await page.getByRole('button', { name: /Execute query/i }).first().click({ timeout: 30_000 });
    const result = page.locator('.result-window');
    await expect.poll(async () => (await result.textContent()) ?? '', { timeout: 20_000 }).toMatch(/"(data|errors)"/);
    // The result pane is a code editor: read its text (line numbers and gutters aside).
    const text = await result.locator('.CodeMirror-code, .cm-content, .view-lines').first().innerText();
    return JSON.parse(text.replace(/\u00a0/g, ' ')) as Record<string, unknown>;
  }

  it('runs me and conversations as alice', async () => {
    const page = await browser.newPage();
    const me = await runInGraphiQL(page, graphiqlUrl, '{ me { username } }');
    expect(me).toEqual({ data: { me: { username: 'alice' } } });
    const conversations = await runInGraphiQL(page, graphiqlUrl, '{ conversations(first: 5) { edges { node { participants messageCount } } } }');
    expect(conversations).toEqual({ data: { conversations: { edges: [{ node: { participants: ['alice', 'bob'], messageCount: 1 } }] } } });
    await page.close();
  });

  it('the same page straight from the server is refused: no token, no data', async () => {
    const page = await browser.newPage();
    const me = await runInGraphiQL(page, `${server.url.replace(/\/graphql$/, '')}/graphql`, '{ me { username } }');
    expect((me.errors as { extensions: { code: string } }[])[0]!.extensions.code).toBe('UNAUTHENTICATED');
    await page.close();
  });
});
