/**
 * Key-transparency refusals (DESIGN §6, T6). Each is a reason to stop using
 * what the server showed: the key is not proven to be in the log, the tree
 * head was not signed by the pinned server key, or the server shows a view of
 * the log that contradicts one it showed before (a fork or a rollback).
 */
import { PeerlockCryptoError } from '../crypto/errors.js';

export type KeyNotInLogReason =
  /** The audit path does not lead from the leaf to the signed root. */
  | 'bad-proof'
  /** The server has no leaf for the user at all. */
  | 'absent'
  /** The leaf is not a well-formed key-log leaf. */
  | 'malformed-leaf'
  /** The leaf's commitment does not open to the key shown (another key, or another user's leaf). */
  | 'key-mismatch'
  /** The VRF proof does not show the leaf's index to be this username's under the server's signed VRF key. */
  | 'bad-vrf-proof'
  /** A key from before a rotation the log has already proven to this user's devices. */
  | 'stale-key'
  /** The map the head commits to does not show this leaf as the name's newest (a key from before a rotation, or no valid proof). */
  | 'not-newest';

/** The key the server shows is not proven to be in the signed log. */
export class KeyNotInLogError extends PeerlockCryptoError {
  readonly code = 'KEY_NOT_IN_LOG' as const;
  constructor(
    readonly username: string,
    readonly reason: KeyNotInLogReason,
  ) {
    super(`${username}: key not proven in the key log (${reason})`);
  }
}

/**
 * At login (DESIGN §6, monitored): the newest key the log holds for the
 * user's own name is not the user's key (`reason` as for a contact's key:
 * key-mismatch when the log shows another key, absent when none). The server
 * may be showing others a key for this user that is not theirs.
 */
export class OwnKeyNotInLogError extends PeerlockCryptoError {
  readonly code = 'OWN_KEY_NOT_IN_LOG' as const;
  constructor(
    readonly username: string,
    readonly reason: KeyNotInLogReason,
  ) {
    super(`the key log does not show your own current key for ${username} (${reason}): the server may be showing others a key for you that is not yours`);
  }
}

/** A tree head whose Ed25519 signature does not verify under the pinned long-term server key. */
export class TreeHeadSignatureError extends PeerlockCryptoError {
  readonly code = 'TREE_HEAD_SIGNATURE_INVALID' as const;
  constructor(message = 'key log tree head signature does not verify under the pinned server key') {
    super(message);
  }
}

export type InconsistentTreeHeadReason =
  /** Two signed heads of the same size with different roots: the server forked the log. */
  | 'fork'
  /** The consistency proof does not show the older head's tree as a prefix of the newer one. */
  | 'bad-consistency-proof';

/** The server's log contradicts a tree head this client has seen before. */
export class InconsistentTreeHeadError extends PeerlockCryptoError {
  readonly code = 'INCONSISTENT_TREE_HEAD' as const;
  constructor(
    readonly reason: InconsistentTreeHeadReason,
    readonly trustedSize: number,
    readonly shownSize: number,
  ) {
    super(`key log tree head of size ${shownSize} is inconsistent with the trusted head of size ${trustedSize} (${reason})`);
  }
}

/** The server shows a smaller tree than one it signed before: an append-only log never shrinks. */
export class TreeHeadRollbackError extends PeerlockCryptoError {
  readonly code = 'TREE_HEAD_ROLLBACK' as const;
  constructor(
    readonly trustedSize: number,
    readonly shownSize: number,
  ) {
    super(`key log rolled back from size ${trustedSize} to ${shownSize}`);
  }
}

/**
 * A tree head without the co-signatures the client's configuration asks for
 * (DESIGN §6, T13): fewer than `required` of the configured witnesses vouch
 * for this exact checkpoint. A forked head shown to this client alone lands
 * here, since honest witnesses only co-sign the one log they have checked.
 */
export class TooFewCosignaturesError extends PeerlockCryptoError {
  readonly code = 'TOO_FEW_COSIGNATURES' as const;
  constructor(
    readonly required: number,
    readonly valid: number,
    readonly treeSize: number,
  ) {
    super(`key log tree head of size ${treeSize} has ${valid} valid witness co-signature(s); ${required} required`);
  }
}

export type CheckpointRefusalReason =
  /** The note is not a checkpoint of this log, or does not parse. */
  | 'malformed'
  /** The log's own signature over the checkpoint is missing or does not verify. */
  | 'signature'
  /** Smaller than the checkpoint co-signed before: an append-only log never shrinks. */
  | 'rollback'
  /** Same size as the checkpoint co-signed before, other root. */
  | 'fork'
  /** Larger, but the log's consistency proof from the co-signed checkpoint does not verify. */
  | 'bad-consistency-proof';

/** A witness refuses to co-sign a checkpoint, and says why. */
export class CheckpointRefusedError extends PeerlockCryptoError {
  readonly code = 'CHECKPOINT_REFUSED' as const;
  constructor(
    readonly reason: CheckpointRefusalReason,
    readonly cosignedSize: number | null,
    readonly shownSize: number | null,
  ) {
    super(
      `checkpoint refused (${reason})` +
        (cosignedSize === null ? '' : `: co-signed size ${cosignedSize}`) +
        (shownSize === null ? '' : `, shown size ${shownSize}`),
    );
  }
}
