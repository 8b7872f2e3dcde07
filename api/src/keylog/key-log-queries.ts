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
 *
 * Witnesses (DESIGN §6, T13): each head's checkpoint note carries the
 * co-signatures the configured witnesses gave that size (the
 * key_log_cosignatures read model), and a caller may ask for the newest head
 * that at least k of them co-signed instead of the newest head.
 */
import {
  emptyKeyLogState,
  KEY_LOG_COSIGNATURES_ID,
  KEY_LOG_PROJECTION_NAME,
  KEY_LOG_STATE_ID,
  keyLogCosignaturesProjection,
  keyLogLeafId,
  keyLogNodeId,
  keyLogUserId,
  keyMapNodeId,
  type KeyLogCosignaturesDocument,
  type KeyMapBranchRow,
  type KeyLogCosignedHead,
  type KeyLogLeafRow,
  type KeyLogNodeRow,
  type KeyLogState,
  type KeyLogUserRow,
  type ReadModelStore,
} from '@peerlock/projections';
import { bytesToBase64, decodeKeyLogLeaf, emptyTreeRoot, formatCheckpoint, formatNote, formatVerifierKey, keyMapBit, keyMapLeafHash, KEY_MAP_MAX_DEPTH, merkleNodeHash, signatureFromBytes, type NoteKey, type NoteSignature } from '@peerlock/sdk';
import { PeerlockError } from '../errors.js';
import { consistencyRanges, inclusionRanges, perfectPieces, type LeafRange } from './merkle-proofs.js';

export interface SignedTreeHead {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly rootHash: Buffer;
  readonly signature: Buffer;
  /** The same head as a C2SP tlog checkpoint, a signed note with the witnesses' co-signatures (null where no note signer was given). */
  readonly checkpoint: string | null;
}

/** How long a caller waits for witnesses it asked for (they poll every few seconds, docs/key-transparency.md). */
const WITNESS_RETRY_SECONDS = 5;

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

/** What only an exact lookup by name gets (DESIGN §6, T12): the VRF proof, and the commitment's opening and contents. */
export interface KeyLookupResult {
  readonly vrfProof: Uint8Array;
  readonly opening: Uint8Array;
  readonly timestamp: number;
  readonly miniLockId: string;
  readonly authPublicKey: string;
}

/** That the looked-up leaf is the newest for its index under the head: the head's last leaf (its map root) and the map path. */
export interface NewestProofResult {
  readonly lastLeaf: Buffer;
  readonly lastLeafAuditPath: Buffer[];
  /** Sibling hashes, root side first. */
  readonly mapPath: Buffer[];
}

export interface KeyProofResult {
  readonly treeHead: SignedTreeHead;
  readonly inclusion: InclusionProofResult;
  readonly lookup: KeyLookupResult;
  readonly newest: NewestProofResult;
  /** From `knownTreeSize` to the head; null when none was given or it is beyond the head. */
  readonly consistency: ConsistencyProofResult | null;
}

export type TreeHeadSigner = (treeSize: number, timestamp: number, rootHash: Uint8Array) => Uint8Array;
/** Signs a checkpoint's text as the log (ServerKeys.signCheckpoint). */
export type CheckpointSigner = { readonly origin: string; sign(text: string): NoteSignature };
/** The secret-keyed parts of an exact lookup (ServerKeys). */
export interface KeyLookupSecrets {
  keyLogVrfProof(username: string): Uint8Array;
  keyLogOpening(username: string, keySequence: number): Uint8Array;
}

const NAME = KEY_LOG_PROJECTION_NAME;
/** VRF proofs cost ~5 ms each: the most recently asked-for names keep theirs (a name's proof never changes). */
const VRF_PROOF_CACHE = 10_000;
const COSIGNATURES = keyLogCosignaturesProjection.name;
const CACHE_LIMIT = 200_000;

// RFC 9162's hashes have one home, the SDK's verifier (one encoder for both sides).
const nodeHash = (left: Buffer, right: Buffer): Buffer => Buffer.from(merkleNodeHash(left, right));

export class KeyLogQueries {
  private readonly nodes = new Map<string, Buffer>();
  /** Newest-key map branches by hash: written once, never changed. */
  private readonly mapNodes = new Map<string, KeyMapBranchRow>();
  /** Signed heads by size (without co-signatures, which keep coming): the newest and the witnessed ones asked for. */
  private readonly signed = new Map<number, Omit<SignedTreeHead, 'checkpoint'> & { readonly logSignature: NoteSignature | null }>();
  private readonly witnesses: ReadonlyMap<string, NoteKey>;
  private readonly vrfProofs = new Map<string, Uint8Array>();

  constructor(
    private readonly readModels: ReadModelStore,
    private readonly sign: TreeHeadSigner,
    private readonly secrets: KeyLookupSecrets,
    private readonly checkpointSigner: CheckpointSigner | null = null,
    /** The witnesses whose co-signatures this server accepts and serves (PEERLOCK_WITNESSES). */
    witnesses: readonly NoteKey[] = [],
  ) {
    this.witnesses = new Map(witnesses.map((w) => [formatVerifierKey(w), w]));
  }

