/**
 * Blobs in an Azure Blob Storage container (the original deployment's
 * storage layer; tested against Azurite). A write stages 1 MiB blocks and
 * commits the block list at the end: staged blocks are invisible, and the
 * commit replaces the blob in one step, so no reader ever sees a partial
 * blob. A failed write commits nothing; its uncommitted blocks are
 * garbage-collected by the service.
 */
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { assertBlobKey, assertBlobPrefix, limited, type BlobBody, type BlobStore } from './blob-store.js';

const BLOCK_BYTES = 1024 * 1024;

export class AzureBlobStore implements BlobStore {
  private constructor(private readonly container: ContainerClient) {}

  static async open(connectionString: string, containerName: string): Promise<AzureBlobStore> {
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
    await container.createIfNotExists();
    return new AzureBlobStore(container);
  }

  async put(key: string, body: BlobBody, options: { readonly maxBytes: number }): Promise<number> {
    assertBlobKey(key);
    const blob = this.container.getBlockBlobClient(key);
    // Block ids must be the same length within a blob; a random stem keeps two concurrent writers' blocks apart.
    const stem = randomBytes(8).toString('hex');
    const ids: string[] = [];
    const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    let filled = 0;
    let total = 0;
    const stage = async () => {
      const id = Buffer.from(`${stem}-${String(ids.length).padStart(8, '0')}`).toString('base64');
      await blob.stageBlock(id, buffer.subarray(0, filled), filled);
      ids.push(id);
      filled = 0;
    };
    for await (const piece of limited(body, options.maxBytes, () => {})) {
      let offset = 0;
      while (offset < piece.length) {
        const n = Math.min(BLOCK_BYTES - filled, piece.length - offset);
        buffer.set(piece.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === BLOCK_BYTES) await stage();
      }
      total += piece.length;
    }
    if (filled > 0) await stage();
    await blob.commitBlockList(ids);
    return total;
  }

  async get(key: string): Promise<{ size: number; body: BlobBody } | null> {
    assertBlobKey(key);
    try {
      const response = await this.container.getBlobClient(key).download();
      return { size: response.contentLength ?? 0, body: response.readableStreamBody as unknown as BlobBody };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async size(key: string): Promise<number | null> {
    assertBlobKey(key);
    try {
      return (await this.container.getBlobClient(key).getProperties()).contentLength ?? 0;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<{ key: string; size: number }[]> {
    assertBlobPrefix(prefix);
    const out: { key: string; size: number }[] = [];
    for await (const item of this.container.listBlobsFlat({ prefix })) out.push({ key: item.name, size: item.properties.contentLength ?? 0 });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix);
    if (prefix === '') throw new RangeError('prefix: refusing to delete the whole store');
    for (const { key } of await this.list(prefix)) await this.container.getBlobClient(key).deleteIfExists();
  }

  async close(): Promise<void> {}
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}
