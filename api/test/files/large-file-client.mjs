// @ts-check
/**
 * A client process for the memory test and the files benchmark: it imports
 * only the BUILT SDK (sdk/dist, through the package's default export
 * condition) and runs under plain `node`, no TypeScript loader, so its peak
 * RSS is what a real Node client pays. That is why this one helper is
 * JavaScript: under tsx the loader alone costs ~40 MiB. Plaintext is
 * generated as it is sent and checked by SHA-256 on the way back, so no
 * whole file is ever held.
 *
 *   node large-file-client.mjs <json args>
 *   args: { graphqlUrl, tokensFile, bytes, secretKey (hex), miniLockId, mode: 'minilock' | 'plain' }
 *
 * `plain` sends the same number of bytes over the same HTTP path (chunk PUTs
 * of the same sizes sent the way the SDK sends them, the same GET) without
 * any crypto: the benchmark's ceiling. Both modes do the same work around
 * the transfer: the plaintext source is SHA-256-hashed as it is generated,
 * and every byte received (plaintext, or the raw bytes in `plain`) is
 * SHA-256-hashed as it arrives. Prints one JSON line, with process.memoryUsage() sampled every
 * 20 ms (the peak of each part) so the report says what the memory is made of.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** @type {{ graphqlUrl: string, tokensFile: string, bytes: number, secretKey: string, miniLockId: string, mode: 'minilock' | 'plain' }} */
const args = JSON.parse(process.argv[2] ?? '{}');
/** @type {string[]} */
const tokens = JSON.parse(readFileSync(args.tokensFile, 'utf8'));

const sdk = await import('@peerlock/sdk');
const { CHUNK_SIZE, bytesToBase64, ciphertextLayout, encryptFileParts, fetchEncryptedFile, openDownload, uploadFile } = sdk;

const MiB = 1024 * 1024;
/** @param {string} field */
const statusKiB = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);

/** @type {import('@peerlock/sdk').FileEndpoint} */
const endpoint = {
  graphqlUrl: args.graphqlUrl,
  authorize: () => {
    const t = tokens.shift();
    if (!t) throw new Error('out of tokens');
    return t;
  },
};
const secretKey = new Uint8Array(Buffer.from(args.secretKey, 'hex'));
const sent = createHash('sha256');

// One plaintext buffer, refilled for every piece: uploadFile encrypts a piece
// before it asks for the next one, so the source need not allocate per MiB.
const piece = new Uint8Array(CHUNK_SIZE);
async function* plaintext() {
  for (let left = args.bytes; left > 0; left -= CHUNK_SIZE) {
    const view = piece.subarray(0, Math.min(CHUNK_SIZE, left));
    randomFillSync(view);
    sent.update(view);
    yield view;
  }
}

const zero = () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 });
/** Peaks of each part of process.memoryUsage(), per phase. */
const peaks = { upload: zero(), download: zero() };
let phase = peaks.upload;
const sample = () => {
  const m = process.memoryUsage();
  for (const k of /** @type {(keyof ReturnType<typeof zero>)[]} */ (Object.keys(phase))) phase[k] = Math.max(phase[k], m[k]);
};
const idle = process.memoryUsage();
const idleHwmKiB = statusKiB('VmHWM');
const sampler = setInterval(sample, 20);

let uploadMs;
let downloadMs;
const received = createHash('sha256');

