/**
 * File transfers and single-use tokens that someone else spends first
 * (issue 7): the SDK retries a TOKEN_INVALID once with the next token, over
 * the same connection (the server drains a bounded body before it refuses,
 * so the answer arrives whole), and a second TOKEN_INVALID surfaces as
 * FileTransferError('TOKEN_INVALID').
 *
 * The test plays the racer: inside `authorize()` it spends the very token it
 * is about to hand to the SDK on a request of its own, as a second device
 * sharing the session would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTransferError, openDownload, randomBytes, uploadFile, type FileEndpoint } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { MessagingClient } from '../support/messaging-client.js';
import { collectBytes, pieces } from './file-client.js';

const MiB = 1024 * 1024;

describe.each(BACKENDS)('file transfers with tokens spent by a racer (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_FILE_QUOTA_BYTES: String(64 * MiB) });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    await alice.signup();
    await alice.login();
  });
  afterAll(async () => {
    await alice?.closeSockets();
    await server?.close();
  });

  /** Spends `authorization` on a request of the racer's own; it must succeed (the token was good). */
  async function spend(authorization: string): Promise<void> {
    const res = await fetch(alice.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: '{ fileQuota { usedBytes } }' }) });
    const body = (await res.json()) as { data?: unknown };
    expect(body.data).toBeDefined();
  }

  /** An endpoint whose n-th authorization (0-based) is spent by the racer first when `race(n)` says so. */
  function racedEndpoint(race: (n: number) => boolean): FileEndpoint & { calls: () => number; raced: () => number } {
    let n = 0;
    let raced = 0;
    return {
      graphqlUrl: alice.url,
      authorize: async () => {
        if (alice.tokens.length < 2) await alice.login();
        const header = alice.takeHeader();
        if (race(n++)) {
          await spend(header);
          raced++;
        }
        return header;
      },
      calls: () => n,
      raced: () => raced,
    };
  }

  const upload = (endpoint: FileEndpoint, plaintext: Uint8Array) =>
    uploadFile(endpoint, { source: pieces(plaintext), size: plaintext.length, fileName: 'raced.bin', senderSecretKey: alice.identity.secretKey, recipients: [alice.miniLockId], retries: 0, concurrency: 1 });

  it('completes an upload and a download when a token is spent by someone else in between (a 1 MiB chunk PUT and the GET)', async () => {
    const plaintext = randomBytes(3 * MiB + 777);
    // Authorizations: 0 startFileUpload, 1 chunk 0 (the name), 2 chunk 1 (1 MiB), …; 2 is raced.
    const up = racedEndpoint((n) => n === 2);
    // One PUT at a time keeps the order of authorizations fixed; no network retries (retries: 0),
    // so only the TOKEN_INVALID retry can save the raced PUT.
    const uploaded = await upload(up, plaintext);
    expect(up.raced()).toBe(1);
    // 1 start + 5 chunks + 1 finalize, plus the one retry.
    expect(up.calls()).toBe(1 + uploaded.chunkCount + 1 + 1);

    const down = racedEndpoint((n) => n === 0);
    const opened = await openDownload(down, { fileId: uploaded.fileId, secretKey: alice.identity.secretKey });
    expect(Buffer.from(await collectBytes(opened.plaintext)).equals(Buffer.from(plaintext))).toBe(true);
    expect(down.raced()).toBe(1);
    expect(down.calls()).toBe(2);
  });

  it('answers a refused 1 MiB PUT whole and keeps the connection open (the body is drained, not cut off)', async () => {
    const res = await fetch(new URL('/files/AAAAAAAAAAAAAAAAAAAAAA/chunks/1', alice.url), { method: 'PUT', headers: { authorization: 'Peerlock alice AAAA' }, body: randomBytes(MiB) as Uint8Array<ArrayBuffer> });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('TOKEN_INVALID');
    expect(res.headers.get('connection')).not.toBe('close');
  });

  it('surfaces a second TOKEN_INVALID in a row as FileTransferError, for a chunk PUT and for the download', async () => {
    const plaintext = randomBytes(2 * MiB);
    // Both authorizations of chunk 1's PUT are spent by the racer.
    const up = racedEndpoint((n) => n === 2 || n === 3);
    const failed = await upload(up, plaintext).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FileTransferError);
    expect(failed).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });

    const uploaded = await upload(racedEndpoint(() => false), plaintext);
    const down = racedEndpoint((n) => n < 2);
    const refused = await openDownload(down, { fileId: uploaded.fileId, secretKey: alice.identity.secretKey }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FileTransferError);
    expect(refused).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(down.calls()).toBe(2);
  });
});
