import { blobStoreContract } from '../../src/blobstore/testing/index.js';
import { AzureBlobStore } from '../../src/blobstore/azure-blob-store.js';
import { startAzurite, type Azurite } from './azurite.js';

let azurite: Azurite | undefined;
blobStoreContract({
  name: 'Azure Blob Storage (Azurite)',
  async open() {
    azurite = await startAzurite();
    return AzureBlobStore.open(azurite.connectionString, 'contract');
  },
  teardown: async () => azurite?.stop(),
});
