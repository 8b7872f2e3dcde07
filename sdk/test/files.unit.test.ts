/**
 * The SDK's file helpers apart from a server (the server round trips are in
 * api/test/files): the layout the upload declares before encrypting must be
 * the one the encryptor then produces, and the helpers must stay
 * browser-safe (fetch and Web streams only, no Node import on their path).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, ciphertextLayout, encryptStream, keyPairFromSecretKey, encodeMiniLockId, randomBytes } from '../src/index.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '../src');

describe('ciphertextLayout', () => {
  it.each([0, 1, 1000, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17])('declares exactly what encryptStream yields for %i bytes', async (size) => {
    const me = keyPairFromSecretKey(randomBytes(32));
    const stream = encryptStream([randomBytes(size)], { senderSecretKey: me.secretKey, recipients: [encodeMiniLockId(me.publicKey)], fileName: 'x' });
    let chunkCount = 0;
    let ciphertextBytes = 0;
    for await (const chunk of stream.chunks) {
      chunkCount++;
      ciphertextBytes += chunk.length;
    }
    expect(ciphertextLayout(size)).toEqual({ chunkCount, ciphertextBytes });
  });

  it('refuses a size that is not a byte count', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => ciphertextLayout(bad)).toThrow(RangeError);
  });
});

describe('browser safety', () => {
  it('imports nothing from Node on the files path (the platform module resolves per environment)', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
        else if (spec!.startsWith('node:') || ['fs', 'path', 'crypto', 'stream', 'worker_threads', 'buffer'].includes(spec!)) offenders.push(`${file}: ${spec}`);
      }
    };
    visit(join(srcDir, 'files/index.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });
});
