/**
 * Shared fixtures for the miniLock tests: the reference vectors in
 * sdk/test/vectors (made by kaepora/miniLock, see its README) and fixed
 * secret keys, so no test pays for scrypt.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '../src/index.js';

export const vectorsDir = fileURLToPath(new URL('./vectors/', import.meta.url));

export interface Identity {
  readonly email: string;
  readonly passphrase: string;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly id: string;
}

interface IdentityJson {
  email: string;
  passphrase: string;
  secretKey_hex: string;
  publicKey_hex: string;
  miniLockID: string;
}

const identityJson = JSON.parse(readFileSync(vectorsDir + 'identities.json', 'utf8')) as { identities: Record<string, IdentityJson> };

export const identities: Record<'alice' | 'bob' | 'carol', Identity> = Object.fromEntries(
  Object.entries(identityJson.identities).map(([name, i]) => [
    name,
    { email: i.email, passphrase: i.passphrase, secretKey: hexToBytes(i.secretKey_hex), publicKey: hexToBytes(i.publicKey_hex), id: i.miniLockID },
  ]),
) as Record<'alice' | 'bob' | 'carol', Identity>;

export type IdentityName = keyof typeof identities;

export interface FileVector {
  readonly name: string;
  readonly sender: IdentityName;
  readonly recipients: readonly IdentityName[];
  readonly fileName: string;
  readonly plain: Uint8Array;
  readonly minilock: Uint8Array;
  readonly draws: readonly Uint8Array[];
  readonly json: {
    headerLength: number;
    headerJSON: string;
    ciphertextOffset: number;
    fileKey_b64: string;
    fileNonce_b64: string;
    fileHash_b64: string;
    ephemeralPublicKey_b64: string;
    decryptInfo: { nonce_b64: string; recipientID: string; decryptInfoPlaintextJSON: string; fileInfoPlaintextJSON: string }[];
    chunks: { index: number; offset: number; plaintextLength: number; encryptedLength: number; isLast: boolean; nonce_hex: string }[];
  };
}

export const vectorNames = ['v1-alice-to-bob-carol', 'v1-bob-to-alice-carol-empty-unicode-name', 'v1-carol-to-alice-bob-multichunk'] as const;

export function loadVector(name: string): FileVector {
  const json = JSON.parse(readFileSync(`${vectorsDir}${name}.json`, 'utf8'));
  return {
    name,
    sender: json.sender.identity,
    recipients: json.recipients.map((r: { identity: string }) => r.identity),
    fileName: json.fileNameInFirstChunk,
    plain: new Uint8Array(readFileSync(`${vectorsDir}${name}.plain`)),
    minilock: new Uint8Array(readFileSync(`${vectorsDir}${name}.minilock`)),
    draws: json.randomness.drawsInOrder_hex.map((h: string) => hexToBytes(h)),
    json,
  };
}

/** A random source that replays recorded draws and fails on any extra or mis-sized draw. */
export function replay(draws: readonly Uint8Array[]): { random: (n: number) => Uint8Array; remaining: () => number } {
  let next = 0;
  return {
    random(n) {
      const d = draws[next++];
      if (!d) throw new Error(`replay: draw #${next - 1} was not recorded`);
      if (d.length !== n) throw new Error(`replay: draw #${next - 1} has ${d.length} bytes, asked ${n}`);
      return d;
    },
    remaining: () => draws.length - next,
  };
}

/** Splits bytes into pieces of the given size (to feed stream APIs unevenly). */
export function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const p of stream) {
    parts.push(p);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Fast byte equality for large arrays (vitest's toEqual walks them element by element). */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))) return 'equal';
  let i = 0;
  while (actual[i] === expected[i]) i++;
  return `first difference at byte ${i}`;
}
