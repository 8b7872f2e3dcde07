/**
 * Derives the miniLock identity key in a Web Worker (key-derivation-worker.ts)
 * with progress; the key pair is rebuilt here from the secret, which is then
 * wiped. The username is the salt (canonical, lowercase), as in the SDK.
 */
import { canonicalUsername, keyPairFromSecretKey, wipe, type KeyPair } from '@peerlock/sdk';
import type { DeriveReply, DeriveRequest } from './key-derivation-worker.js';

export function deriveIdentityInWorker(username: string, passphrase: string, onProgress: (fraction: number) => void): Promise<KeyPair> {
  const salt = canonicalUsername(username);
  const worker = new Worker(new URL('./key-derivation-worker.ts', import.meta.url), { type: 'module', name: 'peerlock-key-derivation' });
  return new Promise<KeyPair>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<DeriveReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') return onProgress(reply.fraction);
      worker.terminate();
      if (reply.kind === 'error') return reject(new Error(reply.message));
      onProgress(1);
      const pair = keyPairFromSecretKey(reply.secretKey);
      wipe(reply.secretKey);
      resolve(pair);
    };
    worker.onerror = (event) => {
      worker.terminate();
      event.preventDefault();
      reject(new Error('key derivation worker failed'));
    };
    worker.postMessage({ passphrase, salt } satisfies DeriveRequest);
  });
}