  /**
   * The newest signed tree head; with `minCosignatures` k > 0, the newest head
   * at least k configured witnesses co-signed (UNAVAILABLE while none has).
   */
  async treeHead(minCosignatures = 0): Promise<SignedTreeHead> {
    const k = this.threshold(minCosignatures);
    const [state, cosigned] = await Promise.all([this.state(), this.cosigned()]);
    return k === 0 ? this.headOf(state, cosigned) : this.witnessedHead(state, cosigned, k);
  }

  /** The checkpoint text of the tree of `treeSize` leaves (a size the log has reached), what a witness co-signs. */
  async checkpointText(treeSize: number): Promise<string> {
    const state = await this.state();
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > state.size) throw new PeerlockError('BAD_INPUT', { field: 'treeSize' });
    if (!this.checkpointSigner) throw new Error('key log: no checkpoint signer');
    return formatCheckpoint({ origin: this.checkpointSigner.origin, treeSize, rootHash: await this.rootAt(treeSize) });
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
  async keyProof(username: string, knownTreeSize: number | null, minCosignatures = 0): Promise<KeyProofResult> {
    if (knownTreeSize !== null && (!Number.isSafeInteger(knownTreeSize) || knownTreeSize < 0)) throw new PeerlockError('BAD_INPUT', { field: 'knownTreeSize' });
    const k = this.threshold(minCosignatures);
    // The user's row first: the state read after it is at least as new, so the leaf is inside the newest head.
    const user = await this.readModels.get<KeyLogUserRow>(NAME, keyLogUserId(username));
    if (!user) throw new PeerlockError('NOT_FOUND');
    const [state, cosigned] = await Promise.all([this.state(), this.cosigned()]);
    const treeHead = k === 0 ? this.headOf(state, cosigned) : await this.witnessedHead(state, cosigned, k);
    // The key is newer than what the witnesses have vouched for so far: once they catch up it is.
    if (user.leafIndex >= treeHead.treeSize) throw new PeerlockError('UNAVAILABLE', { retryAfterSeconds: WITNESS_RETRY_SECONDS });
    const size = treeHead.treeSize;
    const lookup = {
      vrfProof: this.vrfProof(username),
      opening: this.secrets.keyLogOpening(username, user.keySequence),
      timestamp: user.timestamp,
      miniLockId: user.miniLockId,
      authPublicKey: user.authPublicKey,
    };
    const [inclusion, lastLeaf, consistency] = await Promise.all([
      this.inclusion(user.leafIndex, size),
      this.inclusion(size - 1, size),
      knownTreeSize === null || knownTreeSize > size
        ? Promise.resolve(null)
        : this.hashes(consistencyRanges(knownTreeSize, size)).then((path) => ({ fromSize: knownTreeSize, toSize: size, path })),
    ]);
    const newest = { lastLeaf: lastLeaf.leaf, lastLeafAuditPath: lastLeaf.auditPath, mapPath: await this.mapPath(lastLeaf.leaf, inclusion) };
    return { treeHead, inclusion, lookup, newest, consistency };
  }

  /**
   * The newest-key map's path for the looked-up leaf's index, in the map the
   * head's last leaf carries the root of: stored branches by hash from that
   * root down to where the hash is this very leaf's entry.
   */
  private async mapPath(lastLeaf: Buffer, inclusion: InclusionProofResult): Promise<Buffer[]> {
    const leaf = decodeKeyLogLeaf(inclusion.leaf);
    const entry = bytesToBase64(keyMapLeafHash({ index: leaf.index, keySequence: leaf.keySequence, leafIndex: inclusion.leafIndex }));
    const path: Buffer[] = [];
    let hash = bytesToBase64(decodeKeyLogLeaf(lastLeaf).mapRoot);
    for (let depth = 0; hash !== entry; depth++) {
      // A branch missing here, or a path longer than the index, means the map does not hold this leaf as the
      // index's newest: the projection's fault, not the caller's.
      if (depth >= KEY_MAP_MAX_DEPTH) throw new Error(`key log: no map entry for leaf ${inclusion.leafIndex}`);
      const row = await this.mapNode(hash);
      const bit = keyMapBit(leaf.index, depth);
      path.push(Buffer.from(bit === 0 ? row.right : row.left, 'base64'));
      hash = bit === 0 ? row.left : row.right;
    }
    return path;
  }

  private async mapNode(hash: string): Promise<KeyMapBranchRow> {
    const cached = this.mapNodes.get(hash);
    if (cached) return cached;
    const row = await this.readModels.get<KeyMapBranchRow>(NAME, keyMapNodeId(hash));
    if (row?.kind !== 'map-branch') throw new Error(`key log: map branch ${hash} missing`);
    if (this.mapNodes.size >= CACHE_LIMIT) this.mapNodes.clear();
    this.mapNodes.set(hash, row);
    return row;
  }

