/**
 * One round of a key-log witness (DESIGN §6, T13; docs/key-transparency.md):
 * fetch the log's checkpoint, check it against the one co-signed last (the
 * log's signature, then no rollback, no fork, a verified consistency proof:
 * the SDK's checkCheckpointToCosign), remember it, co-sign it
 * (cosignature/v1) and hand the co-signature to the server.
 *
 * Which checkpoint: the newest one another witness already co-signed, when it
 * is beyond ours, else the newest. So witnesses polling at different moments
 * converge on the same sizes, and a client that needs k of them finds heads k
 * of them vouch for, however busy the log is.
 */
import {
  base64ToBytes,
  CheckpointRefusedError,
  checkCheckpointToCosign,
  cosign,
  executeOperation,
  formatSignatureLine,
  isFrom,
  keyLogNoteKey,
  MalformedNoteError,
  parseCheckpoint,
  parseNote,
  PeerlockApiError,
  verifyNoteSignature,
} from '@peerlock/sdk';
import { KeyLogConsistencyProofDocument, KeyLogTreeHeadDocument, ServerKeysDocument, SubmitKeyLogCosignatureDocument } from '@peerlock/sdk/operations';
import { loadIdentity, loadState, saveState, WitnessStoreError } from './witness-store.js';

export interface WitnessOptions {
  /** The server's GraphQL endpoint. */
  readonly server: string;
  /** The witness's directory (witness.key, state.json). */
  readonly dir: string;
  /** base64 of the log's long-term key; without it, the key pinned on the first run (or fetched then, on trust). */
  readonly logKey?: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export type WitnessOutcome =
  /** A new checkpoint co-signed and accepted by the server. */
  | { readonly kind: 'cosigned'; readonly treeSize: number; readonly fromSize: number | null }
  /** The log has not moved since the last co-signature (which the server holds). */
  | { readonly kind: 'unchanged'; readonly treeSize: number };

export async function witnessOnce(options: WitnessOptions): Promise<WitnessOutcome> {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const call = caller(fetchImpl, options.server);
  const identity = loadIdentity(options.dir);
  const state = loadState(options.dir);
  if (state && options.logKey !== undefined && options.logKey !== state.logKey) {
    throw new WitnessStoreError(`this witness watches the log of key ${state.logKey}, not ${options.logKey}: use another directory for another log`);
  }
  const logKey = options.logKey ?? state?.logKey ?? (await call(ServerKeysDocument, {})).serverKeys.signingPublicKey;
  const logKeyBytes = base64ToBytes(logKey, 'log key');
  if (logKeyBytes.length !== 32) throw new RangeError('log key: expected 32 bytes (base64)');
  const logNoteKey = keyLogNoteKey(logKeyBytes);
  const cosigned = state?.cosigned ?? null;

  const note = await chooseCheckpoint(call, cosigned?.treeSize ?? -1);
  const shownSize = sizeOf(note);
  let proof: Uint8Array[] | null = null;
  if (cosigned && shownSize !== null && shownSize > cosigned.treeSize) {
    try {
      const { keyLogConsistencyProof: p } = await call(KeyLogConsistencyProofDocument, { fromSize: cosigned.treeSize, toSize: shownSize });
      proof = p.fromSize === cosigned.treeSize && p.toSize === shownSize ? p.path.map((h) => base64ToBytes(h, 'consistency proof')) : [];
    } catch (error) {
      // The log will not prove the size this witness co-signed: it no longer has that history.
      if (!(error instanceof PeerlockApiError && error.code === 'BAD_INPUT')) throw error;
      proof = [];
    }
  }
  const verified = checkCheckpointToCosign(note, logNoteKey, cosigned, proof);
  const { treeSize } = verified.checkpoint;
  if (cosigned && treeSize === cosigned.treeSize) {
    // Ours is already with the head: nothing to do. (Missing: the last hand-in was lost; sign again below.)
    if (verified.signatures.some((s) => isFrom(s, identity.key) && verifyNoteSignature(verified.text, s, identity.key))) return { kind: 'unchanged', treeSize };
  }
  // Remember before signing: after a crash this witness still knows what it vouched for.
  saveState(options.dir, { logKey, cosigned: verified.checkpoint });
  const now = options.now ?? Date.now;
  const signature = cosign(verified.text, identity.name, identity.seed, Math.floor(now() / 1000));
  await call(SubmitKeyLogCosignatureDocument, { treeSize, cosignature: formatSignatureLine(signature) });
  return { kind: 'cosigned', treeSize, fromSize: cosigned?.treeSize ?? null };
}

const caller =
  (fetchImpl: typeof fetch, url: string) =>
  <R, V>(document: Parameters<typeof executeOperation<R, V>>[2], variables: V): Promise<R> =>
    executeOperation(fetchImpl, url, document, variables);
type Call = ReturnType<typeof caller>;

async function chooseCheckpoint(call: Call, cosignedSize: number): Promise<string> {
  try {
    const { keyLogTreeHead } = await call(KeyLogTreeHeadDocument, { minCosignatures: 1 });
    const note = keyLogTreeHead.checkpoint;
    if (note && (sizeOf(note) ?? -1) > cosignedSize) return note;
  } catch (error) {
    // UNAVAILABLE: no witness has co-signed anything yet. BAD_INPUT: the server knows no witnesses (it will say so on hand-in).
    if (!(error instanceof PeerlockApiError && (error.code === 'UNAVAILABLE' || error.code === 'BAD_INPUT'))) throw error;
  }
  const { keyLogTreeHead } = await call(KeyLogTreeHeadDocument, { minCosignatures: null });
  if (!keyLogTreeHead.checkpoint) throw new CheckpointRefusedError('malformed', cosignedSize < 0 ? null : cosignedSize, keyLogTreeHead.treeSize);
  return keyLogTreeHead.checkpoint;
}

/** The size a note claims, before anything is verified (only to ask for the right proof); null if it does not parse. */
function sizeOf(note: string): number | null {
  try {
    return parseCheckpoint(parseNote(note).text).treeSize;
  } catch (error) {
    if (error instanceof MalformedNoteError) return null;
    throw error;
  }
}

