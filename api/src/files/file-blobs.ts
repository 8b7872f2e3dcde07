/** Where a file's parts live in the blob store. Everything of one file shares one prefix, so deletion is one call. */
export const filePrefix = (fileId: string): string => `files/${fileId}/`;
export const chunkKey = (fileId: string, index: number): string => `files/${fileId}/chunks/${String(index).padStart(7, '0')}`;
export const chunksPrefix = (fileId: string): string => `files/${fileId}/chunks/`;
/** One header per holder: each got their own re-wrapped copy. */
export const headerKey = (fileId: string, username: string): string => `files/${fileId}/headers/${username}`;

export function chunkIndexOf(key: string): number {
  return Number(key.slice(key.lastIndexOf('/') + 1));
}
