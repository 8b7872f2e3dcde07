/**
 * The built page carries Subresource Integrity on every script and
 * stylesheet, and each hash is that of the file in dist/ (the test script
 * builds first). Also: nothing inline and nothing from another origin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sriHash } from '../build-tools/subresource-integrity.js';
import { webRoot } from './support/server-process.js';

const built = existsSync(join(webRoot, 'index.html'));

describe.skipIf(!built)('built index.html', () => {
  const html = built ? readFileSync(join(webRoot, 'index.html'), 'utf8') : '';
  const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]);
  const assets = tags.filter((t) => /\s(?:src|href)="\/assets\//.test(t));

  it('references a script and a stylesheet from assets/', () => {
    expect(assets.some((t) => t.startsWith('<script'))).toBe(true);
    expect(assets.some((t) => /rel="stylesheet"/.test(t))).toBe(true);
  });

  it.each(['script', 'stylesheet'])('every %s carries the sha384 of the emitted file', (kind) => {
    for (const tag of assets.filter((t) => (kind === 'script' ? t.startsWith('<script') : /rel="stylesheet"/.test(t)))) {
      const url = /\s(?:src|href)="([^"]+)"/.exec(tag)![1]!;
      const integrity = /\sintegrity="([^"]+)"/.exec(tag)?.[1];
      expect(integrity, tag).toBe(sriHash(readFileSync(join(webRoot, url))));
      expect(tag).toMatch(/\scrossorigin\b/);
    }
  });

  it('has no inline script or style and nothing from another origin', () => {
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle="/);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });
});

describe('sriHash', () => {
  it('is the base64 SHA-384 of the bytes, as browsers compute it', () => {
    // printf 'alert(1)' | openssl dgst -sha384 -binary | base64
    expect(sriHash('alert(1)')).toBe('sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW');
  });
});
