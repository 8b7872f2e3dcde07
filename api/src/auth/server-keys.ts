/**
 * Server keys (DESIGN.md §2; docs/auth.md "Server keys"):
 *
 *   long-term   Ed25519 key pair from the 32-byte signing seed (RFC 8032 §5.1.5).
 *               Clients pin its public key.
 *   ephemeral   an X25519 key pair per UTC day d:
 *                 secret_d = HMAC-SHA-256(K_eph, u64be(d))      K_eph = sub-key "ephemeral-x25519/v1"
 *               valid from d·86400 to (d+1)·86400 + 1 h (an hour of overlap so a
 *               batch fetched just before midnight still verifies), and signed:
 *                 sig_d = Ed25519(longTerm, serverKeySignedBytes(pk_d, validFrom, validUntil))
 *
 *   key-log VRF   the Ed25519-curve ECVRF key (RFC 9381) the key log files leaves under,
 *               secret = K_vrf (sub-key "key-log-vrf/v1"), its public key signed:
 *                 Ed25519(longTerm, "peerlock/key-log/vrf-key/v1" ‖ 0x00 ‖ vrfPublicKey)
 *   openings    a key-log commitment's opening (DESIGN §6, T12):
 *                 HMAC-SHA-256(K_open, "key-log-opening", u32be(keySequence), username)
 *               K_open = sub-key "key-log-opening/v1"; deterministic, so the key log
 *               stays a pure fold that every node and every rebuild computes alike
 *
 * Deriving the daily key from a shared secret, rather than generating and
 * storing it, lets every node of a cluster compute the same key with no
 * coordination. The cost is that the root key's compromise exposes past
 * ephemeral keys too; they only ever boxed random challenges and tokens whose
 * lifetime is minutes, so nothing long-lived is lost.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import {
  keyLogIndex,
  keyLogNoteKey,
  keyPairFromSecretKey,
  randomBytes,
  serverKeySignedBytes,
  treeHeadSignedBytes,
  utf8ToBytes,
  vrfKeySignedBytes,
  vrfOutput,
  vrfProve,
  vrfPublicKey,
  type KeyPair,
  type NoteKey,
  type NoteSignature,
} from '@peerlock/sdk';
import { boxAfterNm, boxBeforeNm, x25519PrivateKey } from './box-precompute.js';
import { deriveSubKey, hmacSha256 } from './key-derivation.js';
import type { ServerSecrets } from './server-secrets.js';

const DAY_SECONDS = 86_400;
const OVERLAP_SECONDS = 3_600;
/** DER prefix of a PKCS#8 Ed25519 private key (RFC 8410 §7); the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface EphemeralKey {
  readonly day: number;
  readonly keyPair: KeyPair;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly signature: Uint8Array;
  /** The same secret key as a node:crypto object, for native X25519. */
  readonly privateKey: KeyObject;
}

export interface BoxedSecret {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export class ServerKeys {
  readonly signingPublicKey: Uint8Array;
  /** The note key the key log's checkpoints are signed as (origin and key ID follow from signingPublicKey). */
  readonly keyLogNoteKey: NoteKey;
  /** The key log's VRF public key and the long-term key's signature of it. */
  readonly keyLogVrfKey: { readonly publicKey: Uint8Array; readonly signature: Uint8Array };
  private readonly signingKey: KeyObject;
  private readonly ephemeralRoot: Uint8Array;
  private readonly vrfSecret: Uint8Array;
  private readonly openingKey: Uint8Array;
  private cached: EphemeralKey | null = null;

