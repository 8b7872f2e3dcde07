import { describe, expect, it } from 'vitest';
import { defaultBackend, sodiumBackend, tweetnaclBackend, bytesToBase58, base58ToBytes, bytesToBase64, base64ToBytes, randomBytes } from '../src/index.js';

describe('primitives', () => {
  it('loads libsodium in node', () => {
    expect(sodiumBackend()?.name).toBe('libsodium');
    expect(defaultBackend().name).toBe('libsodium');
  });
  it('round trips encodings', () => {
    const b = randomBytes(33);
    expect(base58ToBytes(bytesToBase58(b))).toEqual(b);
    expect(base64ToBytes(bytesToBase64(b))).toEqual(b);
    const k = randomBytes(32), n = randomBytes(24), m = randomBytes(100);
    expect(sodiumBackend()!.secretbox(m, n, k)).toEqual(tweetnaclBackend.secretbox(m, n, k));
  });
});
