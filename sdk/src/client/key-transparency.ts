/**
 * The client side of key transparency (DESIGN §6; docs/key-transparency.md).
 * Before a contact's key is pinned, accepted or encrypted to, the client asks
 * the server for that key's leaf under the newest signed tree head and checks:
 *
 *   1. the head's Ed25519 signature, under the pinned long-term server key;
 *   2. the head against the newest head this user has trusted so far (kept in
 *      memory and, sealed, in the pin set): never smaller (TreeHeadRollback),
 *      same size ⇒ same root (InconsistentTreeHead 'fork'), larger ⇒ a valid
 *      RFC 9162 consistency proof (InconsistentTreeHead 'bad-consistency-proof');
 *   3. with witnesses configured (k of n, DESIGN §6 T13), the head's checkpoint
 *      note: the log's signature over exactly this head (TreeHeadSignature)
 *      and k valid co-signatures by configured witnesses (TooFewCosignatures);
 *      the server is asked for the newest head k witnesses co-signed;
 *   4. the key's RFC 9162 inclusion proof under that head, the VRF proof that
 *      the leaf is filed under this username (under the VRF key the pinned
 *      server key signed), the opening of the leaf's commitment to exactly
 *      this key, and the newest-key map the head commits to showing this leaf
 *      as the name's newest (KeyNotInLog: bad-proof, bad-vrf-proof,
 *      key-mismatch, not-newest).
 *
 * A key proven once stays proven for the session (a leaf can never leave an
 * append-only log whose heads we keep checking for consistency), so repeated
 * sends to the same key cost no extra request.
 *
 * KeyTransparency checks answers against the heads it is given; KeyLog, below,
 * is the one path every key takes through it in a PeerlockClient (issue 19:
 * the key log has one home, so the login's check of our own key and a
 * contact's lookup cannot drift apart). It decides which heads are trusted
 * before a proof (this device's marks, kept across sessions, and the sealed
 * pin set the user's other devices share), records the head it ends at,
 * checks the log's VRF key once against the pinned server key, and starts
 * over at logout.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { base64ToBytes, bytesToBase64 } from '../crypto/bytes.js';
import { KeyNotInLogError, OwnKeyNotInLogError, TooFewCosignaturesError, TreeHeadRollbackError } from '../keylog/errors.js';
import { keyLogNoteKey, type NoteKey } from '../keylog/signed-note.js';
import type { KeyLogEntry } from '../keylog/leaf.js';
import { checkKeyLookup, checkTreeHeadAdvance, TREE_HEAD_RECORD_VERSION, verifyTreeHeadSignature, verifyVrfKey, type TreeHead, type TreeHeadRecord } from '../keylog/tree-head.js';
import { checkWitnessedHead, parseWitnessing } from '../keylog/witnessing.js';
import { PeerlockApiError } from './errors.js';
import { KeyLogConsistencyProofDocument, KeyLogKeyProofDocument, KeyLogVrfKeyDocument, type KeyLogTreeHeadFieldsFragment } from './generated/graphql.js';
import type { PeerlockClient, PeerlockClientOptions } from './peerlock-client.js';

type Call = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => Promise<R>;

const b64 = (text: string) => base64ToBytes(text, 'key log hash');

function fromRecord(record: TreeHeadRecord | KeyLogTreeHeadFieldsFragment): TreeHead {
  if (!/^\d{1,16}$/.test(record.timestamp)) throw new RangeError('tree head timestamp');
  return { treeSize: record.treeSize, timestamp: Number(record.timestamp), rootHash: b64(record.rootHash), signature: b64(record.signature) };
}

function toRecord(head: TreeHead): TreeHeadRecord {
  return { version: TREE_HEAD_RECORD_VERSION, treeSize: head.treeSize, timestamp: String(head.timestamp), rootHash: bytesToBase64(head.rootHash), signature: bytesToBase64(head.signature) };
}

export class KeyTransparency {
  private trusted: TreeHead | null = null;
  private readonly proven = new Map<string, KeyLogEntry>();

  constructor(
    private readonly call: Call,
    /** The pinned long-term server key (pinned on first use when not configured). */
    private readonly signingKey: () => Promise<Uint8Array>,
    /** The key log's VRF public key, its signature by the pinned key already checked. */
    private readonly vrfKey: () => Promise<Uint8Array>,
    /** The witnesses (cosignature/v1 keys) and how many of them must co-sign a head; k = 0: none. */
    private readonly witnessing: { readonly witnesses: readonly NoteKey[]; readonly threshold: number } = { witnesses: [], threshold: 0 },
  ) {}

  /** The newest verified head, in the form stored in the pin set. */
  get head(): TreeHeadRecord | undefined {
    return this.trusted ? toRecord(this.trusted) : undefined;
  }

  /**
   * Takes in a head stored in the sealed pin set (another device's, or an
   * earlier session's): it must be consistent with the head trusted here,
   * and the larger of the two is trusted from now on.
   */
  async reconcile(record: TreeHeadRecord | undefined): Promise<void> {
    // A head of an earlier log (no version, or 2): another tree, nothing to compare with.
    if (!record || record.version !== TREE_HEAD_RECORD_VERSION) return;
    const stored = fromRecord(record);
    const trusted = this.trusted;
    if (trusted && stored.treeSize === trusted.treeSize && record.rootHash === bytesToBase64(trusted.rootHash)) return;
    verifyTreeHeadSignature(stored, await this.signingKey());
    if (!trusted) {
      this.trusted = stored;
      return;
    }
    if (stored.treeSize === trusted.treeSize) {
      checkTreeHeadAdvance(trusted, stored, null);
      return;
    }
    const [older, newer] = stored.treeSize < trusted.treeSize ? [stored, trusted] : [trusted, stored];
    let path: Uint8Array[];
    try {
      const { keyLogConsistencyProof: proof } = await this.call(KeyLogConsistencyProofDocument, { fromSize: older.treeSize, toSize: newer.treeSize });
      path = proof.fromSize === older.treeSize && proof.toSize === newer.treeSize ? proof.path.map(b64) : [];
    } catch (error) {
      // The server will not prove a size it signed: its log is now smaller.
      if (error instanceof PeerlockApiError && error.code === 'BAD_INPUT') throw new TreeHeadRollbackError(newer.treeSize, older.treeSize);
      throw error;
    }
    this.trusted = checkTreeHeadAdvance(older, newer, path);
  }

  /** Proves that `miniLockId` is `username`'s key in the log, or throws the typed reason; returns what the log holds for it. */
  async verifyKey(username: string, miniLockId: string): Promise<KeyLogEntry> {
    const known = this.proven.get(username);
    if (known?.miniLockId === miniLockId) return known;
    let answer;
    try {
      const { threshold } = this.witnessing;
      answer = (await this.call(KeyLogKeyProofDocument, { username, knownTreeSize: this.trusted?.treeSize ?? null, minCosignatures: threshold || null })).keyLogKeyProof;
    } catch (error) {
      if (error instanceof PeerlockApiError && error.code === 'NOT_FOUND') throw new KeyNotInLogError(username, 'absent');
      // The server has fewer witnesses than this client requires: no head it serves can carry k co-signatures.
      if (error instanceof PeerlockApiError && error.code === 'BAD_INPUT' && error.details.field === 'minCosignatures') {
        throw new TooFewCosignaturesError(this.witnessing.threshold, 0, this.trusted?.treeSize ?? 0);
      }
      throw error;
    }
    const head = fromRecord(answer.treeHead);
    const signingKey = await this.signingKey();
    verifyTreeHeadSignature(head, signingKey);
    checkWitnessedHead(answer.treeHead.checkpoint, keyLogNoteKey(signingKey), head, this.witnessing.witnesses, this.witnessing.threshold);
    const consistency = answer.consistency;
    const path = this.trusted && consistency && consistency.fromSize === this.trusted.treeSize && consistency.toSize === head.treeSize ? consistency.path.map(b64) : null;
    this.trusted = checkTreeHeadAdvance(this.trusted, head, path);
    const { inclusion, lookup, newest } = answer;
    if (inclusion.treeSize !== head.treeSize || !/^\d{1,16}$/.test(lookup.timestamp)) throw new KeyNotInLogError(username, 'bad-proof');
    const entry = checkKeyLookup(
      { username, miniLockId },
      head,
      { leafIndex: inclusion.leafIndex, leaf: b64(inclusion.leaf), auditPath: inclusion.auditPath.map(b64) },
      { vrfProof: b64(lookup.vrfProof), opening: b64(lookup.opening), timestamp: Number(lookup.timestamp), authPublicKey: lookup.authPublicKey },
      { lastLeaf: b64(newest.lastLeaf), lastLeafAuditPath: newest.lastLeafAuditPath.map(b64), mapPath: newest.mapPath.map(b64) },
      await this.vrfKey(),
    );
    this.proven.set(username, entry);
    return entry;
  }
}

