/** The web app's page for a link: /l/<id> is index.html (the page reads the fragment, which never reaches us); /links/ is the API's. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('the link page route', () => {
  let server: TestServer;
  const root = mkdtempSync(join(tmpdir(), 'peerlock-web-'));
  const INDEX = '<!doctype html><title>Peerlock</title>';

  beforeAll(async () => {
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'other.html'), 'other');
    server = await startTestServer('sqlite', { PEERLOCK_WEB_ROOT: root });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for /l/<anything>, with the web app’s headers', async () => {
    for (const path of ['/l/AAAAAAAAAAAAAAAAAAAAAA', '/l/x', '/l/other.html']) {
      const res = await fetch(new URL(path, server.url));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBeTruthy();
      expect(await res.text()).toBe(INDEX);
    }
    expect((await fetch(new URL('/l/x/y', server.url))).status).toBe(404);
  });

  it('leaves /links/ to the API: a download without a grant is refused in JSON', async () => {
    const res = await fetch(new URL('/links/AAAAAAAAAAAAAAAAAAAAAA/file', server.url));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await fetch(new URL('/links/AAAAAAAAAAAAAAAAAAAAAA', server.url))).status).toBe(404);
  });
});
