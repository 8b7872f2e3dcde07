/**
 * Streaming semantics and the chunk-level guarantees of DESIGN.md T10. The
 * test plays the attacker: it builds chunk streams with the file key (as a
 * malicious server cannot) and re-seals a header with the matching fileHash,
 * so each check is seen failing on its own and not only through the hash.
 */
import { describe, expect, it } from 'vitest';
import {
  blake2s,
  concatBytes,
  decryptChunkStream,
  decryptChunks,
  decryptFile,
  decryptStream,
  decryptToSink,
  DecryptionError,
  encryptFileParts,
  encryptStream,
  MalformedFileError,
  NotARecipientError,
  openHeader,
  randomBytes,
  rewrapHeader,
  secretbox,
  splitFile,
  type FileInfo,
} from '../src/index.js';
import { chunkNonce, encodeFileName } from '../src/minilock/chunks.js';
import { collect, identities, loadVector, pieces, replay, sameBytes } from './minilock-fixtures.js';

const { alice, bob, carol } = identities;
const MiB = 1024 * 1024;

interface CraftedChunk {
  plaintext: Uint8Array;
  index: number;
  last: boolean;
  /** Overrides the 4-byte length prefix. */
  prefix?: number;
}

function frame(c: CraftedChunk, fileKey: Uint8Array, fileNonce: Uint8Array): Uint8Array {
  const box = secretbox(c.plaintext, chunkNonce(fileNonce, c.index, c.last), fileKey);
  const out = new Uint8Array(4 + box.length);
  new DataView(out.buffer).setUint32(0, c.prefix ?? c.plaintext.length, true);
  out.set(box, 4);
  return out;
}

/** A chunk stream made with the file key, and a header for bob whose fileHash matches it. */
function craft(chunks: CraftedChunk[], extra = new Uint8Array(0)): { header: Uint8Array; chunks: Uint8Array; fileInfo: FileInfo } {
  const fileKey = randomBytes(32);
  const fileNonce = randomBytes(16);
  const bytes = concatBytes(...chunks.map((c) => frame(c, fileKey, fileNonce)), extra);
  const fileInfo = { fileKey, fileNonce, fileHash: blake2s(bytes) };
  return { header: rewrapHeader(fileInfo, alice.secretKey, [bob.id]), chunks: bytes, fileInfo };
}

const name = (s: string): CraftedChunk => ({ plaintext: encodeFileName(s), index: 0, last: false });
const data = (size: number, index: number, last: boolean, fill = index): CraftedChunk => ({ plaintext: new Uint8Array(size).fill(fill), index, last });

/** Runs both decryption paths; returns the error of each (they must agree) or the plaintext. */
async function decryptBoth(file: { header: Uint8Array; chunks: Uint8Array }): Promise<{ error?: unknown; plaintext?: Uint8Array; fileName?: string }> {
  let whole: { error?: unknown; plaintext?: Uint8Array; fileName?: string };
  try {
    const out = decryptFile(concatBytes(file.header, file.chunks), bob.secretKey);
    whole = { plaintext: out.plaintext, fileName: out.fileName };
  } catch (error) {
    whole = { error };
  }
  let streamed: typeof whole;
  try {
    const out = await decryptStream(pieces(concatBytes(file.header, file.chunks), 4099), bob.secretKey);
    streamed = { plaintext: await collect(out.plaintext), fileName: out.fileName };
  } catch (error) {
    streamed = { error };
  }
  expect(errorShape(streamed.error)).toEqual(errorShape(whole.error));
  if (!whole.error) expect(sameBytes(streamed.plaintext!, whole.plaintext!)).toBe('equal');
  return whole;
}

function errorShape(e: unknown): unknown {
  if (e === undefined) return undefined;
  const err = e as { constructor: unknown; code?: string; reason?: string };
  return { class: err.constructor, code: err.code, reason: err.reason };
}

function expectError(result: { error?: unknown }, cls: new (...a: never[]) => Error, code: string, reason?: string): void {
  expect(result.error).toBeInstanceOf(cls);
  expect((result.error as { code: string }).code).toBe(code);
  if (reason) expect((result.error as MalformedFileError).reason).toBe(reason);
}

