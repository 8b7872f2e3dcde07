/**
 * Passphrases (DESIGN.md §2). Generated ones are words drawn uniformly from
 * the EFF long word list (7776 words, log2(7776) ≈ 12.92 bits a word); the
 * default of 7 words gives 90.5 bits, and we never go below 6 (77.5 bits).
 *
 * User-chosen passphrases must clear miniLock's own bar
 * (miniLock.crypto.checkKeyStrength): at least 32 characters, not containing
 * the salt (email there, username here), and a zxcvbn entropy above 100 bits.
 * zxcvbn 4 reports guesses, so entropy = log2(guesses) = guesses_log10 · log2(10);
 * on the reference's own test phrases this gives the reference's verdicts.
 */
import { loadEffWordList, loadZxcvbn } from '#platform';
import { randomBytes } from '../crypto/bytes.js';
import { PeerlockCryptoError } from '../crypto/errors.js';

export const MIN_WORDS = 6;
export const DEFAULT_WORDS = 7;
export const MIN_PASSPHRASE_LENGTH = 32;
export const MIN_ENTROPY_BITS = 100;

let wordListCache: readonly string[] | null = null;

/** The EFF long list in dice order ("11111" … "66666"); loaded on first use (see platform). */
export function wordList(): readonly string[] {
  if (wordListCache) return wordListCache;
  const eff = loadEffWordList();
  wordListCache = Object.freeze(
    Object.keys(eff)
      .sort()
      .map((dice) => eff[dice]!),
  );
  return wordListCache;
}

export class WeakPassphraseError extends PeerlockCryptoError {
  readonly code = 'WEAK_PASSPHRASE' as const;
  constructor(readonly reasons: readonly PassphraseWeakness[]) {
    super(`passphrase too weak: ${reasons.join(', ')}`);
  }
}

export type PassphraseWeakness = 'too-short' | 'contains-salt' | 'low-entropy';

export interface PassphraseStrength {
  readonly ok: boolean;
  /** zxcvbn's estimate, in bits. */
  readonly entropyBits: number;
  readonly reasons: readonly PassphraseWeakness[];
}

/** miniLock's strength rule; `salt` is the username (or email) the key is derived with. */
export function checkPassphraseStrength(passphrase: string, salt?: string): PassphraseStrength {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase: expected a string');
  if (salt !== undefined && typeof salt !== 'string') throw new TypeError('salt: expected a string');
  const reasons: PassphraseWeakness[] = [];
  // zxcvbn is quadratic in the input length; anything this long is rejected or accepted on length alone.
  const entropyBits = passphrase.length > 512 ? Infinity : loadZxcvbn()(passphrase).guesses_log10 * Math.log2(10);
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) reasons.push('too-short');
  // The reference matches the email case-sensitively; we refuse any casing of it.
  if (salt && passphrase.toLowerCase().includes(salt.toLowerCase())) reasons.push('contains-salt');
  if (!(entropyBits > MIN_ENTROPY_BITS)) reasons.push('low-entropy');
  return { ok: reasons.length === 0, entropyBits, reasons };
}

export function assertStrongPassphrase(passphrase: string, salt?: string): void {
  const strength = checkPassphraseStrength(passphrase, salt);
  if (!strength.ok) throw new WeakPassphraseError(strength.reasons);
}

/** Uniform index in [0, n) by rejection sampling 16-bit draws (no modulo bias). */
function uniformIndex(n: number): number {
  const limit = 65536 - (65536 % n);
  for (;;) {
    const r = randomBytes(2);
    const v = (r[0]! << 8) | r[1]!;
    if (v < limit) return v % n;
  }
}

export interface GeneratedPassphrase {
  readonly passphrase: string;
  /** Entropy of the generator, log2(7776^words): the true figure, unlike zxcvbn's estimate. */
  readonly entropyBits: number;
  readonly words: number;
}

/**
 * A random passphrase of `words` EFF words separated by spaces. Draws that
 * would fail checkPassphraseStrength (rare at 6 words, never seen at 7) are
 * thrown away and drawn again, so every generated passphrase also passes the
 * check a user-chosen one must; this removes a negligible share of the space.
 */
export function generatePassphrase(words = DEFAULT_WORDS, salt?: string): GeneratedPassphrase {
  if (!Number.isInteger(words)) throw new TypeError('words: expected an integer');
  if (words < MIN_WORDS || words > 64) throw new RangeError(`words: must be between ${MIN_WORDS} and 64`);
  const list = wordList();
  for (;;) {
    const passphrase = Array.from({ length: words }, () => list[uniformIndex(list.length)]).join(' ');
    if (checkPassphraseStrength(passphrase, salt).ok) {
      return { passphrase, words, entropyBits: words * Math.log2(list.length) };
    }
  }
}
