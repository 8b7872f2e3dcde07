/**
 * The key-transparency log's read side (DESIGN §6; docs/key-transparency.md):
 * the signed tree head, inclusion proofs and consistency proofs, computed
 * from the rows of the key-log projection. Every hash a proof needs is an
 * aligned perfect subtree stored as one row (a leaf hash or a node), so a
 * proof reads O(log n) rows and hashes O(log n) times. Those rows never change
 * once written (a rebuild writes the same bytes), so they are cached here.
 *
 * Tree heads are signed on demand with the long-term Ed25519 key:
 *   Ed25519(treeHeadSignedBytes(size, timestamp, root)), timestamp = the newest
 *   leaf's event time, so an honest server signs one head per size.
 */
import {
  emptyKeyLogState,
  KEY_LOG_STATE_ID,
  keyLogLeafId,
  keyLogNodeId,
  keyLogProjection,
  keyLogUserId,
  type KeyLogLeafRow,
  type KeyLogNodeRow,
  type KeyLogState,
  type KeyLogUserRow,
  type ReadModelStore,
} from '@peerlock/projections';
import { emptyTreeRoot, formatCheckpoint, formatNote, merkleNodeHash, type NoteSignature } from '@peerlock/sdk';
import { PeerlockError } from '../errors.js';
import { consistencyRanges, inclusionRanges, perfectPieces, type LeafRange } from './merkle-proofs.js';

export interface SignedTreeHead {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly rootHash: Buffer;
  readonly signature: Buffer;
  /** The same head as a C2SP tlog checkpoint, a signed note (null where no note signer was given). */
  readonly checkpoint: string | null;
}

export interface InclusionProofResult {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leaf: Buffer;
  readonly auditPath: Buffer[];
}

export interface ConsistencyProofResult {
  readonly fromSize: number;
  readonly toSize: number;
  readonly path: Buffer[];
}

export interface KeyProofResult {
  readonly treeHead: SignedTreeHead;
  readonly inclusion: InclusionProofResult;
  /** From `knownTreeSize` to the head; null when none was given or it is beyond the head. */
  readonly consistency: ConsistencyProofResult | null;
}

export type TreeHeadSigner = (treeSize: number, timestamp: number, rootHash: Uint8Array) => Uint8Array;
/** Signs a checkpoint's text as the log (ServerKeys.signCheckpoint). */
export type CheckpointSigner = { readonly origin: string; sign(text: string): NoteSignature };

const NAME = keyLogProjection.name;
const CACHE_LIMIT = 200_000;

// RFC 9162's hashes have one home, the SDK's verifier (one encoder for both sides).
const nodeHash = (left: Buffer, right: Buffer): Buffer => Buffer.from(merkleNodeHash(left, right));

export class KeyLogQueries {
  private readonly nodes = new Map<string, Buffer>();
  private signed: SignedTreeHead | undefined;

  constructor(
    private readonly readModels: ReadModelStore,
    private readonly sign: TreeHeadSigner,
    private readonly checkpointSigner: CheckpointSigner | null = null,
  ) {}

  /** The newest signed tree head. */
  async treeHead(): Promise<SignedTreeHead> {
    return this.headOf(await this.state());
  }

