/**
 * The server serves the built web client itself: from the root only, with
 * the strict CSP and the other security headers, never a file outside the
 * root; without a build it still starts and says so at `/`.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk, post } from '../support/graphql-client.js';
import { contentSecurityPolicy, resolveWebFile } from '../../src/web/static-web-app.js';
import { loadConfig } from '../../src/config.js';

/** A raw request: fetch would normalise `..` and encoded dots away before they reach the server. */
function rawGet(base: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static web app', () => {
  let outside: string;
  let root: string;
  let server: TestServer;

  beforeAll(async () => {
    outside = mkdtempSync(join(tmpdir(), 'peerlock-web-'));
    root = join(outside, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Peerlock</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(outside, 'secret.txt'), 'outside the root');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'assets', 'link.txt'));
    server = await startTestServer('sqlite', { PEERLOCK_WEB_ROOT: root });
  });
  afterAll(async () => {
    await server.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('serves index.html at / with the strict CSP and security headers', async () => {
    const res = await rawGet(server.url, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>Peerlock</title>');
    const csp = String(res.headers['content-security-policy']);
    const host = new URL(server.url).host;
    expect(csp).toBe(
      `default-src 'self'; connect-src 'self' ws://${host}; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets with their type and a long cache', async () => {
    const js = await rawGet(server.url, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await rawGet(server.url, '/assets/index-abc123.css', 'HEAD');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%00index.html',
    '/%E0%A4%A',
    '/.env',
    '/assets/link.txt',
    '/nothing-here.js',
  ])('never serves %s', async (path) => {
    const res = await rawGet(server.url, path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the root');
    expect(res.body).not.toContain('SECRET');
  });

  it('refuses other methods', async () => {
    const res = await rawGet(server.url, '/', 'DELETE');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('GraphQL and files stay the API’s', async () => {
    expectOk(await post(server.url, '{ serverKeys { signingPublicKey } }'));
    const res = await rawGet(server.url, '/files/abc');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('resolveWebFile keeps to the root', async () => {
    expect(await resolveWebFile(root, '/')).toBe(join(root, 'index.html'));
    expect(await resolveWebFile(root, '/assets/index-abc123.js')).toBe(join(root, 'assets', 'index-abc123.js'));
    expect(await resolveWebFile(root, '/assets')).toBeNull();
    expect(await resolveWebFile(join(outside, 'missing'), '/')).toBeNull();
  });

  it('the CSP names the secure socket origin behind TLS', () => {
    expect(contentSecurityPolicy({ host: 'chat.example:443', secure: true })).toContain("connect-src 'self' wss://chat.example:443;");
    expect(contentSecurityPolicy(null)).toContain("connect-src 'self';");
  });
});

describe('static web app, not built', () => {
  let server: TestServer;
  const missing = join(tmpdir(), `peerlock-no-web-${process.pid}`);

  beforeAll(async () => {
    server = await startTestServer('sqlite', { PEERLOCK_WEB_ROOT: missing });
  });
  afterAll(() => server.close());

  it('starts and says at / that the web app is not built', async () => {
    const res = await rawGet(server.url, '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('web app is not built');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expectOk(await post(server.url, '{ serverKeys { signingPublicKey } }'));
  });

  it('defaults to clients/web/dist of this checkout', () => {
    expect(loadConfig({ PEERLOCK_MODE: 'dev' }).webRoot).toMatch(/clients[/\\]web[/\\]dist$/);
  });
});
