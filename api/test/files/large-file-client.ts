/**
 * A client process for the memory test and the files benchmark: it imports
 * only the SDK (no test support, no server code), so its peak RSS is what a
 * real client pays. Plaintext is generated as it is sent and checked by
 * SHA-256 on the way back, so no whole file is ever held.
 *
 *   node --conditions=source --import tsx large-file-client.ts <json args>
 *   args: { graphqlUrl, tokensFile, bytes, secretKey (hex), miniLockId, mode: 'minilock' | 'plain' }
 *
 * `plain` sends the same number of bytes over the same HTTP path (chunk PUTs
 * of the same sizes, the same GET) without any crypto: the benchmark's
 * ceiling. Prints one JSON line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CHUNK_SIZE, bytesToBase64, ciphertextLayout, encryptFileParts, fetchEncryptedFile, openDownload, uploadFile, type FileEndpoint } from '@peerlock/sdk';

interface Args {
  graphqlUrl: string;
  tokensFile: string;
  bytes: number;
  secretKey: string;
  miniLockId: string;
  mode: 'minilock' | 'plain';
}

const args = JSON.parse(process.argv[2]!) as Args;
const tokens = JSON.parse(readFileSync(args.tokensFile, 'utf8')) as string[];
const endpoint: FileEndpoint = {
  graphqlUrl: args.graphqlUrl,
  authorize: () => {
    const t = tokens.shift();
    if (!t) throw new Error('out of tokens');
    return t;
  },
};
const secretKey = new Uint8Array(Buffer.from(args.secretKey, 'hex'));
const sent = createHash('sha256');

async function* plaintext(): AsyncGenerator<Uint8Array> {
  for (let left = args.bytes; left > 0; left -= CHUNK_SIZE) {
    const piece = randomBytes(Math.min(CHUNK_SIZE, left));
    sent.update(piece);
    yield piece;
  }
}

const idleRssKiB = process.resourceUsage().maxRSS;
let uploadMs: number;
let downloadMs: number;
const received = createHash('sha256');

if (args.mode === 'minilock') {
  const t0 = performance.now();
  const up = await uploadFile(endpoint, { source: plaintext(), size: args.bytes, senderSecretKey: secretKey, recipients: [args.miniLockId] });
  uploadMs = performance.now() - t0;
  const t1 = performance.now();
  const opened = await openDownload(endpoint, { fileId: up.fileId, secretKey });
  for await (const piece of opened.plaintext) received.update(piece);
  downloadMs = performance.now() - t1;
} else {
  // The same wire sizes as a miniLock upload of this plaintext, raw bytes in place of boxes.
  const { chunkCount, ciphertextBytes } = ciphertextLayout(args.bytes);
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(args.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: endpoint.authorize() as string }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, { fileId: string }>; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const t0 = performance.now();
  const started = await gql('mutation($c: Int!, $b: Float!) { startFileUpload(chunkCount: $c, ciphertextBytes: $b) { fileId } }', { c: chunkCount, b: ciphertextBytes });
  const fileId = started.startFileUpload!.fileId;
  const put = async (index: number, body: Uint8Array) => {
    const res = await fetch(new URL(`/files/${fileId}/chunks/${index}`, args.graphqlUrl), { method: 'PUT', headers: { authorization: endpoint.authorize() as string }, body: body as Uint8Array<ArrayBuffer> });
    if (res.status !== 204) throw new Error(`PUT ${index}: ${res.status}`);
  };
  // Three in flight, as the SDK does.
  const inFlight = new Set<Promise<void>>();
  let index = 0;
  const framed = (piece: Uint8Array) => {
    const out = new Uint8Array(piece.length + 20);
    out.set(piece, 20);
    return out;
  };
  const queue = async (body: Uint8Array) => {
    const p: Promise<void> = put(index++, body).then(() => void inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 3) await Promise.race(inFlight);
  };
  await queue(new Uint8Array(256 + 20));
  for await (const piece of plaintext()) await queue(framed(piece));
  await Promise.all(inFlight);
  const header = encryptFileParts(new Uint8Array(0), { senderSecretKey: secretKey, recipients: [args.miniLockId] }).header;
  await gql('mutation($id: String!, $h: String!) { finalizeFileUpload(fileId: $id, header: $h) { id } }', { id: fileId, h: bytesToBase64(header) });
  uploadMs = performance.now() - t0;
  const t1 = performance.now();
  let total = 0;
  for await (const piece of await fetchEncryptedFile(endpoint, fileId)) total += piece.length;
  downloadMs = performance.now() - t1;
  if (total !== header.length + ciphertextBytes) throw new Error(`downloaded ${total} bytes`);
}

const ok = args.mode === 'plain' || sent.digest('hex') === received.digest('hex');
console.log(JSON.stringify({ mode: args.mode, bytes: args.bytes, uploadMs, downloadMs, ok, idleRssMiB: idleRssKiB / 1024, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
