/**
 * Issue 21: the server stores no key material for a link. After links were
 * made (with and without a passphrase, to a file and to a message), opened,
 * revoked and swept, every store — the event log, read models, auth tables,
 * the blob folder, SQLite files and their WAL, every PostgreSQL table — is
 * searched for the link's secret in every form it could sit there: the
 * fragment, the seed, the link's secret key, the access value, and the
 * passphrase (raw, base64, base64url, hex, UTF-16). What the server is meant
 * to hold is found, so the search works: the hash of the access value and
 * the link id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerlockClient, deriveLinkKeys, keyPairFromSecretKey, openLink, parseLinkUrl, randomBytes, sha256 } from '@peerlock/sdk';
import { BACKENDS, TestClock, startTestServer, type TestServer } from '../support/test-server.js';
import { storedBytes } from '../support/storage-scan.js';

interface Made {
  url: string;
  passphrase?: string;
}

/** Every form a secret could take in storage. */
function forms(secret: Uint8Array | string): Buffer[] {
  if (typeof secret === 'string') return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  const bytes = Buffer.from(secret);
  return [bytes, ...[0, 1, 2].map((shift) => Buffer.from(Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').slice(4, -4), 'latin1')), Buffer.from(bytes.toString('base64url')), Buffer.from(bytes.toString('hex'))];
}

describe.each(BACKENDS)('issue 21: no link key material at rest (%s)', (backend) => {
  let server: TestServer;
  const made: Made[] = [];
  const passphrase = `pp-${Buffer.from(randomBytes(8)).toString('hex')}`;

  beforeAll(async () => {
    // The real clock: the opener (like any browser) has no other.
    server = await startTestServer(backend, {}, new TestClock(Date.now()));
    const alice = new PeerlockClient({ url: `${server.url}/graphql` });
    await alice.signup({ username: 'alice', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    const content = randomBytes(100_000);
    const { fileId } = await alice.files.upload({ source: [content], size: content.length, name: 'plans.txt' });
    const opener = { serverUrl: `${server.url}/graphql` };
    const plain = await alice.links.shareFile(fileId, { maxOpens: 3 });
    const guarded = await alice.links.shareFile(fileId, { passphrase });
    const message = await alice.links.shareMessage({ text: 'meet at noon' }, { passphrase });
    const revoked = await alice.links.shareMessage({ text: 'never mind' });
    made.push({ url: plain.url }, { url: guarded.url, passphrase }, { url: message.url, passphrase }, { url: revoked.url });
    await openLink(plain.url, opener);
    await openLink(guarded.url, { ...opener, passphrase });
    await openLink(message.url, { ...opener, passphrase });
    await alice.links.revoke(revoked.link.id);
    alice.logout();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('no fragment, seed, link key, access value or passphrase in any store; the access hash and the link id are there', async () => {
    await server.app.stop();
    const stored = await storedBytes(server);
    expect(stored.reduce((n, f) => n + f.bytes.length, 0)).toBeGreaterThan(20_000);
    for (const { url, passphrase: given } of made) {
      const link = parseLinkUrl(url);
      const keys = await deriveLinkKeys(link, given);
      const secrets: (Uint8Array | string)[] = [url.split('#')[1]!, link.seed, keys.secretKey, keys.access, ...(given ? [given] : [])];
      for (const secret of secrets) {
        for (const needle of forms(secret)) {
          for (const { path, bytes } of stored) expect(bytes.includes(needle), `link secret found in ${path}`).toBe(false);
        }
      }
      // The search works: what the server is meant to keep is found, in one form or another.
      const hash = forms(sha256(keys.access));
      expect(hash.some((needle) => stored.some(({ bytes }) => bytes.includes(needle))), 'the access hash').toBe(true);
      expect(stored.some(({ bytes }) => bytes.includes(Buffer.from(link.linkId))), 'the link id').toBe(true);
    }
  });
});