describe('chunk stream attacks (T10)', () => {
  it('accepts a well-formed crafted stream (the harness itself is right)', async () => {
    const r = await decryptBoth(craft([name('a.bin'), data(MiB, 1, false), data(5, 2, true)]));
    expect(r.error).toBeUndefined();
    expect(r.fileName).toBe('a.bin');
    expect(r.plaintext!.length).toBe(MiB + 5);
  });

  it('refuses reordered chunks', async () => {
    expectError(await decryptBoth(craft([name('x'), data(100, 2, false), data(100, 1, false), data(1, 3, true)])), DecryptionError, 'DECRYPTION_FAILED');
  });

  it('refuses a duplicated chunk', async () => {
    expectError(await decryptBoth(craft([name('x'), data(100, 1, false), data(100, 1, false), data(1, 2, true)])), DecryptionError, 'DECRYPTION_FAILED');
  });

  it('refuses a missing middle chunk', async () => {
    expectError(await decryptBoth(craft([name('x'), data(100, 1, false), data(1, 3, true)])), DecryptionError, 'DECRYPTION_FAILED');
  });

  it('refuses a stream whose final chunk lacks the last flag', async () => {
    expectError(await decryptBoth(craft([name('x'), data(100, 1, false)])), MalformedFileError, 'MALFORMED_FILE', 'truncated');
  });

  it('refuses a last-flagged chunk that is not at the end', async () => {
    expectError(await decryptBoth(craft([name('x'), data(100, 1, true), data(1, 2, true)])), MalformedFileError, 'MALFORMED_FILE', 'trailing-data');
    expectError(await decryptBoth(craft([name('x'), data(100, 1, true)], new Uint8Array([0]))), MalformedFileError, 'MALFORMED_FILE', 'trailing-data');
  });

  it('refuses a chunk stream cut at a chunk boundary or inside a chunk', async () => {
    const file = craft([name('x'), data(100, 1, false), data(100, 2, true)]);
    expectError(await decryptBoth({ header: file.header, chunks: file.chunks.subarray(0, 276 + 120) }), MalformedFileError, 'MALFORMED_FILE', 'truncated');
    expectError(await decryptBoth({ header: file.header, chunks: file.chunks.subarray(0, file.chunks.length - 1) }), MalformedFileError, 'MALFORMED_FILE', 'truncated');
    expectError(await decryptBoth({ header: file.header, chunks: file.chunks.subarray(0, 2) }), MalformedFileError, 'MALFORMED_FILE', 'truncated');
    expectError(await decryptBoth({ header: file.header, chunks: new Uint8Array(0) }), MalformedFileError, 'MALFORMED_FILE', 'truncated');
  });

  it('refuses a fileHash that does not match, with the opaque DecryptionError', async () => {
    const file = craft([name('x'), data(100, 1, true)]);
    const wrongHash = rewrapHeader({ ...file.fileInfo, fileHash: randomBytes(32) }, alice.secretKey, [bob.id]);
    expectError(await decryptBoth({ header: wrongHash, chunks: file.chunks }), DecryptionError, 'DECRYPTION_FAILED');
  });

  it('refuses a length prefix over 1 MiB, and a name chunk that is not 256 bytes', async () => {
    expectError(await decryptBoth(craft([name('x'), { ...data(10, 1, true), prefix: MiB + 1 }])), MalformedFileError, 'MALFORMED_FILE', 'chunk-length');
    expectError(await decryptBoth(craft([{ plaintext: new Uint8Array(255), index: 0, last: false }, data(1, 1, true)])), MalformedFileError, 'MALFORMED_FILE', 'chunk-length');
  });

  it('refuses a file name that is not UTF-8', async () => {
    const bad = new Uint8Array(256);
    bad[0] = 0xff;
    expectError(await decryptBoth(craft([{ plaintext: bad, index: 0, last: false }, data(1, 1, true)])), MalformedFileError, 'MALFORMED_FILE', 'file-name');
  });

  it('reads a name chunk flagged last as an empty file, as the reference does', async () => {
    const r = await decryptBoth(craft([{ ...name('only-a-name'), last: true }]));
    expect(r.error).toBeUndefined();
    expect(r.fileName).toBe('only-a-name');
    expect(r.plaintext!.length).toBe(0);
  });

  it('accepts short chunks before the last one (the format does not forbid them)', async () => {
    const r = await decryptBoth(craft([name('x'), data(3, 1, false), data(0, 2, false), data(4, 3, true)]));
    expect(Array.from(r.plaintext!)).toEqual([1, 1, 1, 3, 3, 3, 3]);
  });
});