  /** Inclusion of leaf `leafIndex` in the tree of `treeSize` leaves (a size the log has reached). */
  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProofResult> {
    const state = await this.state();
    if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > state.size) throw new PeerlockError('BAD_INPUT', { field: 'treeSize' });
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) throw new PeerlockError('BAD_INPUT', { field: 'leafIndex' });
    return this.inclusion(leafIndex, treeSize);
  }

  async consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProofResult> {
    const state = await this.state();
    if (!Number.isSafeInteger(toSize) || toSize < 0 || toSize > state.size) throw new PeerlockError('BAD_INPUT', { field: 'toSize' });
    if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > toSize) throw new PeerlockError('BAD_INPUT', { field: 'fromSize' });
    return { fromSize, toSize, path: await this.hashes(consistencyRanges(fromSize, toSize)) };
  }

  /**
   * Everything a client needs before it uses `username`'s current key, under
   * one head: the head, the inclusion of the key's leaf, and the consistency
   * proof from the head the client last trusted.
   */
  async keyProof(username: string, knownTreeSize: number | null): Promise<KeyProofResult> {
    if (knownTreeSize !== null && (!Number.isSafeInteger(knownTreeSize) || knownTreeSize < 0)) throw new PeerlockError('BAD_INPUT', { field: 'knownTreeSize' });
    // The user's row first: the state read after it is at least as new, so the leaf is inside the head.
    const user = await this.readModels.get<KeyLogUserRow>(NAME, keyLogUserId(username));
    if (!user) throw new PeerlockError('NOT_FOUND');
    const state = await this.state();
    const [treeHead, inclusion, consistency] = await Promise.all([
      this.headOf(state),
      this.inclusion(user.leafIndex, state.size),
      knownTreeSize === null || knownTreeSize > state.size
        ? Promise.resolve(null)
        : this.hashes(consistencyRanges(knownTreeSize, state.size)).then((path) => ({ fromSize: knownTreeSize, toSize: state.size, path })),
    ]);
    return { treeHead, inclusion, consistency };
  }

  private async state(): Promise<KeyLogState> {
    return (await this.readModels.get<KeyLogState>(NAME, KEY_LOG_STATE_ID)) ?? emptyKeyLogState;
  }

  private headOf(state: KeyLogState): SignedTreeHead {
    if (this.signed?.treeSize === state.size && this.signed.timestamp === state.timestamp) return this.signed;
    // MTH of the whole tree: the frontier's perfect-subtree roots folded from the right (empty tree: SHA-256()).
    let root: Buffer | null = null;
    for (let i = state.frontier.length - 1; i >= 0; i--) {
      const hash = Buffer.from(state.frontier[i]!.hash, 'hex');
      root = root === null ? hash : nodeHash(hash, root);
    }
    const rootHash = root ?? Buffer.from(emptyTreeRoot());
    const head = {
      treeSize: state.size,
      timestamp: state.timestamp,
      rootHash,
      signature: Buffer.from(this.sign(state.size, state.timestamp, rootHash)),
      checkpoint: this.checkpointOf(state.size, rootHash),
    };
    if (!this.signed || head.treeSize >= this.signed.treeSize) this.signed = head;
    return head;
  }

  /** The head as a checkpoint note signed by the log, when a signer was given. */
  private checkpointOf(treeSize: number, rootHash: Uint8Array): string | null {
    const signer = this.checkpointSigner;
    if (!signer) return null;
    const text = formatCheckpoint({ origin: signer.origin, treeSize, rootHash });
    return formatNote(text, [signer.sign(text)]);
  }

  private async inclusion(leafIndex: number, treeSize: number): Promise<InclusionProofResult> {
    const [leafRow, auditPath] = await Promise.all([
      this.readModels.get<KeyLogLeafRow>(NAME, keyLogLeafId(leafIndex)),
      this.hashes(inclusionRanges(leafIndex, treeSize)),
    ]);
    if (!leafRow) throw new Error(`key log: leaf ${leafIndex} missing`);
    return { leafIndex, treeSize, leaf: Buffer.from(leafRow.leaf, 'base64'), auditPath };
  }

  /** MTH of each range, from stored perfect subtrees, all rows fetched at once. */
  private async hashes(ranges: readonly LeafRange[]): Promise<Buffer[]> {
    const pieces = ranges.map(([start, end]) => perfectPieces(start, end));
    const ids = [...new Set(pieces.flat().map((p) => (p.level === 0 ? keyLogLeafId(p.index) : keyLogNodeId(p.level, p.index))))];
    const found = new Map<string, Buffer>();
    await Promise.all(
      ids.map(async (id) => {
        const cached = this.nodes.get(id);
        if (cached) return found.set(id, cached);
        const row = await this.readModels.get<KeyLogLeafRow | KeyLogNodeRow>(NAME, id);
        if (!row) throw new Error(`key log: row ${id} missing`);
        return found.set(id, Buffer.from(row.hash, 'hex'));
      }),
    );
    if (this.nodes.size + found.size > CACHE_LIMIT) this.nodes.clear();
    for (const [id, hash] of found) this.nodes.set(id, hash);
    return pieces.map((list) => {
      let hash: Buffer | null = null;
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i]!;
        const piece = found.get(p.level === 0 ? keyLogLeafId(p.index) : keyLogNodeId(p.level, p.index))!;
        hash = hash === null ? piece : nodeHash(piece, hash);
      }
      return hash!;
    });
  }
}
