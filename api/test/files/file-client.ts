/** Test helpers: the SDK's FileEndpoint for a MessagingClient, and raw HTTP calls for the refusal tests. */
import type { FileEndpoint } from '@peerlock/sdk';
import type { MessagingClient } from '../support/messaging-client.js';

export function endpointOf(client: MessagingClient, fetchImpl?: typeof fetch): FileEndpoint {
  return {
    graphqlUrl: client.url,
    authorize: async () => {
      if (client.tokens.length < 2) await client.login();
      return client.takeHeader();
    },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
}

export async function rawFile(client: MessagingClient, method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<{ status: number; code: string | null; field: string | null; body: Uint8Array }> {
  if (client.tokens.length < 2) await client.login();
  const res = await fetch(new URL(path, client.url), { method, headers: { authorization: client.takeHeader(), ...headers }, ...(body ? { body: body as Uint8Array<ArrayBuffer> } : {}) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let code: string | null = null;
  let field: string | null = null;
  if (!res.ok) {
    const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as { errors: { extensions: { code: string; field?: string } }[] };
    code = json.errors[0]!.extensions.code;
    field = json.errors[0]!.extensions.field ?? null;
  }
  return { status: res.status, code, field, body: bytes };
}

export async function* pieces(bytes: Uint8Array, size = 256 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

export const START = 'mutation($c: Int!, $b: ByteCount!) { startFileUpload(chunkCount: $c, ciphertextBytes: $b) { fileId chunkCount maxChunkBytes expiresAt chunkPath } }';
export const FINALIZE = 'mutation($id: String!, $h: String!) { finalizeFileUpload(fileId: $id, header: $h) { id ready } }';
export const QUOTA = '{ fileQuota { usedBytes limitBytes } }';
export const FILES = 'query($first: Int, $after: String) { files(first: $first, after: $after) { edges { cursor node { id owner ready ciphertextBytes chunkCount sharedWith downloadPath } } pageInfo { hasNextPage endCursor } } }';
