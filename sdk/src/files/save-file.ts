/**
 * Keeping a file past a share's timer (issue 20): a holder (the owner or a
 * recipient) saves it, and no share's timer ends their access any more.
 * Saving again changes nothing. A file you do not hold (any more) is
 * refused: FORBIDDEN, or NOT_FOUND when nobody holds it.
 */
import { graphql, type FileEndpoint } from './file-api.js';

const SAVE = `mutation($fileId: String!) { saveFile(fileId: $fileId) { id } }`;

export async function saveFile(endpoint: FileEndpoint, fileId: string): Promise<void> {
  await graphql(endpoint, SAVE, { fileId });
}
