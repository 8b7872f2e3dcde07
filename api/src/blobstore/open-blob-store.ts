import { join } from 'node:path';
import type { AppConfig } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { LocalFolderBlobStore } from './local-folder-blob-store.js';

/**
 * local: `<dataDir>/blobs`; azure: the configured container (shared by every
 * node). The Azure SDK is loaded only when configured: it costs about 40 MB
 * of resident memory that an embedded server has no use for.
 */
export async function openBlobStore(config: AppConfig): Promise<BlobStore> {
  if (config.files.blobStore === 'azure') {
    const { AzureBlobStore } = await import('./azure-blob-store.js');
    return AzureBlobStore.open(config.files.azureConnectionString!, config.files.azureContainer);
  }
  return LocalFolderBlobStore.open(join(config.dataDir, 'blobs'));
}
