/**
 * Sharing re-wraps the header only (DESIGN §5): the chunks stay where they
 * are, encrypted under the same file key; the recipients get a new header
 * that opens for them. The returned header is what the message carries in
 * its plaintext `files` list (composeMessage), so recipients can check it
 * against what the server later serves them.
 *
 * Under a disappearing-messages timer (`expiresIn`, one of TIMER_SECONDS):
 * the recipients lose access that many seconds after the server recorded
 * the share, unless they save the file (saveFile); `destroyWithShare` (the
 * owner, for a file uploaded for this message alone): the owner's access
 * ends then too, unless the owner saved it, and the file is deleted once
 * nobody holds it.
 */
import { rewrapHeader, type FileInfo } from '../minilock/index.js';
import { bytesToBase64 } from '../crypto/bytes.js';
import type { FileReference, TimerSeconds } from '../messages/message-plaintext.js';
import { graphql, type FileEndpoint } from './file-api.js';

const SHARE = `mutation($fileId: String!, $recipients: [String!]!, $header: String!, $expiresInSeconds: Int, $destroyWithShare: Boolean) { shareFile(fileId: $fileId, recipients: $recipients, header: $header, expiresInSeconds: $expiresInSeconds, destroyWithShare: $destroyWithShare) { id } }`;

/** A share's timer: the message's (TIMER_SECONDS; 0 or absent: no end). */
export interface ShareTimer {
  readonly expiresIn?: TimerSeconds;
  /** Owner only, with `expiresIn` above 0: your own access ends with the share's too, unless you saved the file. */
  readonly destroyWithShare?: boolean;
}

export interface ShareOptions extends ShareTimer {
  readonly fileId: string;
  /** The header you hold (you are a recipient), or the fileInfo kept from the upload. */
  readonly source: Uint8Array | FileInfo;
  readonly secretKey: Uint8Array;
  /** Usernames and the pinned miniLock IDs to encrypt for. */
  readonly recipients: readonly { readonly username: string; readonly miniLockId: string }[];
}

export async function shareFile(endpoint: FileEndpoint, options: ShareOptions): Promise<FileReference & { headerBytes: Uint8Array }> {
  const headerBytes = rewrapHeader(options.source, options.secretKey, options.recipients.map((r) => r.miniLockId));
  const header = bytesToBase64(headerBytes);
  await graphql(endpoint, SHARE, {
    fileId: options.fileId,
    recipients: options.recipients.map((r) => r.username),
    header,
    ...(options.expiresIn !== undefined ? { expiresInSeconds: options.expiresIn } : {}),
    ...(options.destroyWithShare !== undefined ? { destroyWithShare: options.destroyWithShare } : {}),
  });
  return { fileId: options.fileId, header, headerBytes };
}
