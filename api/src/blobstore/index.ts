export * from './blob-store.js';
export { LocalFolderBlobStore } from './local-folder-blob-store.js';
export { AzureBlobStore } from './azure-blob-store.js';