describe('streamed plaintext is released per authenticated chunk', () => {
  it('yields earlier chunks and then throws when a later chunk is tampered; decryptToSink aborts', async () => {
    const plain = randomBytes(2 * MiB + 10);
    const parts = encryptFileParts(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id] });
    const file = concatBytes(parts.header, parts.chunks);
    file[file.length - 5]! ^= 1;
    const out = await decryptStream(pieces(file, 65536), bob.secretKey);
    const got: Uint8Array[] = [];
    await expect(async () => {
      for await (const p of out.plaintext) got.push(p);
    }).rejects.toBeInstanceOf(DecryptionError);
    expect(got.length).toBe(2);
    expect(sameBytes(concatBytes(...got), plain.subarray(0, 2 * MiB))).toBe('equal');

    const calls: string[] = [];
    const sink = { write: () => void calls.push('write'), commit: () => void calls.push('commit'), abort: (e: unknown) => void calls.push(`abort:${(e as DecryptionError).code}`) };
    await expect(decryptToSink(pieces(file, 65536), bob.secretKey, sink)).rejects.toBeInstanceOf(DecryptionError);
    expect(calls).toEqual(['write', 'write', 'abort:DECRYPTION_FAILED']);
  });

  it('releases the last chunk only after the end checks passed', async () => {
    const file = craft([name('x'), data(7, 1, true)], new Uint8Array([1, 2, 3]));
    const out = await decryptStream([concatBytes(file.header, file.chunks)], bob.secretKey);
    const got: Uint8Array[] = [];
    await expect(async () => {
      for await (const p of out.plaintext) got.push(p);
    }).rejects.toMatchObject({ code: 'MALFORMED_FILE', reason: 'trailing-data' });
    expect(got).toEqual([]);
  });

  it('commits a verified file to the sink', async () => {
    const plain = randomBytes(1000);
    const parts = encryptFileParts(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id], fileName: 'n.txt' });
    const written: Uint8Array[] = [];
    let committed = false;
    const info = await decryptToSink([parts.header, parts.chunks], bob.secretKey, {
      write: async (p) => void written.push(p),
      commit: () => void (committed = true),
      abort: () => expect.unreachable(),
    });
    expect(committed).toBe(true);
    expect(info).toEqual({ senderID: alice.id, recipientID: bob.id, fileName: 'n.txt', version: 1 });
    expect(sameBytes(concatBytes(...written), plain)).toBe('equal');
  });

  it('pulls the source lazily: buffered bytes stay within a few chunks', async () => {
    const total = 6 * MiB + 123;
    let produced = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      while (produced < total) {
        const n = Math.min(65536, total - produced);
        produced += n;
        yield new Uint8Array(n).fill(produced & 0xff);
      }
    }
    const enc = encryptStream(source(), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
    let emitted = 0;
    let maxAhead = 0;
    const stored: Uint8Array[] = [];
    for await (const c of enc.chunks) {
      emitted += Math.max(0, c.length - 20);
      maxAhead = Math.max(maxAhead, produced - Math.max(0, emitted - 256));
      stored.push(c);
    }
    expect(maxAhead).toBeLessThanOrEqual(2 * MiB + 65536);
    const { header } = enc.finish();

    const storedChunks = concatBytes(...stored);
    let fed = 0;
    let consumed = 0;
    let maxDecryptAhead = 0;
    function* chunkSource(): Generator<Uint8Array> {
      for (let i = 0; i < storedChunks.length; i += 65536) {
        const p = storedChunks.subarray(i, i + 65536);
        fed += p.length;
        yield p;
      }
    }
    const opened = openHeader(header, bob.secretKey);
    const dec = await decryptChunkStream(chunkSource(), opened.fileInfo);
    for await (const p of dec.plaintext) {
      consumed += p.length;
      maxDecryptAhead = Math.max(maxDecryptAhead, fed - consumed);
    }
    expect(consumed).toBe(total);
    expect(maxDecryptAhead).toBeLessThanOrEqual(2 * MiB + 65536);
  });

  it('reads a Web ReadableStream', async () => {
    const v = loadVector('v1-alice-to-bob-carol');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of pieces(v.minilock, 100)) controller.enqueue(p);
        controller.close();
      },
    });
    const out = await decryptStream(stream, carol.secretKey);
    expect(sameBytes(await collect(out.plaintext), v.plain)).toBe('equal');
  });
});

