/**
 * Property tests (fast-check): round trips around the chunk boundaries, any
 * flipped bit fails, any reordering of chunks fails. Runs are kept small:
 * the SDK suite shares two cores with the rest of the monorepo.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  decryptFile,
  decryptStream,
  DecryptionError,
  encryptFile,
  encryptStream,
  MalformedFileError,
  NotARecipientError,
  splitFile,
} from '../src/index.js';
import { collect, identities, pieces, sameBytes } from './minilock-fixtures.js';

const { alice, bob, carol } = identities;
const MiB = 1024 * 1024;

/** Deterministic filler: cheap to make, never all-zero. */
function plaintextOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function isTypedFailure(e: unknown): boolean {
  return (
    (e instanceof DecryptionError && e.code === 'DECRYPTION_FAILED') ||
    (e instanceof MalformedFileError && e.code === 'MALFORMED_FILE') ||
    (e instanceof NotARecipientError && e.code === 'NOT_A_RECIPIENT')
  );
}

const boundarySizes = [0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 17];

describe('round trip', () => {
  it('around the chunk boundaries, whole-buffer and streamed, for every recipient', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...boundarySizes),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 4096, max: 300_000 }),
        fc.string({ maxLength: 40 }).filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s)),
        async (size, seed, pieceSize, fileName) => {
          const plain = plaintextOf(size, seed);
          const file = encryptFile(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id, carol.id], fileName });
          expect(file.length).toBe(splitFile(file).header.length + 256 + 20 + plain.length + 20 * Math.max(1, Math.ceil(plain.length / MiB)));
          for (const who of [bob, carol]) {
            const out = decryptFile(file, who.secretKey);
            expect(sameBytes(out.plaintext, plain)).toBe('equal');
            expect(out.fileName).toBe(fileName);
            expect(out.senderID).toBe(alice.id);
          }
          const enc = encryptStream(pieces(plain, pieceSize), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
          const chunks = await collect(enc.chunks);
          const streamed = await decryptStream(pieces(concatBytes(enc.finish().header, chunks), pieceSize), bob.secretKey);
          expect(sameBytes(await collect(streamed.plaintext), plain)).toBe('equal');
        },
      ),
      { numRuns: 10, examples: boundarySizes.map((s) => [s, 7, 65536, 'boundary.bin']) },
    );
  });

  it('for small random sizes and piece sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), async (plain, pieceSize) => {
        const enc = encryptStream(pieces(plain, pieceSize), { senderSecretKey: bob.secretKey, recipients: [carol.id] });
        const chunks = await collect(enc.chunks);
        const out = await decryptStream(pieces(concatBytes(enc.finish().header, chunks), pieceSize), carol.secretKey);
        expect(out.senderID).toBe(bob.id);
        expect(sameBytes(await collect(out.plaintext), plain)).toBe('equal');
      }),
      { numRuns: 60 },
    );
  });
});

describe('any flipped bit fails', () => {
  // A single-recipient file: every byte is either the reader's own header
  // entry, header structure, or the chunk stream. (With several recipients a
  // flip inside someone else's entry does not concern this reader: miniLock
  // authenticates each entry and the chunks, not the header as a whole.)
  const plain = plaintextOf(40, 3);
  const file = encryptFile(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id], fileName: 'x.txt' });

  it('every bit of a small file, exhaustively', () => {
    let failures = 0;
    for (let bit = 0; bit < file.length * 8; bit++) {
      const bad = file.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      try {
        decryptFile(bad, bob.secretKey);
      } catch (e) {
        if (isTypedFailure(e)) failures++;
        else throw e;
      }
    }
    expect(failures).toBe(file.length * 8);
  });

  it('random bits of random multi-chunk files, streamed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1000, MiB, MiB + 3), fc.integer({ min: 1 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (size, seed, where) => {
        const p = plaintextOf(size, seed);
        const f = encryptFile(p, { senderSecretKey: carol.secretKey, recipients: [alice.id] });
        const bit = Math.floor(where * f.length * 8);
        f[bit >> 3]! ^= 1 << (bit & 7);
        let error: unknown;
        try {
          const out = await decryptStream(pieces(f, 65536), alice.secretKey);
          await collect(out.plaintext);
        } catch (e) {
          error = e;
        }
        expect(isTypedFailure(error)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('reordered chunks fail', () => {
  const plain = plaintextOf(2 * MiB + 5, 11);
  const file = encryptFile(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id] });
  const { header, chunks } = splitFile(file);
  // name chunk, two full chunks, the 5-byte last chunk
  const bounds = [0, 276, 276 + MiB + 20, 276 + 2 * (MiB + 20), chunks.length];
  const parts = bounds.slice(0, -1).map((b, i) => chunks.subarray(b, bounds[i + 1]));

  it('every non-identity permutation of the four chunks', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }).filter((p) => p.some((x, i) => x !== i)),
        (order) => {
          const bad = concatBytes(header, ...order.map((i) => parts[i]!));
          expect(() => decryptFile(bad, bob.secretKey)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(DECRYPTION_FAILED|MALFORMED_FILE)$/) }));
        },
      ),
      { numRuns: 23 },
    );
  });
});
