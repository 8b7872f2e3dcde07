/**
 * Witnessed tree heads (DESIGN §6, T13; docs/key-transparency.md). Both sides
 * of a C2SP tlog-witness, as pure functions:
 *
 *   - the witness (`peerlock-witness`): a checkpoint note from the log is
 *     co-signed only if the log signed it and it extends, by a verified
 *     RFC 9162 consistency proof, the checkpoint this witness co-signed last;
 *     so an honest witness co-signs exactly one linear history per log;
 *   - the client: a head counts only when the checkpoint note names exactly
 *     that head, carries the log's signature, and at least k of the n
 *     witnesses the client is configured with co-signed it (cosignature/v1).
 *
 * A server that shows one client a forked head must also get k witnesses to
 * co-sign it, and each of them checks it against the history it already
 * vouched for: that is what makes a split view visible.
 */
import { equalBytes } from '../crypto/bytes.js';
import { CheckpointRefusedError, TooFewCosignaturesError, TreeHeadSignatureError } from './errors.js';
import { treeAdvance } from './merkle.js';
import {
  formatVerifierKey,
  isFrom,
  MalformedNoteError,
  NOTE_COSIGNATURE_V1,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyNoteSignature,
  type Checkpoint,
  type NoteKey,
  type NoteSignature,
} from './signed-note.js';

/** A checkpoint note split and checked against the log's key: its text, what it says, and every signature line. */
export interface VerifiedCheckpoint {
  readonly text: string;
  readonly checkpoint: Checkpoint;
  readonly signatures: readonly NoteSignature[];
}

/** Parses `note` and checks that the log (`logKey`) signed it and that it is a checkpoint of that log; null otherwise. */
function openCheckpoint(note: string, logKey: NoteKey): VerifiedCheckpoint | null {
  try {
    const { text, signatures } = parseNote(note);
    const checkpoint = parseCheckpoint(text);
    if (checkpoint.origin !== logKey.name) return null;
    if (!signatures.some((s) => isFrom(s, logKey) && verifies(text, s, logKey))) return null;
    return { text, checkpoint, signatures };
  } catch (error) {
    if (error instanceof MalformedNoteError || error instanceof RangeError) return null;
    throw error;
  }
}

/** A signature check that treats a malformed line (a cosignature time beyond 2^53) as not verifying. */
function verifies(text: string, signature: NoteSignature, key: NoteKey): boolean {
  try {
    return verifyNoteSignature(text, signature, key);
  } catch (error) {
    if (error instanceof MalformedNoteError) return false;
    throw error;
  }
}

/**
 * The witness's check. `cosigned` is the checkpoint this witness co-signed
 * last for this log (null: never, so the first one is taken on trust, as in
 * every witness design); `consistencyProof` proves `cosigned` a prefix of the
 * shown checkpoint (unused when the sizes are equal or nothing was co-signed).
 * Returns the checkpoint to co-sign; CheckpointRefusedError says why not.
 */
export function checkCheckpointToCosign(
  note: string,
  logKey: NoteKey,
  cosigned: Checkpoint | null,
  consistencyProof: readonly Uint8Array[] | null,
): VerifiedCheckpoint {
  const cosignedSize = cosigned?.treeSize ?? null;
  let shownSize: number;
  try {
    const checkpoint = parseCheckpoint(parseNote(note).text);
    if (checkpoint.origin !== logKey.name) throw new CheckpointRefusedError('malformed', cosignedSize, checkpoint.treeSize);
    shownSize = checkpoint.treeSize;
  } catch (error) {
    if (error instanceof MalformedNoteError) throw new CheckpointRefusedError('malformed', cosignedSize, null);
    throw error;
  }
  const opened = openCheckpoint(note, logKey);
  if (!opened) throw new CheckpointRefusedError('signature', cosignedSize, shownSize);
  const shown = opened.checkpoint;
  if (cosigned === null) return opened;
  if (cosigned.origin !== shown.origin) throw new CheckpointRefusedError('malformed', cosigned.treeSize, shown.treeSize);
  const advance = treeAdvance(cosigned, shown, consistencyProof);
  if (advance !== 'same' && advance !== 'extends') throw new CheckpointRefusedError(advance, cosigned.treeSize, shown.treeSize);
  return opened;
}

/**
 * The client's check of a head it is about to trust: `note` must be the log's
 * signed checkpoint of exactly this head (else TreeHeadSignatureError, the
 * head is not what the log signed), and at least `threshold` distinct
 * `witnesses` (cosignature/v1 keys) must have co-signed that text (else
 * TooFewCosignaturesError). Signatures from keys not configured are ignored.
 * Returns the names of the witnesses whose co-signature verified.
 */
export function checkWitnessedHead(
  note: string | null | undefined,
  logKey: NoteKey,
  head: { readonly treeSize: number; readonly rootHash: Uint8Array },
  witnesses: readonly NoteKey[],
  threshold: number,
): string[] {
  if (threshold === 0) return [];
  const opened = typeof note === 'string' ? openCheckpoint(note, logKey) : null;
  if (!opened || opened.checkpoint.treeSize !== head.treeSize || !equalBytes(opened.checkpoint.rootHash, head.rootHash)) {
    throw new TreeHeadSignatureError();
  }
  const vouching = new Set<string>();
  for (const witness of witnesses) {
    if (witness.type !== NOTE_COSIGNATURE_V1) continue;
    const line = opened.signatures.find((s) => isFrom(s, witness) && verifies(opened.text, s, witness));
    if (line) vouching.add(`${witness.name}+${witness.keyId}`);
  }
  if (vouching.size < threshold) throw new TooFewCosignaturesError(threshold, vouching.size, head.treeSize);
  return [...vouching].map((id) => id.slice(0, id.lastIndexOf('+')));
}

/**
 * A client's witness configuration, checked once, the same way wherever it
 * comes from (SDK options, the web client's settings): cosignature/v1
 * verifier keys, each once, and 0 ≤ k ≤ n. RangeError says what is wrong.
 */
export function parseWitnessing(vkeys: readonly string[], threshold: number): { witnesses: NoteKey[]; threshold: number } {
  const witnesses = vkeys.map((vkey) => {
    let key: NoteKey;
    try {
      key = parseVerifierKey(vkey);
    } catch (error) {
      if (error instanceof MalformedNoteError) throw new RangeError(`not a witness verifier key: ${vkey.slice(0, 40)}`);
      throw error;
    }
    if (key.type !== NOTE_COSIGNATURE_V1) throw new RangeError(`not a witness (cosignature/v1) key: ${key.name}`);
    return key;
  });
  if (new Set(witnesses.map(formatVerifierKey)).size !== witnesses.length) throw new RangeError('a witness is listed twice');
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > witnesses.length) {
    throw new RangeError(`the number of co-signatures required must be between 0 and ${witnesses.length}`);
  }
  return { witnesses, threshold };
}
