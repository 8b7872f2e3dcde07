/** A link's secret (docs/links.md): what the fragment holds, what is derived from it, what the server gets. */
import { describe, expect, it } from 'vitest';
import { LinkError, accessHashOf, bytesToHex, deriveLinkKeys, isLinkId, linkUrl, parseLinkUrl, sha256 } from '../src/index.js';
import { decodeFragment, encodeFragment, newLinkSecret } from '../src/links/link-secret.js';
import { MESSAGE_FILE_NAME, encodeLinkMessage, parseLinkMessage } from '../src/links/link-message.js';
import { bytesToUtf8 } from '../src/crypto/bytes.js';

const refused = (code: string) => expect.objectContaining({ name: 'LinkError', code });

describe('link secrets', () => {
  it('round-trips through a URL; the secret is only after #', () => {
    const secret = newLinkSecret(false);
    const url = linkUrl('https://peerlock.example/', secret);
    expect(url.startsWith(`https://peerlock.example/l/${secret.linkId}#`)).toBe(true);
    const [before] = url.split('#');
    expect(before).not.toContain(encodeFragment(secret));
    const parsed = parseLinkUrl(url);
    expect(parsed.linkId).toBe(secret.linkId);
    expect(parsed.origin).toBe('https://peerlock.example');
    expect(parsed.needsPassphrase).toBe(false);
    expect(bytesToHex(parsed.seed)).toBe(bytesToHex(secret.seed));
    expect(isLinkId(secret.linkId)).toBe(true);
  });

  it('carries the passphrase flag in the fragment', () => {
    const secret = newLinkSecret(true);
    expect(parseLinkUrl(linkUrl('http://127.0.0.1:4000', secret)).needsPassphrase).toBe(true);
  });

  it('refuses a cut, damaged or unknown link as malformed', () => {
    const secret = newLinkSecret(false);
    const url = linkUrl('https://h', secret);
    expect(() => parseLinkUrl(url.split('#')[0]!)).toThrow(refused('malformed'));
    expect(() => parseLinkUrl(url.slice(0, -3))).toThrow(refused('malformed'));
    expect(() => parseLinkUrl('https://h/l/short#abc')).toThrow(refused('malformed'));
    expect(() => parseLinkUrl('not a url')).toThrow(refused('malformed'));
    const fragment = encodeFragment(secret);
    const bytes = Buffer.from(fragment, 'base64url');
    bytes[0] = 2;
    expect(() => decodeFragment(secret.linkId, bytes.toString('base64url'))).toThrow(/version 2/);
    bytes[0] = 1;
    bytes[1] = 0x80;
    expect(() => decodeFragment(secret.linkId, bytes.toString('base64url'))).toThrow(/flags/);
  });

  it('derives distinct identity and access keys, bound to the link id and the passphrase', async () => {
    const secret = newLinkSecret(true);
    await expect(deriveLinkKeys(secret)).rejects.toThrow(refused('passphrase-required'));
    const a = await deriveLinkKeys(secret, 'correct horse');
    const again = await deriveLinkKeys(secret, 'correct horse');
    const wrong = await deriveLinkKeys(secret, 'correct horsf');
    const moved = await deriveLinkKeys({ ...secret, linkId: newLinkSecret(true).linkId }, 'correct horse');
    expect(bytesToHex(a.secretKey)).toBe(bytesToHex(again.secretKey));
    expect(bytesToHex(a.access)).toBe(bytesToHex(again.access));
    expect(bytesToHex(a.secretKey)).not.toBe(bytesToHex(a.access));
    for (const other of [wrong, moved]) {
      expect(bytesToHex(other.secretKey)).not.toBe(bytesToHex(a.secretKey));
      expect(bytesToHex(other.access)).not.toBe(bytesToHex(a.access));
    }
    // What the server stores is a hash of the access value: neither it nor the identity key.
    expect(bytesToHex(accessHashOf(a.access))).toBe(bytesToHex(sha256(a.access)));
    expect(a.miniLockId).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,50}$/);
  });

  it('a link without a passphrase ignores one given', async () => {
    const secret = newLinkSecret(false);
    const plain = await deriveLinkKeys(secret);
    const given = await deriveLinkKeys(secret, 'anything');
    expect(bytesToHex(given.secretKey)).toBe(bytesToHex(plain.secretKey));
  });

  it('LinkError carries its code', () => {
    const error = new LinkError('revoked');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('revoked');
  });
});

describe('link messages', () => {
  const message = { from: 'alice', subject: 'Hello', text: 'the door code is 4711', sentAt: new Date('2026-12-04T10:00:00.000Z') };

  it('round-trip exactly', () => {
    expect(parseLinkMessage(bytesToUtf8(encodeLinkMessage(message)))).toEqual(message);
    expect(MESSAGE_FILE_NAME).toBe('peerlock-link-message.json');
  });

  it('anything else is not a message', () => {
    const good = JSON.parse(bytesToUtf8(encodeLinkMessage(message))) as Record<string, unknown>;
    const variants: unknown[] = [
      { ...good, extra: 1 },
      { ...good, type: 'peerlock-link-message/v2' },
      { ...good, text: '' },
      { ...good, text: 5 },
      { ...good, from: 'Alice!' },
      { ...good, sentAt: '2026-12-04' },
      { ...good, subject: 'x'.repeat(257) },
      [good],
      null,
    ];
    for (const v of variants) expect(parseLinkMessage(JSON.stringify(v))).toBeNull();
    expect(parseLinkMessage('{not json')).toBeNull();
  });
});