/** The key log for a PeerlockClient's logged-in user: see the top of this file. */
export class KeyLog {
  private readonly witnessing: { readonly witnesses: readonly NoteKey[]; readonly threshold: number };
  private transparency: KeyTransparency;
  private vrfKey: Uint8Array | null = null;

  constructor(
    private readonly client: PeerlockClient,
    options: Pick<PeerlockClientOptions, 'witnesses' | 'witnessThreshold'>,
    /** The pinned long-term server key (Accounts: configured, from the session, or pinned on first use). */
    private readonly signingKey: () => Promise<Uint8Array>,
  ) {
    this.witnessing = parseWitnessing(options.witnesses ?? [], options.witnessThreshold ?? 0);
    this.transparency = this.fresh();
  }

  /** The newest verified head, in the form stored in the pin set (it rides along whenever the pin set is stored anyway). */
  get head(): TreeHeadRecord | undefined {
    return this.transparency.head;
  }

  /** At logout: the next user's heads are checked afresh, from their own marks and pins. */
  reset(): void {
    this.transparency = this.fresh();
  }

  /**
   * Key transparency (DESIGN §6), one path for every key: `miniLockId` proven
   * as `username`'s key in the signed log, under a head consistent with every
   * head seen before, by this device in any session (its marks) and by the
   * user's other devices (the sealed pin set); the head is remembered.
   */
  async prove(username: string, miniLockId: string): Promise<KeyLogEntry> {
    await this.transparency.reconcile(this.client.marks().treeHead);
    await this.transparency.reconcile((await this.client.pins()).treeHead);
    const entry = await this.transparency.verifyKey(username, miniLockId);
    this.client.raiseMarks(this.transparency.head ? { treeHead: this.transparency.head } : {});
    return entry;
  }

