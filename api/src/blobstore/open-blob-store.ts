import { join } from 'node:path';
import type { AppConfig } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { LocalFolderBlobStore } from './local-folder-blob-store.js';
import { AzureBlobStore } from './azure-blob-store.js';

/** local: `<dataDir>/blobs`; azure: the configured container (shared by every node). */
export async function openBlobStore(config: AppConfig): Promise<BlobStore> {
  if (config.files.blobStore === 'azure') return AzureBlobStore.open(config.files.azureConnectionString!, config.files.azureContainer);
  return LocalFolderBlobStore.open(join(config.dataDir, 'blobs'));
}
