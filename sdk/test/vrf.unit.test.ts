/**
 * ECVRF-EDWARDS25519-SHA512-TAI against RFC 9381 Appendix B.3 (Examples 16–18:
 * public key, proof pi and output beta, byte for byte), and what a verifier
 * must refuse: another input, another key, a changed proof, a small-order key,
 * s ≥ q, a short proof.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../src/crypto/bytes.js';
import { vrfOutput, vrfProve, vrfPublicKey, vrfVerify } from '../src/keylog/vrf.js';

const RFC_9381_B3 = [
  {
    example: 16,
    sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    alpha: '',
    pi: '8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d9727d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805',
    beta: '90cf1df3b703cce59e2a35b925d411164068269d7b2d29f3301c03dd757876ff66b71dda49d2de59d03450451af026798e8f81cd2e333de5cdf4f3e140fdd8ae',
  },
  {
    example: 17,
    sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    alpha: '72',
    pi: 'f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02',
    beta: 'eb4440665d3891d668e7e0fcaf587f1b4bd7fbfe99d0eb2211ccec90496310eb5e33821bc613efb94db5e5b54c70a848a0bef4553a41befc57663b56373a5031',
  },
  {
    example: 18,
    sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    alpha: 'af82',
    pi: '9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e',
    beta: '645427e5d00c62a23fb703732fa5d892940935942101e456ecca7bb217c61c452118fec1219202a0edcf038bb6373241578be7217ba85a2687f7a0310b2df19f',
  },
];

describe('ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381)', () => {
  it.each(RFC_9381_B3)('Appendix B.3 example $example: public key, proof and output byte for byte; the proof verifies', (v) => {
    const sk = hexToBytes(v.sk);
    expect(bytesToHex(vrfPublicKey(sk))).toBe(v.pk);
    const { proof, output } = vrfProve(sk, hexToBytes(v.alpha));
    expect(bytesToHex(proof)).toBe(v.pi);
    expect(bytesToHex(output)).toBe(v.beta);
    expect(bytesToHex(vrfOutput(sk, hexToBytes(v.alpha)))).toBe(v.beta);
    const verified = vrfVerify(hexToBytes(v.pk), hexToBytes(v.alpha), hexToBytes(v.pi));
    expect(verified && bytesToHex(verified)).toBe(v.beta);
  });

  const [a, b, c] = RFC_9381_B3 as [(typeof RFC_9381_B3)[0], (typeof RFC_9381_B3)[0], (typeof RFC_9381_B3)[0]];
  const pk = hexToBytes(c.pk);
  const alpha = hexToBytes(c.alpha);

  it('refuses a proof for another input, or under another key', () => {
    expect(vrfVerify(hexToBytes(a.pk), hexToBytes('42'), hexToBytes(a.pi))).toBeNull();
    expect(vrfVerify(hexToBytes(b.pk), hexToBytes(a.alpha), hexToBytes(a.pi))).toBeNull();
  });

  it('refuses any changed byte of a proof, a short or long one, and s ≥ q', () => {
    const pi = hexToBytes(c.pi);
    for (const at of [0, 31, 32, 47, 48, 79]) {
      const changed = pi.slice();
      changed[at]! ^= 0x01;
      expect(vrfVerify(pk, alpha, changed)).toBeNull();
    }
    expect(vrfVerify(pk, alpha, pi.subarray(0, 79))).toBeNull();
    expect(vrfVerify(pk, alpha, new Uint8Array([...pi, 0]))).toBeNull();
    const bigS = pi.slice();
    bigS.fill(0xff, 48, 80);
    expect(vrfVerify(pk, alpha, bigS)).toBeNull();
    expect(vrfVerify(pk, alpha, new Uint8Array(80))).toBeNull();
  });

  it('refuses a small-order public key (validate_key) and one that does not decode', () => {
    const identity = new Uint8Array(32);
    identity[0] = 1; // y = 1: the neutral point
    expect(vrfVerify(identity, alpha, hexToBytes(c.pi))).toBeNull();
    expect(vrfVerify(new Uint8Array(32).fill(0xff), alpha, hexToBytes(c.pi))).toBeNull();
  });

  it('is a function of the input: the same name gives the same output, another name another', () => {
    const sk = hexToBytes(a.sk);
    const bob = vrfProve(sk, utf8ToBytes('bob'));
    expect(bytesToHex(vrfProve(sk, utf8ToBytes('bob')).output)).toBe(bytesToHex(bob.output));
    expect(bytesToHex(vrfProve(sk, utf8ToBytes('bob.')).output)).not.toBe(bytesToHex(bob.output));
    expect(vrfVerify(hexToBytes(a.pk), utf8ToBytes('bob'), bob.proof)).toEqual(bob.output);
  });
});
