/**
 * ECVRF-EDWARDS25519-SHA512-TAI, RFC 9381 (suite_string 0x03): a verifiable
 * random function. The key log (DESIGN.md §6, T12) files an entry under
 * VRF(username), never the username: only the holder of the VRF secret key
 * (the server) can compute where a name is, and the proof lets anyone with
 * the public key check that the server answered for that name and no other.
 *
 * Curve arithmetic is @noble/curves' edwards25519 (strict RFC 8032 point
 * decoding: non-canonical encodings are refused), hashing @noble/hashes'
 * SHA-512. Integers are little-endian, points RFC 8032 compressed, as the
 * suite specifies. Checked against RFC 9381 Appendix B.3 (sdk/test/vrf.unit.test.ts).
 *
 *   Prove(SK, alpha):
 *     x, Y = x·B            the RFC 8032 secret scalar and public key
 *     H = encode_to_curve(PK_string, alpha)          (try-and-increment, §5.4.1.1)
 *     Gamma = x·H
 *     k = nonce(SK, H)                                (§5.4.2.2)
 *     c = challenge(Y, H, Gamma, k·B, k·H)            (§5.4.3, 16 bytes)
 *     s = k + c·x mod q
 *     pi = Gamma ‖ c ‖ s                              (32 + 16 + 32 bytes)
 *   Verify(PK, alpha, pi): Y not of small order; s < q;
 *     c == challenge(Y, H, Gamma, s·B − c·Y, s·H − c·Gamma)
 *   beta = proof_to_hash(pi) = SHA-512(0x03 ‖ 0x03 ‖ 8·Gamma ‖ 0x00)
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, concatBytes } from '../crypto/bytes.js';

type Point = ReturnType<typeof ed25519.Point.fromBytes>;

const Point = ed25519.Point;
const q = Point.Fn.ORDER;
const SUITE = 0x03;
const COFACTOR = 8n;
const C_LEN = 16;
const Q_LEN = 32;
const PT_LEN = 32;

export const VRF_PROOF_BYTES = PT_LEN + C_LEN + Q_LEN;
export const VRF_OUTPUT_BYTES = 64;

export interface VrfProof {
  /** pi_string: Gamma ‖ c ‖ s. */
  readonly proof: Uint8Array;
  /** beta_string: the VRF output. */
  readonly output: Uint8Array;
}

/** The VRF public key of a 32-byte secret key (the Ed25519 public key). */
export function vrfPublicKey(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, 'secretKey', 32);
  return ed25519.getPublicKey(secretKey);
}

/** ECVRF_prove (§5.1), with its output (§5.2). */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): VrfProof {
  assertBytes(secretKey, 'secretKey', 32);
  assertBytes(alpha, 'alpha');
  const { scalar: x, prefix, pointBytes: pk } = ed25519.utils.getExtendedPublicKey(secretKey);
  const H = encodeToCurve(pk, alpha);
  const hString = H.toBytes();
  const gamma = H.multiply(x);
  // Nonce (§5.4.2.2, as RFC 8032 signing): SHA-512 of the secret key's second half and H.
  const k = mod(leToInt(sha512(concatBytes(prefix, hString))));
  const c = challenge([Point.fromBytes(pk), H, gamma, Point.BASE.multiply(k), H.multiply(k)]);
  const s = mod(k + c * x);
  const proof = concatBytes(gamma.toBytes(), intToLe(c, C_LEN), intToLe(s, Q_LEN));
  return { proof, output: outputOf(gamma) };
}

/**
 * The output alone (ECVRF_proof_to_hash of the proof ECVRF_prove would give):
 * Gamma = x·H without the nonce and challenge, for a server that files
 * entries under the output and proves it only when asked (the key log).
 */
export function vrfOutput(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  assertBytes(secretKey, 'secretKey', 32);
  assertBytes(alpha, 'alpha');
  const { scalar: x, pointBytes: pk } = ed25519.utils.getExtendedPublicKey(secretKey);
  return outputOf(encodeToCurve(pk, alpha).multiply(x));
}

/**
 * ECVRF_verify (§5.3) with validate_key: the output if `proof` is a valid
 * proof for `alpha` under `publicKey`, else null (any malformed input too).
 */
export function vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): Uint8Array | null {
  assertBytes(publicKey, 'publicKey');
  assertBytes(alpha, 'alpha');
  assertBytes(proof, 'proof');
  if (publicKey.length !== PT_LEN || proof.length !== VRF_PROOF_BYTES) return null;
  const Y = decodePoint(publicKey);
  // validate_key: a small-order key would let one proof serve many inputs.
  if (!Y || Y.multiplyUnsafe(COFACTOR).equals(Point.ZERO)) return null;
  const gamma = decodePoint(proof.subarray(0, PT_LEN));
  if (!gamma) return null;
  const c = leToInt(proof.subarray(PT_LEN, PT_LEN + C_LEN));
  const s = leToInt(proof.subarray(PT_LEN + C_LEN));
  if (s >= q) return null;
  const H = encodeToCurve(publicKey, alpha);
  const U = Point.BASE.multiplyUnsafe(s).subtract(Y.multiplyUnsafe(c));
  const V = H.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  return challenge([Y, H, gamma, U, V]) === c ? outputOf(gamma) : null;
}

/** ECVRF_encode_to_curve_try_and_increment (§5.4.1.1), salt = PK_string. */
function encodeToCurve(pkString: Uint8Array, alpha: Uint8Array): Point {
  for (let ctr = 0; ctr < 256; ctr++) {
    const hash = sha512(concatBytes(new Uint8Array([SUITE, 0x01]), pkString, alpha, new Uint8Array([ctr, 0x00])));
    const candidate = decodePoint(hash.subarray(0, PT_LEN));
    if (candidate) return candidate.multiplyUnsafe(COFACTOR);
  }
  // Each try succeeds with probability about 1/2: 256 failures do not happen.
  throw new Error('ECVRF encode_to_curve: no point found');
}

/** ECVRF_challenge_generation (§5.4.3): the first cLen bytes of SHA-512(0x03 ‖ 0x02 ‖ points ‖ 0x00). */
function challenge(points: readonly Point[]): bigint {
  const hash = sha512(concatBytes(new Uint8Array([SUITE, 0x02]), ...points.map((p) => p.toBytes()), new Uint8Array([0x00])));
  return leToInt(hash.subarray(0, C_LEN));
}

/** ECVRF_proof_to_hash (§5.2) from Gamma. */
function outputOf(gamma: Point): Uint8Array {
  return sha512(concatBytes(new Uint8Array([SUITE, 0x03]), gamma.multiplyUnsafe(COFACTOR).toBytes(), new Uint8Array([0x00])));
}

/** string_to_point: RFC 8032 decoding, strict; null where it fails. */
function decodePoint(bytes: Uint8Array): Point | null {
  try {
    return Point.fromBytes(bytes.slice());
  } catch {
    return null;
  }
}

function mod(n: bigint): bigint {
  const r = n % q;
  return r >= 0n ? r : r + q;
}

function leToInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function intToLe(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}
