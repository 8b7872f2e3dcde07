import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InvalidEncodingError,
  base58ToBytes,
  base64ToBytes,
  isCanonicalBase64,
  bytesToBase58,
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  equalBytes,
  hexToBytes,
  randomBytes,
  utf8ToBytes,
  wipe,
} from '../src/index.js';
import { bytesToBase64InBrowser } from '../src/crypto/bytes.js';

describe('encodings round trip', () => {
  it('base64 matches Node’s encoder and round trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
    );
  });
  it('the browser’s base64 (btoa) gives the same text, also past its 32 KiB pieces and for a view into a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 16 }), (bytes, offset) => {
        const view = concatBytes(new Uint8Array(offset), bytes).subarray(offset);
        expect(bytesToBase64InBrowser(view)).toBe(Buffer.from(bytes).toString('base64'));
        expect(bytesToBase64(view)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
    const large = randomBytes(0x8000 * 2 + 7);
    expect(bytesToBase64InBrowser(large)).toBe(Buffer.from(large).toString('base64'));
  });
  it('base58 and hex round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(base58ToBytes(bytesToBase58(bytes))).toEqual(bytes);
        expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes);
      }),
    );
  });
  it('utf8 round trips any string without lone surrogates', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(bytesToUtf8(utf8ToBytes(s))).toBe(s);
    }));
  });
});

describe('strict decoding', () => {
  it.each(['A', 'AA=', 'AB==', 'AAA-', 'AA==AA==', ' AAA', 'AAAA\n', 'Zg=', 'Zh==', 'Zm9=', '===='])('base64 %j is refused', (text) => {
    expect(() => base64ToBytes(text)).toThrow(InvalidEncodingError);
  });
  it('base64 refuses non-canonical trailing bits', () => {
    expect(base64ToBytes('Zg==')).toEqual(new Uint8Array([0x66]));
    expect(() => base64ToBytes('Zh==')).toThrow(InvalidEncodingError);
  });
  it.each(['0', 'O', 'I', 'l', '+', 'é'])('base58 refuses %j', (ch) => {
    expect(() => base58ToBytes('abc' + ch)).toThrow(expect.objectContaining({ code: 'INVALID_ENCODING', encoding: 'base58' }));
  });
  it.each(['a', 'zz', '0g', ' 00'])('hex refuses %j', (text) => {
    expect(() => hexToBytes(text)).toThrow(InvalidEncodingError);
  });
  it('utf8 refuses invalid sequences instead of replacing them', () => {
    expect(() => bytesToUtf8(new Uint8Array([0xc3, 0x28]))).toThrow(expect.objectContaining({ code: 'INVALID_ENCODING' }));
    expect(() => bytesToUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toThrow(InvalidEncodingError);
  });
  it('type errors for non-string or non-bytes input', () => {
    expect(() => base64ToBytes(1 as never)).toThrow(TypeError);
    expect(() => base58ToBytes(null as never)).toThrow(TypeError);
    expect(() => hexToBytes({} as never)).toThrow(TypeError);
    expect(() => bytesToBase64('x' as never)).toThrow(TypeError);
    expect(() => utf8ToBytes(new Uint8Array() as never)).toThrow(TypeError);
  });
});

describe('isCanonicalBase64', () => {
  const accepts = (text: string): boolean => {
    try {
      base64ToBytes(text);
      return true;
    } catch {
      return false;
    }
  };

  it('says yes exactly when base64ToBytes decodes (short strings over the alphabet, padding and strays)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw+/9z='.split(''), '-', ' ', 'é'), maxLength: 12 }), (text) => {
        expect(isCanonicalBase64(text)).toBe(accepts(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes every encoding of random bytes, and refuses non-strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(isCanonicalBase64(bytesToBase64(bytes))).toBe(true);
      }),
    );
    expect(isCanonicalBase64(42)).toBe(false);
    expect(isCanonicalBase64(null)).toBe(false);
  });
});

describe('helpers', () => {
  it('equalBytes compares content and length', () => {
    const a = randomBytes(32);
    expect(equalBytes(a, a.slice())).toBe(true);
    const b = a.slice();
    b[31]! ^= 1;
    expect(equalBytes(a, b)).toBe(false);
    expect(equalBytes(a, a.subarray(0, 31))).toBe(false);
  });
  it('randomBytes fills buffers beyond the 64 KiB getRandomValues limit', () => {
    const r = randomBytes(200_000);
    expect(r.subarray(150_000).some((x) => x !== 0)).toBe(true);
    expect(() => randomBytes(-1)).toThrow(RangeError);
  });
  it('concatBytes and wipe', () => {
    const c = concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]));
    expect([...c]).toEqual([1, 2, 3]);
    wipe(c);
    expect([...c]).toEqual([0, 0, 0]);
  });
});
