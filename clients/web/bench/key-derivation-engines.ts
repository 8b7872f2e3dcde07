/**
 * The bench's worker (bundled by key-derivation-bench.ts, run from a blob: URL
 * in a blank page): one scrypt with DESIGN §2's parameters per message, by
 * the engine asked for, timed inside the worker.
 */
import scryptJs from 'scrypt-js';
import { scrypt as nobleScrypt, scryptAsync as nobleScryptAsync } from '@noble/hashes/scrypt.js';

export type Engine = 'scrypt-js-progress' | 'scrypt-js-sync' | 'noble-progress' | 'noble-async';
export type EngineRequest = { readonly engine: Engine; readonly password: Uint8Array; readonly salt: Uint8Array };
export type EngineReply = { readonly ms: number; readonly progressCalls: number; readonly key: Uint8Array };

const N = 2 ** 17;
const r = 8;
const p = 1;
const dkLen = 32;

const scope = self as unknown as { onmessage: ((event: MessageEvent<EngineRequest>) => void) | null; postMessage(message: EngineReply): void };

scope.onmessage = (event) => {
  const { engine, password, salt } = event.data;
  let progressCalls = 0;
  // What the page's worker does with each report: post a message once per percent.
  let lastPercent = -1;
  const onProgress = (fraction: number) => {
    progressCalls++;
    const percent = Math.floor(fraction * 100);
    if (percent !== lastPercent) lastPercent = percent;
  };
  const started = performance.now();
  const run = async (): Promise<Uint8Array> => {
    switch (engine) {
      case 'scrypt-js-progress':
        return scryptJs.scrypt(password, salt, N, r, p, dkLen, onProgress);
      case 'scrypt-js-sync':
        return scryptJs.syncScrypt(password, salt, N, r, p, dkLen);
      case 'noble-progress':
        return nobleScrypt(password, salt, { N, r, p, dkLen, onProgress });
      case 'noble-async':
        return nobleScryptAsync(password, salt, { N, r, p, dkLen, onProgress });
    }
  };
  void run().then((key) => scope.postMessage({ ms: performance.now() - started, progressCalls, key }));
};
