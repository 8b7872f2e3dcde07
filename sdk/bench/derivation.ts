/** deriveKeyPair (native scrypt and scrypt-js) against bare crypto.scrypt with the same parameters. */
import { scrypt } from 'node:crypto';
import { blake2s, deriveKeyPair, SCRYPT_PARAMS, utf8ToBytes } from '@peerlock/sdk';
import { median, timed } from './measure.js';

const passphrase = 'Nine ultramarine pelicans recite sonnets beneath copper lighthouses';
const salt = 'alice@example.com';

function bareScrypt(): Promise<Buffer> {
  const { N, r, p, dkLen } = SCRYPT_PARAMS;
  return new Promise((resolve, reject) =>
    scrypt(blake2s(utf8ToBytes(passphrase)), utf8ToBytes(salt), dkLen, { N, r, p, maxmem: 256 * N * r * p + 16 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export interface DerivationResult {
  readonly bareSeconds: number;
  readonly nativeSeconds: number;
  readonly scryptJsSeconds: number;
}

export async function derivationBenchmarks(rounds = 3): Promise<DerivationResult> {
  await bareScrypt(); // warm up the thread pool
  const bare: number[] = [];
  const native: number[] = [];
  // Interleaved, so drift in machine load hits both alike.
  for (let i = 0; i < rounds; i++) {
    bare.push((await timed(() => bareScrypt())).seconds);
    native.push((await timed(() => deriveKeyPair(passphrase, salt, { engine: 'native' }))).seconds);
  }
  const js = (await timed(() => deriveKeyPair(passphrase, salt, { engine: 'scrypt-js' }))).seconds;
  return { bareSeconds: median(bare), nativeSeconds: median(native), scryptJsSeconds: js };
}
