/**
 * The link page's pieces that need no browser: the secret leaves the
 * address bar before anything else (and only on a link's address), and
 * every LinkError code gets its own sentence, none of them the generic one.
 */
import { describe, expect, it } from 'vitest';
import { LinkError, type LinkRefusal } from '@peerlock/sdk';
import { describeError, describeLinkError } from '../src/describe-error.js';
import { takeLinkFromAddress } from '../src/views/link-open-view.js';

const CODES: readonly LinkRefusal[] = ['malformed', 'passphrase-required', 'wrong-passphrase', 'expired', 'revoked', 'exhausted', 'not-found', 'not-for-this-link', 'tampered', 'rate-limited', 'network'];

function address(href: string): { location: Location; history: History; replaced: string[] } {
  const replaced: string[] = [];
  const url = new URL(href);
  const location = { href: url.href, pathname: url.pathname, search: url.search, hash: url.hash } as Location;
  const history = { replaceState: (_state: unknown, _unused: string, to: string) => void replaced.push(to) } as unknown as History;
  return { location, history, replaced };
}

describe('takeLinkFromAddress', () => {
  it('returns the whole URL of a link and replaces the address with one without the fragment', () => {
    const href = 'https://peerlock.example/l/AAAAAAAAAAAAAAAAAAAAAA#AQAxxxx';
    const { location, history, replaced } = address(href);
    expect(takeLinkFromAddress(location, history)).toBe(href);
    expect(replaced).toEqual(['/l/AAAAAAAAAAAAAAAAAAAAAA']);
  });

  it('a link address without a fragment is still a link (its page says it is damaged); nothing to replace', () => {
    const { location, history, replaced } = address('https://peerlock.example/l/abc');
    expect(takeLinkFromAddress(location, history)).toBe('https://peerlock.example/l/abc');
    expect(replaced).toEqual([]);
  });

  it('leaves every other address alone (the app’s hash routes keep their fragment)', () => {
    for (const href of ['https://peerlock.example/#/inbox', 'https://peerlock.example/', 'https://peerlock.example/lx/abc#x', 'https://peerlock.example/l/a/b#x']) {
      const { location, history, replaced } = address(href);
      expect(takeLinkFromAddress(location, history)).toBeNull();
      expect(replaced).toEqual([]);
    }
  });
});

describe('describeLinkError', () => {
  it('gives each code its own sentence, also through describeError', () => {
    const sentences = CODES.map((code) => describeLinkError(new LinkError(code)));
    expect(new Set(sentences).size).toBe(CODES.length - 1); // not-for-this-link and tampered say the same to the holder
    for (const [i, code] of CODES.entries()) {
      expect(sentences[i]).toMatch(/^[A-Z].*\.$/);
      expect(describeError(new LinkError(code))).toBe(sentences[i]);
      expect(sentences[i]).not.toBe('Something went wrong.');
    }
    expect(describeLinkError(new LinkError('exhausted'))).toContain('opened as many times as its owner allowed');
    expect(describeLinkError(new LinkError('tampered'))).toContain("content failed verification");
  });

  it('says how long to wait when the server said so', () => {
    expect(describeLinkError(new LinkError('rate-limited', undefined, { retryAfterSeconds: 30 }))).toContain('Wait 30 seconds');
    expect(describeLinkError(new LinkError('rate-limited', undefined, { retryAfterSeconds: 600 }))).toContain('Wait 10 minutes');
    expect(describeLinkError(new LinkError('rate-limited'))).toContain('Wait a few minutes');
  });
});
