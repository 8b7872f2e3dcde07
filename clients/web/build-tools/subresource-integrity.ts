/**
 * Subresource Integrity for the built page: every script and stylesheet tag
 * in the emitted HTML that points at a file of the bundle gets
 * integrity="sha384-…" computed from that file's final bytes, so a server
 * or cache that alters an asset makes the browser refuse it.
 *
 * Runs last (generateBundle, enforce/order post), when chunks hold the code
 * that is written to disk; test/subresource-integrity.unit.test.ts checks the
 * hashes against the files in dist/.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

export function sriHash(bytes: string | Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

const TAG = /<(script|link)\b[^>]*>/gi;

export function subresourceIntegrity(): Plugin {
  return {
    name: 'peerlock:subresource-integrity',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const page of Object.values(bundle)) {
          if (page.type !== 'asset' || !page.fileName.endsWith('.html')) continue;
          const html = typeof page.source === 'string' ? page.source : new TextDecoder().decode(page.source);
          page.source = html.replace(TAG, (tag, name: string) => {
            if (name.toLowerCase() === 'link' && !/\srel="(?:stylesheet|modulepreload)"/i.test(tag)) return tag;
            const url = /\s(?:src|href)="([^"]+)"/i.exec(tag)?.[1];
            if (!url || !url.startsWith('/') || url.startsWith('//')) return tag;
            const file = bundle[url.slice(1)];
            if (!file) this.error(`subresource integrity: ${url} is not in the bundle`);
            const integrity = sriHash(file.type === 'chunk' ? file.code : file.source);
            // SRI on module scripts and stylesheets needs a CORS-mode request (same origin here).
            const withCors = /\scrossorigin\b/i.test(tag) ? tag : tag.replace(/^<(\w+)/, '<$1 crossorigin');
            return withCors.replace(/\sintegrity="[^"]*"/i, '').replace(/\s*\/?>$/, (end) => ` integrity="${integrity}"${end}`);
          });
        }
      },
    },
  };
}
