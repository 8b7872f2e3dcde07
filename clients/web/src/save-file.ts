/**
 * Attachments are decrypted in the page into memory and offered for saving
 * only once the whole file verified (the SDK commits the sink last), under
 * the name that was encrypted inside the file.
 */
import type { PlaintextSink } from '@peerlock/sdk';

export function memorySink(): PlaintextSink & { blob(): Blob } {
  let parts: Uint8Array[] = [];
  let committed = false;
  return {
    write(piece) {
      parts.push(piece.slice());
    },
    commit() {
      committed = true;
    },
    abort() {
      parts = [];
    },
    blob() {
      if (!committed) throw new Error('file not verified');
      return new Blob(parts as BlobPart[], { type: 'application/octet-stream' });
    },
  };
}

/** A name safe to offer to the browser's save dialog (no path, no control characters). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean.slice(0, 200);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(name);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
