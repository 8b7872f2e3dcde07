import { KeyLogCosigned } from '@peerlock/schema';
import { defineProjection, type ReadModelChange } from '../projection.js';

/**
 * Witness co-signatures of key-log checkpoints (DESIGN §6, T13;
 * docs/key-transparency.md), as the server serves them with its heads.
 *
 *   recent   { heads: [{ treeSize, rootHash, cosignatures: { <witness vkey>: <signature base64> } }] }
 *
 * One document, the RECENT_HEADS largest co-signed sizes in ascending order:
 * a client wants the newest head enough witnesses vouch for, and witnesses
 * converge on the same sizes (docs), so older ones are never asked for. Its
 * size is bounded by RECENT_HEADS × the number of witnesses whatever happens.
 */
export interface KeyLogCosignedHead {
  readonly treeSize: number;
  /** base64 */
  readonly rootHash: string;
  readonly cosignatures: Readonly<Record<string, string>>;
}

export interface KeyLogCosignaturesDocument {
  readonly heads: readonly KeyLogCosignedHead[];
}

export const KEY_LOG_COSIGNATURES_ID = 'recent';
export const RECENT_HEADS = 32;

export const keyLogCosignaturesProjection = defineProjection({
  name: 'key_log_cosignatures',
  version: 1,
  handles: [KeyLogCosigned],
  documentIds: () => [KEY_LOG_COSIGNATURES_ID],
  apply(view, event): ReadModelChange<KeyLogCosignaturesDocument>[] {
    const { witness, treeSize, rootHash, signature } = event.data;
    const heads = [...((view.get(KEY_LOG_COSIGNATURES_ID) as KeyLogCosignaturesDocument | undefined)?.heads ?? [])];
    const at = heads.findIndex((h) => h.treeSize >= treeSize);
    if (at >= 0 && heads[at]!.treeSize === treeSize) {
      heads[at] = { ...heads[at]!, cosignatures: { ...heads[at]!.cosignatures, [witness]: signature } };
    } else {
      // Older than everything kept and the list is full: nobody will ask for it.
      if (at === 0 && heads.length >= RECENT_HEADS) return [];
      heads.splice(at < 0 ? heads.length : at, 0, { treeSize, rootHash, cosignatures: { [witness]: signature } });
      if (heads.length > RECENT_HEADS) heads.shift();
    }
    return [{ op: 'put', id: KEY_LOG_COSIGNATURES_ID, doc: { heads } }];
  },
});