  /**
   * DESIGN §6 (monitored): at every login the newest key the log holds for
   * our own name must be our key, proven like any contact's key (signed and
   * witnessed head, consistency, inclusion, VRF, opening). Otherwise
   * OwnKeyNotInLogError, loudly: the server may be showing others a key for
   * us that is not ours. The session stays open, so the caller can show it
   * and the user can act (rotate, leave). 'pending' when the witnesses this
   * client requires have not yet co-signed a head holding our key. Tree-head
   * refusals (fork, rollback, too few co-signatures) are thrown as themselves.
   */
  async checkOwnKey(username: string, miniLockId: string): Promise<'ok' | 'pending'> {
    try {
      await this.prove(username, miniLockId);
      return 'ok';
    } catch (error) {
      if (error instanceof PeerlockApiError && error.code === 'UNAVAILABLE' && this.witnessing.threshold > 0) return 'pending';
      if (error instanceof KeyNotInLogError) throw new OwnKeyNotInLogError(username, error.reason);
      throw error;
    }
  }

  private fresh(): KeyTransparency {
    return new KeyTransparency((d, v) => this.client.call(d, v), () => this.signingKey(), () => this.checkedVrfKey(), this.witnessing);
  }

  /** The key log's VRF public key, checked once against the pinned long-term key. */
  private async checkedVrfKey(): Promise<Uint8Array> {
    if (!this.vrfKey) {
      const { keyLogVrfKey } = (await this.client.call(KeyLogVrfKeyDocument, {})).serverKeys;
      const publicKey = base64ToBytes(keyLogVrfKey.publicKey, 'keyLogVrfKey');
      verifyVrfKey(publicKey, base64ToBytes(keyLogVrfKey.signature, 'keyLogVrfKey signature'), await this.signingKey());
      this.vrfKey = publicKey;
    }
    return this.vrfKey;
  }
}
