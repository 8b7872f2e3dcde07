/**
 * Encrypt and upload a file in one pass (DESIGN §5): miniLock chunks are
 * PUT as they come out of the encryptor, a few in flight; the header, which
 * exists only after the last chunk, goes with the finalizing mutation.
 * Memory: the encryptor's couple of chunks plus `concurrency` chunks in
 * flight, whatever the file size.
 *
 * Resuming: a PUT that gets no answer (server restarting, connection
 * dropped) is sent again with backoff; a chunk PUT replaces atomically, so a
 * repeat is harmless. A chunk the server acknowledged is durable (blob store
 * contract), so after a server crash only the unacknowledged ones travel
 * again. A client that kept the encrypted chunks (a spool) and the header
 * can finish an upload after its own restart with `resumeUpload`, which asks
 * the server what it holds and sends the rest.
 */
import { encryptStream, type ByteSource, type EncryptedHeader, CHUNK_SIZE } from '../minilock/index.js';
import { bytesToBase64 } from '../crypto/bytes.js';
import { graphql, refusal, request, type FileEndpoint } from './file-api.js';
import { FileTransferError } from './file-errors.js';

export interface UploadProgress {
  readonly chunksSent: number;
  readonly chunkCount: number;
  readonly bytesSent: number;
  readonly ciphertextBytes: number;
}

export interface UploadOptions {
  readonly source: ByteSource;
  /** Exact plaintext length: the server reserves quota for the ciphertext before the first byte. */
  readonly size: number;
  readonly fileName?: string;
  readonly senderSecretKey: Uint8Array;
  /** miniLock IDs; include your own to keep access (the default is yours alone). */
  readonly recipients: readonly string[];
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Chunk PUTs in flight. Default 3. */
  readonly concurrency?: number;
  /** Network retries per chunk before giving up. Default 20 (with backoff up to 2 s: about half a minute). */
  readonly retries?: number;
}

export interface UploadedFile extends EncryptedHeader {
  readonly fileId: string;
  readonly chunkCount: number;
  readonly ciphertextBytes: number;
}

const NAME_CHUNK_PLAINTEXT = 256;
const FRAME = 4 + 16;

/** The chunk stream's shape for a plaintext of `size` bytes (format version 1). */
export function ciphertextLayout(size: number): { chunkCount: number; ciphertextBytes: number } {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size: expected a non-negative integer');
  const dataChunks = Math.max(1, Math.ceil(size / CHUNK_SIZE));
  const chunkCount = dataChunks + 1;
  return { chunkCount, ciphertextBytes: chunkCount * FRAME + NAME_CHUNK_PLAINTEXT + size };
}

const START = `mutation($chunkCount: Int!, $ciphertextBytes: ByteCount!) { startFileUpload(chunkCount: $chunkCount, ciphertextBytes: $ciphertextBytes) { fileId chunkPath } }`;
const FINALIZE = `mutation($fileId: String!, $header: String!) { finalizeFileUpload(fileId: $fileId, header: $header) { id ready } }`;

export async function uploadFile(endpoint: FileEndpoint, options: UploadOptions): Promise<UploadedFile> {
  const { chunkCount, ciphertextBytes } = ciphertextLayout(options.size);
  const started = await graphql<{ startFileUpload: { fileId: string; chunkPath: string } }>(endpoint, START, { chunkCount, ciphertextBytes });
  const { fileId, chunkPath } = started.startFileUpload;
  // The encryptor writes every chunk into one buffer; each is copied into a
  // slot that stays ours until its PUT is answered (a retry sends it again).
  // `concurrency` slots of 1 MiB + 20 serve the whole file, so a large upload
  // allocates no chunk-sized buffer per chunk (the garbage V8 would collect
  // only every ~64 MiB of external memory: docs/files.md, Memory).
  const stream = encryptStream(options.source, { senderSecretKey: options.senderSecretKey, recipients: options.recipients, fileName: options.fileName ?? '', reuseBuffers: true });
  const concurrency = options.concurrency ?? 3;
  const retries = options.retries ?? 20;
  const inFlight = new Set<Promise<void>>();
  const freeSlots: Uint8Array[] = [];
  let failure: unknown;
  let index = 0;
  let chunksSent = 0;
  let bytesSent = 0;
  const send = async (n: number, chunk: Uint8Array) => {
    await putChunk(endpoint, `${chunkPath}/${n}`, chunk, retries);
    chunksSent++;
    bytesSent += chunk.length;
    options.onProgress?.({ chunksSent, chunkCount, bytesSent, ciphertextBytes });
  };
  for await (const produced of stream.chunks) {
    if (index >= chunkCount) throw new RangeError('source: longer than size');
    const slot = freeSlots.pop() ?? new Uint8Array(CHUNK_SIZE + FRAME);
    const chunk = slot.subarray(0, produced.length);
    chunk.set(produced);
    const p: Promise<void> = send(index++, chunk).then(
      () => {
        inFlight.delete(p);
        freeSlots.push(slot);
      },
      (err: unknown) => {
        inFlight.delete(p);
        failure ??= err;
      },
    );
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) break;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  if (index !== chunkCount) throw new RangeError('source: shorter than size');
  const header = stream.finish();
  await graphql(endpoint, FINALIZE, { fileId, header: bytesToBase64(header.header) });
  return { ...header, fileId, chunkCount, ciphertextBytes };
}

async function putChunk(endpoint: FileEndpoint, path: string, chunk: Uint8Array, retries: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await request(endpoint, path, { method: 'PUT', body: chunk as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/octet-stream' } });
    } catch (err) {
      // A refusal thrown by request() (an unauthenticated request) is an answer, not a lost request.
      if (err instanceof FileTransferError) throw err;
      // No answer: the chunk may or may not be stored. Sending it again replaces it atomically.
      if (attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      continue;
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    // A refusal is an answer: retrying the same request cannot change it.
    throw await refusal(response);
  }
}

/**
 * Finishes an open upload from the encrypted chunks and header kept by the
 * caller: chunks the server holds with exactly the size given are skipped.
 */
export async function resumeUpload(
  endpoint: FileEndpoint,
  options: { readonly fileId: string; readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; readonly header: Uint8Array; readonly retries?: number },
): Promise<{ sent: number; skipped: number }> {
  const held = await receivedChunks(endpoint, options.fileId);
  const sizes = new Map(held.received.map((c) => [c.index, c.bytes] as const));
  let index = 0;
  let sent = 0;
  for await (const chunk of options.chunks) {
    if (sizes.get(index) !== chunk.length) {
      await putChunk(endpoint, `/files/${options.fileId}/chunks/${index}`, chunk, options.retries ?? 20);
      sent++;
    }
    index++;
  }
  await graphql(endpoint, FINALIZE, { fileId: options.fileId, header: bytesToBase64(options.header) });
  return { sent, skipped: index - sent };
}

/** Which chunks the server holds for an open upload, with their sizes. */
export async function receivedChunks(endpoint: FileEndpoint, fileId: string): Promise<{ chunkCount: number; received: { index: number; bytes: number }[] }> {
  const response = await request(endpoint, `/files/${fileId}/chunks`, { method: 'GET' });
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as { chunkCount: number; received: { index: number; bytes: number }[] };
}

export { FileTransferError };
