/**
 * What an archive holds, read the way an auditor would: decrypted with the
 * owner's secret key alone (the miniLock reader), records parsed, each
 * file's bytes hashed, nothing else trusted.
 */
import { createHash } from 'node:crypto';
import { decryptStream, recordReader, type ArchiveRecord, type ArchiveTarget } from '@peerlock/sdk';

export interface ArchiveContents {
  readonly senderID: string;
  readonly records: ArchiveRecord[];
  /** Per file id, the SHA-256 (hex) of the bytes the archive carries. */
  readonly fileHashes: Map<string, string>;
}

export async function readArchive(bytes: Uint8Array, secretKey: Uint8Array): Promise<ArchiveContents> {
  const file = await decryptStream([bytes], secretKey);
  const reader = recordReader(file.plaintext);
  const records: ArchiveRecord[] = [];
  const fileHashes = new Map<string, string>();
  for (let r = await reader.next(); r; r = await reader.next()) {
    records.push(r);
    if (r.type === 'file' && r.bytesFollow) {
      const hash = createHash('sha256');
      for await (const piece of reader.payload(r.payloadBytes)) hash.update(piece);
      fileHashes.set(r.id, hash.digest('hex'));
    }
  }
  return { senderID: file.senderID, records, fileHashes };
}

/** The records without what differs between two runs of one export (nothing, once the plan is fixed). */
export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A target that dies: after `appends` more appends it throws, as a process
 * killed mid-export leaves its partial file and its last checkpoint.
 */
export class DyingTarget implements ArchiveTarget {
  constructor(
    private readonly inner: ArchiveTarget,
    private appends: number,
  ) {}
  loadCheckpoint() {
    return this.inner.loadCheckpoint();
  }
  saveCheckpoint(sealed: Uint8Array) {
    return this.inner.saveCheckpoint(sealed);
  }
  partialLength() {
    return this.inner.partialLength();
  }
  truncate(length: number) {
    return this.inner.truncate(length);
  }
  async append(bytes: Uint8Array) {
    if (this.appends-- <= 0) throw new Error('killed mid-export');
    return this.inner.append(bytes);
  }
  sync() {
    return this.inner.sync();
  }
  complete(header: Uint8Array) {
    return this.inner.complete(header);
  }
}