describe('header and chunk stream apart; re-wrap', () => {
  it('stores header and chunks apart and decrypts them apart or together', async () => {
    const plain = randomBytes(MiB + 1);
    const enc = encryptStream(pieces(plain, 30000), { senderSecretKey: alice.secretKey, recipients: [bob.id, alice.id], fileName: 'f' });
    expect(() => enc.finish()).toThrow(Error);
    const chunks = await collect(enc.chunks);
    const { header, fileInfo, senderID, recipients } = enc.finish();
    expect(senderID).toBe(alice.id);
    expect(recipients).toEqual([bob.id, alice.id]);
    for (const who of [alice, bob]) {
      const opened = openHeader(header, who.secretKey);
      expect(opened.senderID).toBe(alice.id);
      expect(sameBytes(opened.fileInfo.fileHash, fileInfo.fileHash)).toBe('equal');
      const apart = await decryptChunkStream([chunks], opened.fileInfo);
      expect(apart.fileName).toBe('f');
      expect(sameBytes(await collect(apart.plaintext), plain)).toBe('equal');
      expect(sameBytes(decryptChunks(chunks, opened.fileInfo).plaintext, plain)).toBe('equal');
      expect(sameBytes(decryptFile(concatBytes(header, chunks), who.secretKey).plaintext, plain)).toBe('equal');
    }
  });

  it('reproduces a vector header from its fileInfo and draws (re-wrap is the same sealing)', () => {
    const v = loadVector('v1-alice-to-bob-carol');
    const { header, chunks } = splitFile(v.minilock);
    const { fileInfo } = openHeader(header, bob.secretKey);
    const draws = replay(v.draws.slice(2));
    const again = rewrapHeader(fileInfo, alice.secretKey, [bob.id, carol.id], { random: draws.random });
    expect(draws.remaining()).toBe(0);
    expect(sameBytes(again, header)).toBe('equal');
    expect(sameBytes(concatBytes(again, chunks), v.minilock)).toBe('equal');
  });

  it('lets a recipient share with someone new; the new header names the sharer as sender', () => {
    const v = loadVector('v1-alice-to-bob-carol');
    const { header, chunks } = splitFile(v.minilock);
    const shared = rewrapHeader(header, bob.secretKey, [alice.id]);
    const out = decryptFile(concatBytes(shared, chunks), alice.secretKey);
    expect(out.senderID).toBe(bob.id);
    expect(sameBytes(out.plaintext, v.plain)).toBe('equal');
    expect(() => openHeader(shared, carol.secretKey)).toThrow(NotARecipientError);
    // Someone who is not a recipient cannot re-wrap.
    expect(() => rewrapHeader(header, alice.secretKey, [alice.id])).toThrow(NotARecipientError);
  });
});