  constructor(secrets: ServerSecrets) {
    this.signingKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secrets.signingSeed]), format: 'der', type: 'pkcs8' });
    // The raw public key is the last 32 bytes of its SPKI encoding (RFC 8410 §4).
    this.signingPublicKey = new Uint8Array(createPublicKey(this.signingKey).export({ format: 'der', type: 'spki' }).subarray(-32));
    this.keyLogNoteKey = keyLogNoteKey(this.signingPublicKey);
    this.ephemeralRoot = deriveSubKey(secrets.rootKey, 'ephemeral-x25519/v1');
    this.vrfSecret = deriveSubKey(secrets.rootKey, 'key-log-vrf/v1');
    this.openingKey = deriveSubKey(secrets.rootKey, 'key-log-opening/v1');
    const publicKey = vrfPublicKey(this.vrfSecret);
    this.keyLogVrfKey = { publicKey, signature: new Uint8Array(sign(null, vrfKeySignedBytes(publicKey), this.signingKey)) };
  }

  /** Where the key log files `username`'s leaves: the first 32 bytes of its VRF output. */
  keyLogIndex(username: string): Uint8Array {
    return keyLogIndex(vrfOutput(this.vrfSecret, utf8ToBytes(username)));
  }

  /** The VRF proof (80 bytes) that the index is `username`'s, for an exact lookup. */
  keyLogVrfProof(username: string): Uint8Array {
    return vrfProve(this.vrfSecret, utf8ToBytes(username)).proof;
  }

  /** The opening of the commitment of `username`'s key number `keySequence`. */
  keyLogOpening(username: string, keySequence: number): Uint8Array {
    const sequence = new Uint8Array(4);
    new DataView(sequence.buffer).setUint32(0, keySequence);
    return hmacSha256(this.openingKey, 'key-log-opening', sequence, username);
  }

  /** Today's signed ephemeral key (cached for the day). */
  ephemeral(nowMs: number): EphemeralKey {
    const day = Math.floor(nowMs / 1000 / DAY_SECONDS);
    if (this.cached?.day === day) return this.cached;
    const dayBytes = new Uint8Array(8);
    new DataView(dayBytes.buffer).setBigUint64(0, BigInt(day));
    const keyPair = keyPairFromSecretKey(hmacSha256(this.ephemeralRoot, dayBytes));
    const validFrom = day * DAY_SECONDS;
    const validUntil = validFrom + DAY_SECONDS + OVERLAP_SECONDS;
    const signature = new Uint8Array(sign(null, serverKeySignedBytes(keyPair.publicKey, validFrom, validUntil), this.signingKey));
    this.cached = { day, keyPair, validFrom, validUntil, signature, privateKey: x25519PrivateKey(keyPair.secretKey) };
    return this.cached;
  }

  /**
   * Signs a key-log tree head (DESIGN §6): Ed25519 over
   * "peerlock/key-log/tree-head/v1" ‖ 0x00 ‖ u64be(treeSize) ‖ u64be(timestamp ms) ‖ root.
   * The label keeps it apart from the ephemeral-key signatures.
   */
  signTreeHead(treeSize: number, timestamp: number, rootHash: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, treeHeadSignedBytes(treeSize, timestamp, rootHash), this.signingKey));
  }

  /**
   * The key log's checkpoint as a C2SP signed note's signature (DESIGN §6,
   * T13): Ed25519 over the checkpoint text, as note key "peerlock/key-log/…"
   * (keyLogNoteKey). A note text holds no 0x00 byte, so it can never be
   * read as the tree-head or ephemeral-key bytes, which are labelled and 0x00-separated.
   */
  signCheckpoint(text: string): NoteSignature {
    const key = this.keyLogNoteKey;
    return { name: key.name, keyId: key.keyId, signature: new Uint8Array(sign(null, Buffer.from(text, 'utf8'), this.signingKey)) };
  }

  /** NaCl box (X25519-XSalsa20-Poly1305) from today's ephemeral key, fresh random 24-byte nonce. */
  boxTo(recipientPublicKey: Uint8Array, plaintext: Uint8Array, nowMs: number): BoxedSecret {
    return this.boxAllTo(recipientPublicKey, [plaintext], nowMs)[0]!;
  }

  /** Several boxes to one recipient: one X25519 for the batch, a fresh random nonce per box. */
  boxAllTo(recipientPublicKey: Uint8Array, plaintexts: readonly Uint8Array[], nowMs: number): BoxedSecret[] {
    if (recipientPublicKey.length !== 32) throw new RangeError('recipientPublicKey: expected 32 bytes');
    const k = boxBeforeNm(recipientPublicKey, this.ephemeral(nowMs).privateKey);
    try {
      return plaintexts.map((m) => {
        const nonce = randomBytes(24);
        return { nonce, ciphertext: boxAfterNm(m, nonce, k) };
      });
    } finally {
      k.fill(0);
    }
  }
}
