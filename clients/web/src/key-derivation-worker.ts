/**
 * scrypt (N = 2^17, about 128 MiB and a few seconds in scrypt-js) off the
 * main thread, so the page stays responsive and can show progress. The
 * passphrase arrives, the 32-byte secret goes back (transferred, so no copy
 * stays here) and the worker is terminated by its caller.
 */
import { deriveSecretKey } from '@peerlock/sdk';

export type DeriveRequest = { readonly passphrase: string; readonly salt: string };
export type DeriveReply =
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'done'; readonly secretKey: Uint8Array }
  | { readonly kind: 'error'; readonly message: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DeriveRequest>) => void) | null;
  postMessage(message: DeriveReply, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const { passphrase, salt } = event.data;
  let last = -1;
  deriveSecretKey(passphrase, salt, {
    engine: 'scrypt-js',
    onProgress: (fraction) => {
      // scrypt-js reports very often: a percent step is enough for a progress bar.
      const percent = Math.floor(fraction * 100);
      if (percent !== last) {
        last = percent;
        scope.postMessage({ kind: 'progress', fraction });
      }
    },
  }).then(
    (secretKey) => scope.postMessage({ kind: 'done', secretKey }, [secretKey.buffer]),
    (error: unknown) => scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : 'key derivation failed' }),
  );
};