describe('hashing on a worker thread (Node)', () => {
  it('the worker hash equals the inline hash, for updates of every size', async () => {
    const { createParallelBlake2s256 } = await import('../src/platform/node.js');
    const data = randomBytes(3 * MiB + 77);
    const cuts = [0, 4, 5, 300, 5000, MiB + 5000, MiB + 5100, 3 * MiB, data.length];
    const h = createParallelBlake2s256!();
    for (let i = 1; i < cuts.length; i++) {
      h.update(data.subarray(cuts[i - 1], cuts[i]));
      await h.drain(2 * MiB);
    }
    // One update larger than a slot travels by structured clone.
    const big = randomBytes(MiB + 100);
    h.update(big);
    expect(sameBytes(await h.digest(), blake2s(concatBytes(data, big)))).toBe('equal');
  });

  it('serves concurrent streams, and survives streams abandoned half way', async () => {
    const plains = [randomBytes(2 * MiB + 1), randomBytes(3 * MiB), randomBytes(MiB + 9)];
    const abandoned = encryptStream(pieces(randomBytes(4 * MiB), 65536), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
    for await (const chunk of abandoned.chunks) if (chunk.length > MiB) break;
    const files = await Promise.all(
      plains.map(async (plain) => {
        const enc = encryptStream(pieces(plain, 100_000), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
        const chunks = await collect(enc.chunks);
        return concatBytes(enc.finish().header, chunks);
      }),
    );
    const outs = await Promise.all(files.map(async (f) => collect((await decryptStream(pieces(f, 65536), bob.secretKey)).plaintext)));
    outs.forEach((out, i) => expect(sameBytes(out, plains[i]!)).toBe('equal'));
    const half = await decryptStream(pieces(files[1]!, 65536), bob.secretKey);
    for await (const piece of half.plaintext) if (piece.length > 0) break;
  });

  it('decrypts multi-chunk streams with tweetnacl too (no in-place opening there)', async () => {
    const plain = randomBytes(2 * MiB + 3);
    const file = encryptFileParts(plain, { senderSecretKey: carol.secretKey, recipients: [alice.id] });
    const { tweetnaclBackend } = await import('../src/index.js');
    const out = await decryptStream(pieces(concatBytes(file.header, file.chunks), 65536), alice.secretKey, { backend: tweetnaclBackend });
    expect(sameBytes(await collect(out.plaintext), plain)).toBe('equal');
  });
});

describe('reuseBuffers', () => {
  const seeded = (seed: number) => {
    let x = seed;
    return (n: number) => new Uint8Array(n).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
  };

  it('gives the same bytes from one reused buffer, for consumers that copy or write each piece before the next', async () => {
    const plain = randomBytes(3 * MiB + 5);
    const base = { senderSecretKey: alice.secretKey, recipients: [bob.id], fileName: 'r' };
    const plainEnc = encryptStream(pieces(plain, 70000), { ...base, random: seeded(1) });
    const expected = await collect(plainEnc.chunks);
    const reused = encryptStream(pieces(plain, 70000), { ...base, random: seeded(1), reuseBuffers: true });
    const copies: Uint8Array[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const piece of reused.chunks) {
      copies.push(piece.slice());
      buffers.add(piece.buffer);
    }
    expect(sameBytes(concatBytes(...copies), expected)).toBe('equal');
    expect(sameBytes(reused.finish().header, plainEnc.finish().header)).toBe('equal');
    expect(buffers.size).toBe(2); // the name chunk, then one buffer for every data chunk

    const file = concatBytes(reused.finish().header, expected);
    for (const backend of [undefined, (await import('../src/index.js')).tweetnaclBackend]) {
      const out = await decryptStream(pieces(file, 65536), bob.secretKey, { reuseBuffers: true, backend });
      const got: Uint8Array[] = [];
      for await (const piece of out.plaintext) got.push(piece.slice());
      expect(out.fileName).toBe('r');
      expect(sameBytes(concatBytes(...got), plain)).toBe('equal');
    }
  });

  it('still refuses tampering', async () => {
    const file = encryptFileParts(randomBytes(2 * MiB), { senderSecretKey: alice.secretKey, recipients: [bob.id] });
    const bad = concatBytes(file.header, file.chunks);
    bad[bad.length - 100]! ^= 4;
    const out = await decryptStream([bad], bob.secretKey, { reuseBuffers: true });
    await expect(collect(out.plaintext)).rejects.toBeInstanceOf(DecryptionError);
  });
});
