/**
 * Download and decrypt as a stream (DESIGN §5, T10). The server sends the
 * viewer's header followed by the chunk stream, i.e. a complete .minilock
 * file; every check is the miniLock reader's: chunk nonces bind each chunk to
 * its place, the last-chunk flag catches truncation, the file hash covers
 * the whole stream. Use `downloadToSink` to release plaintext only once the
 * whole file verified; `openDownload` streams verified chunks as they come
 * (the caller must discard what it got if iteration throws).
 */
import { decryptStream, decryptToSink, type DecryptedFileInfo, type DecryptedStream, type PlaintextSink } from '../minilock/index.js';
import { refusal, request, type FileEndpoint } from './file-api.js';

export interface DownloadProgress {
  readonly bytesReceived: number;
  readonly totalBytes: number | null;
}

export interface DownloadOptions {
  readonly fileId: string;
  readonly secretKey: Uint8Array;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /**
   * Decrypt every chunk into one buffer: each plaintext piece is valid only
   * until the next one is asked for (copy it if you keep it). Flat memory
   * for callers that write or hash each piece at once. Default false.
   */
  readonly reuseBuffers?: boolean;
}

/** The raw .minilock bytes as the server streams them (header ‖ chunks), unverified. */
export async function fetchEncryptedFile(endpoint: FileEndpoint, fileId: string, onProgress?: (p: DownloadProgress) => void): Promise<AsyncIterable<Uint8Array>> {
  if (typeof fileId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(fileId)) throw new TypeError('fileId: expected a file id');
  const response = await request(endpoint, `/files/${fileId}`, { method: 'GET' });
  if (!response.ok || !response.body) throw await refusal(response);
  const length = response.headers.get('content-length');
  const totalBytes = length === null ? null : Number(length);
  const body = response.body;
  return (async function* counted() {
    let bytesReceived = 0;
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        bytesReceived += value.length;
        onProgress?.({ bytesReceived, totalBytes });
        yield value;
      }
    } finally {
      reader.releaseLock();
      await body.cancel().catch(() => {});
    }
  })();
}

export async function openDownload(endpoint: FileEndpoint, options: DownloadOptions): Promise<DecryptedStream> {
  return decryptStream(await fetchEncryptedFile(endpoint, options.fileId, options.onProgress), options.secretKey, { reuseBuffers: options.reuseBuffers === true });
}

export async function downloadToSink(endpoint: FileEndpoint, options: DownloadOptions, sink: PlaintextSink): Promise<DecryptedFileInfo> {
  return decryptToSink(await fetchEncryptedFile(endpoint, options.fileId, options.onProgress), options.secretKey, sink, { reuseBuffers: options.reuseBuffers === true });
}
