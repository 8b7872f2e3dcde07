/**
 * What a malicious server can show a client about a key (DESIGN §6): it
 * holds its own signing key and VRF key, so it can sign any tree head and
 * checkpoint and file a leaf under any name's real index. `forgeKeyProof`
 * turns an honest keyLogKeyProof answer into one for a log of `treeSize`
 * leaves whose last gives `username` the key `miniLockId`, committed and
 * opened like a real one, under a validly signed head and checkpoint, with
 * the honest head's witness co-signature lines copied along (they do not
 * verify for another tree: that is what witnesses are for). For the
 * clients' attack tests on the wire, with the hostile proxy.
 */
import {
  base64ToBytes,
  bytesToBase64,
  decodeKeyLogLeaf,
  ed25519PublicKey,
  encodeKeyLogLeaf,
  formatCheckpoint,
  formatNote,
  keyLogCommitment,
  keyMapRoot,
  keyLogOrigin,
  merkleLeafHash,
  merkleNodeHash,
  parseNote,
  randomBytes,
  signEd25519,
  signNote,
  treeHeadSignedBytes,
} from '@peerlock/sdk';

export interface HonestKeyProof {
  readonly keyLogKeyProof: {
    readonly treeHead: { readonly checkpoint?: string | null };
    readonly inclusion: { readonly leaf: string };
    readonly lookup: { readonly vrfProof: string; readonly authPublicKey: string };
  };
}

// RFC 9162 MTH and PATH (§2.1.1, §2.1.3.1) over the forged tree, from the SDK's leaf and node hashes.
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
const mth = (d: readonly Uint8Array[]): Uint8Array => (d.length === 1 ? merkleLeafHash(d[0]!) : merkleNodeHash(mth(d.slice(0, split(d.length))), mth(d.slice(split(d.length)))));
const auditPath = (m: number, d: readonly Uint8Array[]): Uint8Array[] => {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k ? [...auditPath(m, d.slice(0, k)), mth(d.slice(k))] : [...auditPath(m - k, d.slice(k)), mth(d.slice(0, k))];
};

export function forgeKeyProof(honest: HonestKeyProof, forged: { username: string; miniLockId: string; treeSize: number; signingSeed: Uint8Array }) {
  const { username, miniLockId, treeSize, signingSeed } = forged;
  const origin = keyLogOrigin(ed25519PublicKey(signingSeed));
  const timestamp = Date.now();
  const real = decodeKeyLogLeaf(base64ToBytes(honest.keyLogKeyProof.inclusion.leaf));
  const opening = randomBytes(32);
  const entry = { timestamp, keySequence: real.keySequence + 1, username, miniLockId, authPublicKey: honest.keyLogKeyProof.lookup.authPublicKey };
  // The forged map holds only this entry: its path is empty.
  const mapRoot = keyMapRoot([{ index: real.index, keySequence: entry.keySequence, leafIndex: treeSize - 1 }]);
  const leaf = encodeKeyLogLeaf({ index: real.index, keySequence: entry.keySequence, commitment: keyLogCommitment(opening, entry), mapRoot });
  const leaves = [...Array.from({ length: treeSize - 1 }, () => randomBytes(leaf.length)), leaf];
  const path = auditPath(treeSize - 1, leaves).map(bytesToBase64);
  const rootHash = mth(leaves);
  const text = formatCheckpoint({ origin, treeSize, rootHash });
  const note = honest.keyLogKeyProof.treeHead.checkpoint;
  const copied = note ? parseNote(note).signatures.slice(1) : [];
  return {
    keyLogKeyProof: {
      treeHead: {
        treeSize,
        timestamp: String(timestamp),
        rootHash: bytesToBase64(rootHash),
        signature: bytesToBase64(signEd25519(treeHeadSignedBytes(treeSize, timestamp, rootHash), signingSeed)),
        checkpoint: formatNote(text, [signNote(text, origin, signingSeed), ...copied]),
      },
      inclusion: { leafIndex: treeSize - 1, treeSize, leaf: bytesToBase64(leaf), auditPath: path },
      lookup: { vrfProof: honest.keyLogKeyProof.lookup.vrfProof, opening: bytesToBase64(opening), timestamp: String(timestamp), miniLockId, authPublicKey: entry.authPublicKey },
      newest: { lastLeaf: bytesToBase64(leaf), lastLeafAuditPath: path, mapPath: [] },
      consistency: null,
    },
  };
}
