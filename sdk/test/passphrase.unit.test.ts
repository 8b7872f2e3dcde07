import { describe, expect, it } from 'vitest';
import { DEFAULT_WORDS, MIN_WORDS, wordList, checkPassphraseStrength, generatePassphrase } from '../src/index.js';

describe('generatePassphrase', () => {
  it('uses the full EFF long list', () => {
    expect(wordList().length).toBe(7776);
    expect(new Set(wordList()).size).toBe(7776);
    expect(wordList()[0]).toBe('abacus');
    expect(wordList().at(-1)).toBe('zoom');
  });

  it('draws the requested number of list words, ≥ 77 bits, and passes the strength check', () => {
    const words = new Set(wordList());
    for (const n of [MIN_WORDS, DEFAULT_WORDS, 10]) {
      for (let i = 0; i < 20; i++) {
        const g = generatePassphrase(n, 'alice');
        const parts = g.passphrase.split(' ');
        expect(parts).toHaveLength(n);
        for (const w of parts) expect(words.has(w)).toBe(true);
        expect(g.entropyBits).toBeGreaterThanOrEqual(77);
        expect(checkPassphraseStrength(g.passphrase, 'alice').ok).toBe(true);
      }
    }
  });

  it('defaults to 7 words (90 bits)', () => {
    const g = generatePassphrase();
    expect(g.words).toBe(7);
    expect(g.entropyBits).toBeCloseTo(90.47, 1);
  });

  it('spreads draws over the whole list (no stuck or biased generator)', () => {
    // 300 words from 7776: a working generator repeats a few at most; a broken one (e.g. constant) repeats all.
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) for (const w of generatePassphrase(10).passphrase.split(' ')) seen.add(w);
    expect(seen.size).toBeGreaterThan(280);
    const firstLetters = new Set([...seen].map((w) => w[0]));
    expect(firstLetters.size).toBeGreaterThan(15);
  });

  it('refuses fewer than 6 words or a non-integer', () => {
    expect(() => generatePassphrase(5)).toThrow(RangeError);
    expect(() => generatePassphrase(6.5)).toThrow(TypeError);
    expect(() => generatePassphrase(65)).toThrow(RangeError);
  });
});