  private vrfProof(username: string): Uint8Array {
    let proof = this.vrfProofs.get(username);
    if (proof) {
      // Most recently used last: the first key is the one to evict.
      this.vrfProofs.delete(username);
    } else {
      proof = this.secrets.keyLogVrfProof(username);
      if (this.vrfProofs.size >= VRF_PROOF_CACHE) this.vrfProofs.delete(this.vrfProofs.keys().next().value!);
    }
    this.vrfProofs.set(username, proof);
    return proof;
  }

  /** k must be one the configured witnesses can meet. */
  private threshold(minCosignatures: number): number {
    if (!Number.isSafeInteger(minCosignatures) || minCosignatures < 0 || minCosignatures > this.witnesses.size) throw new PeerlockError('BAD_INPUT', { field: 'minCosignatures' });
    return minCosignatures;
  }

  private async cosigned(): Promise<readonly KeyLogCosignedHead[]> {
    if (this.witnesses.size === 0) return [];
    return (await this.readModels.get<KeyLogCosignaturesDocument>(COSIGNATURES, KEY_LOG_COSIGNATURES_ID))?.heads ?? [];
  }

  /** The configured witnesses' signature lines for `treeSize`, in a stable order. */
  private cosignaturesAt(cosigned: readonly KeyLogCosignedHead[], treeSize: number): NoteSignature[] {
    const head = cosigned.find((h) => h.treeSize === treeSize);
    if (!head) return [];
    return Object.keys(head.cosignatures)
      .filter((vkey) => this.witnesses.has(vkey))
      .sort()
      .map((vkey) => signatureFromBytes(this.witnesses.get(vkey)!.name, Buffer.from(head.cosignatures[vkey]!, 'base64')));
  }

  /** The newest head at least k configured witnesses co-signed. */
  private async witnessedHead(state: KeyLogState, cosigned: readonly KeyLogCosignedHead[], k: number): Promise<SignedTreeHead> {
    for (let i = cosigned.length - 1; i >= 0; i--) {
      const { treeSize } = cosigned[i]!;
      if (treeSize > state.size || this.cosignaturesAt(cosigned, treeSize).length < k) continue;
      if (treeSize === state.size) return this.headOf(state, cosigned);
      const timestamp = treeSize === 0 ? 0 : ((await this.readModels.get<KeyLogLeafRow>(NAME, keyLogLeafId(treeSize - 1)))?.timestamp ?? NaN);
      if (!Number.isSafeInteger(timestamp)) throw new Error(`key log: leaf ${treeSize - 1} missing`);
      return this.signedHead(treeSize, timestamp, await this.rootAt(treeSize), cosigned);
    }
    throw new PeerlockError('UNAVAILABLE', { retryAfterSeconds: WITNESS_RETRY_SECONDS });
  }

  private async rootAt(treeSize: number): Promise<Buffer> {
    return treeSize === 0 ? Buffer.from(emptyTreeRoot()) : (await this.hashes([[0, treeSize]]))[0]!;
  }

  private async state(): Promise<KeyLogState> {
    return (await this.readModels.get<KeyLogState>(NAME, KEY_LOG_STATE_ID)) ?? emptyKeyLogState;
  }

  private headOf(state: KeyLogState, cosigned: readonly KeyLogCosignedHead[]): SignedTreeHead {
    const known = this.signed.get(state.size);
    if (known?.timestamp === state.timestamp) return this.withCosignatures(known, cosigned);
    // MTH of the whole tree: the frontier's perfect-subtree roots folded from the right (empty tree: SHA-256()).
    let root: Buffer | null = null;
    for (let i = state.frontier.length - 1; i >= 0; i--) {
      const hash = Buffer.from(state.frontier[i]!.hash, 'hex');
      root = root === null ? hash : nodeHash(hash, root);
    }
    return this.signedHead(state.size, state.timestamp, root ?? Buffer.from(emptyTreeRoot()), cosigned);
  }

  private signedHead(treeSize: number, timestamp: number, rootHash: Buffer, cosigned: readonly KeyLogCosignedHead[]): SignedTreeHead {
    const signer = this.checkpointSigner;
    const head = {
      treeSize,
      timestamp,
      rootHash,
      signature: Buffer.from(this.sign(treeSize, timestamp, rootHash)),
      logSignature: signer ? signer.sign(formatCheckpoint({ origin: signer.origin, treeSize, rootHash })) : null,
    };
    // The newest head and the few witnessed ones are what is asked for; an honest log signs each size once.
    if (this.signed.size >= 64) this.signed.delete(this.signed.keys().next().value!);
    this.signed.set(treeSize, head);
    return this.withCosignatures(head, cosigned);
  }

  /** The head's checkpoint note: the log's signature, then the configured witnesses' co-signatures of that size. */
  private withCosignatures(head: Omit<SignedTreeHead, 'checkpoint'> & { readonly logSignature: NoteSignature | null }, cosigned: readonly KeyLogCosignedHead[]): SignedTreeHead {
    const { logSignature, ...rest } = head;
    if (!logSignature) return { ...rest, checkpoint: null };
    const text = formatCheckpoint({ origin: logSignature.name, treeSize: head.treeSize, rootHash: head.rootHash });
    return { ...rest, checkpoint: formatNote(text, [logSignature, ...this.cosignaturesAt(cosigned, head.treeSize)]) };
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