/** Wall-clock phase boundaries, to line the report up with the server's own samples. */
const phases = { uploadStart: Date.now(), downloadStart: 0, end: 0 };
if (args.mode === 'minilock') {
  const t0 = performance.now();
  const up = await uploadFile(endpoint, { source: plaintext(), size: args.bytes, senderSecretKey: secretKey, recipients: [args.miniLockId] });
  uploadMs = performance.now() - t0;
  sample();
  phase = peaks.download;
  phases.downloadStart = Date.now();
  const t1 = performance.now();
  // reuseBuffers: each plaintext piece is hashed before the next is asked for, so one buffer serves every chunk.
  const opened = await openDownload(endpoint, { fileId: up.fileId, secretKey, reuseBuffers: true });
  for await (const p of opened.plaintext) received.update(p);
  downloadMs = performance.now() - t1;
} else {
  // The same wire sizes as a miniLock upload of this plaintext, raw bytes in place of boxes.
  const { chunkCount, ciphertextBytes } = ciphertextLayout(args.bytes);
  /** @param {string} query @param {Record<string, unknown>} variables */
  const gql = async (query, variables) => {
    const res = await fetch(args.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: /** @type {string} */ (endpoint.authorize()) }, body: JSON.stringify({ query, variables }) });
    const body = /** @type {{ data?: Record<string, { fileId: string }>, errors?: unknown }} */ (await res.json());
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const t0 = performance.now();
  const started = await gql('mutation($c: Int!, $b: Float!) { startFileUpload(chunkCount: $c, ciphertextBytes: $b) { fileId } }', { c: chunkCount, b: ciphertextBytes });
  const fileId = started.startFileUpload?.fileId;
  /** @param {number} index @param {Uint8Array} body */
  const put = async (index, body) => {
    // Sent as the SDK sends a chunk on Node: a one-piece stream with its Content-Length (sdk/src/files/file-api.ts).
    const stream = new ReadableStream({ start: (c) => (c.enqueue(body), c.close()) });
    const headers = { authorization: /** @type {string} */ (endpoint.authorize()), 'content-length': String(body.length) };
    const res = await fetch(new URL(`/files/${fileId}/chunks/${index}`, args.graphqlUrl), { method: 'PUT', headers, body: stream, duplex: 'half' });
    if (res.status !== 204) throw new Error(`PUT ${index}: ${res.status}`);
  };
  // Three in flight, as the SDK does; each body is its own buffer (fetch may still be sending it).
  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  let index = 0;
  /** @param {Uint8Array} body */
  const queue = async (body) => {
    /** @type {Promise<void>} */
    const p = put(index++, body).then(() => void inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 3) await Promise.race(inFlight);
  };
  await queue(new Uint8Array(256 + 20));
  for await (const p of plaintext()) {
    const framed = new Uint8Array(p.length + 20);
    framed.set(p, 20);
    await queue(framed);
  }
  await Promise.all(inFlight);
  const header = encryptFileParts(new Uint8Array(0), { senderSecretKey: secretKey, recipients: [args.miniLockId] }).header;
  await gql('mutation($id: String!, $h: String!) { finalizeFileUpload(fileId: $id, header: $h) { id } }', { id: fileId, h: bytesToBase64(header) });
  uploadMs = performance.now() - t0;
  sample();
  phase = peaks.download;
  phases.downloadStart = Date.now();
  const t1 = performance.now();
  let total = 0;
  // The same consumer as the miniLock path: every byte received goes through SHA-256.
  for await (const p of await fetchEncryptedFile(endpoint, /** @type {string} */ (fileId))) {
    received.update(p);
    total += p.length;
  }
  downloadMs = performance.now() - t1;
  if (total !== header.length + ciphertextBytes) throw new Error(`downloaded ${total} bytes`);
}
phases.end = Date.now();
clearInterval(sampler);
sample();

const ok = args.mode === 'plain' || sent.digest('hex') === received.digest('hex');
const mib = (/** @type {number} */ n) => Math.round((n / MiB) * 10) / 10;
console.log(
  JSON.stringify({
    mode: args.mode,
    bytes: args.bytes,
    uploadMs,
    downloadMs,
    ok,
    phases,
    idleRssMiB: idleHwmKiB / 1024,
    maxRssMiB: statusKiB('VmHWM') / 1024,
    idle: { rss: mib(idle.rss), heapUsed: mib(idle.heapUsed), external: mib(idle.external), arrayBuffers: mib(idle.arrayBuffers) },
    peaks: Object.fromEntries(Object.entries(peaks).map(([p, o]) => [p, Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mib(v)]))])),
  }),
);
