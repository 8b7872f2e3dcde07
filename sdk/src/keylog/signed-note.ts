/**
 * Tree heads as witnesses see them (DESIGN.md §6, T13): C2SP signed notes
 * (c2sp.org/signed-note), whose text is a tlog checkpoint
 * (c2sp.org/tlog-checkpoint), co-signed by witnesses with Ed25519
 * cosignature/v1 signatures (c2sp.org/tlog-cosignature).
 *
 *   note        = text ‖ "\n" ‖ signature line+         text ends in "\n"
 *   line        = "— " ‖ key name ‖ " " ‖ base64(u32be key ID ‖ signature) ‖ "\n"
 *   key ID      = SHA-256(key name ‖ "\n" ‖ type ‖ public key)[:4]
 *                 type 0x01 Ed25519 over the text; 0x04 Ed25519 cosignature/v1
 *   checkpoint  = origin "\n" ‖ tree size (decimal) "\n" ‖ base64(root hash) "\n"
 *   cosignature = u64be(timestamp) ‖ Ed25519("cosignature/v1\ntime " ‖ timestamp ‖ "\n" ‖ text)
 *   verifier key ("vkey") = key name ‖ "+" ‖ hex8(key ID) ‖ "+" ‖ base64(type ‖ public key)
 *
 * Verifiers ignore signatures from keys they do not know (name and ID both
 * must match); a known key's signature that fails to verify refuses the note.
 */
import { base64ToBytes, bytesToBase64, concatBytes, equalBytes, utf8ToBytes } from '../crypto/bytes.js';
import { sha256 } from '../crypto/sha256.js';
import { ed25519PublicKey, signEd25519, verifyEd25519 } from '../protocol/ed25519.js';

export const NOTE_ED25519 = 0x01;
export const NOTE_COSIGNATURE_V1 = 0x04;
export type NoteKeyType = typeof NOTE_ED25519 | typeof NOTE_COSIGNATURE_V1;

/** Signature lines a note may carry before it is refused (the spec asks for at least 16). */
export const MAX_NOTE_SIGNATURES = 64;
const EM_DASH_LINE = '\u2014 ';

export class MalformedNoteError extends RangeError {
  constructor(what: string) {
    super(`malformed signed note: ${what}`);
    this.name = 'MalformedNoteError';
  }
}

export interface NoteKey {
  readonly name: string;
  readonly type: NoteKeyType;
  readonly publicKey: Uint8Array;
  /** u32 */
  readonly keyId: number;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** What follows the key ID: a 64-byte signature (0x01), or u64be(time) ‖ 64-byte signature (0x04). */
  readonly signature: Uint8Array;
}

export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
}

/** A key name, or a checkpoint's origin (the log's key name): non-empty, no Unicode space, no "+" (it separates a vkey's fields), no control character. */
function assertKeyName(name: string, what = 'key name'): void {
  if (name.length === 0 || /[\s+\u0000-\u001f\u007f]/u.test(name)) throw new MalformedNoteError(what);
}

export function noteKeyId(name: string, type: NoteKeyType, publicKey: Uint8Array): number {
  assertKeyName(name);
  const hash = sha256(concatBytes(utf8ToBytes(`${name}\n`), new Uint8Array([type]), publicKey));
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0);
}

export function noteKey(name: string, type: NoteKeyType, publicKey: Uint8Array): NoteKey {
  if (publicKey.length !== 32) throw new MalformedNoteError('public key');
  return { name, type, publicKey, keyId: noteKeyId(name, type, publicKey) };
}

/** Parses a verifier key; its key ID must be the one its name, type and public key give. */
export function parseVerifierKey(vkey: string): NoteKey {
  const [name, id, material, ...rest] = vkey.split('+');
  // The base64 may hold "+" itself: everything after the second "+" is the key material.
  const encoded = [material, ...rest].join('+');
  if (name === undefined || id === undefined || material === undefined || !/^[0-9a-f]{8}$/.test(id)) throw new MalformedNoteError('verifier key');
  let raw: Uint8Array;
  try {
    raw = base64ToBytes(encoded, 'verifier key');
  } catch {
    throw new MalformedNoteError('verifier key');
  }
  const type = raw[0];
  if ((type !== NOTE_ED25519 && type !== NOTE_COSIGNATURE_V1) || raw.length !== 33) throw new MalformedNoteError('verifier key type');
  const key = noteKey(name, type, raw.slice(1));
  if (key.keyId !== Number.parseInt(id, 16)) throw new MalformedNoteError('verifier key ID');
  return key;
}

export function formatVerifierKey(key: NoteKey): string {
  return `${key.name}+${key.keyId.toString(16).padStart(8, '0')}+${bytesToBase64(concatBytes(new Uint8Array([key.type]), key.publicKey))}`;
}

/** What a signature line carries after the name: key ID (u32be) ‖ signature. */
export function signatureBytes(signature: NoteSignature): Uint8Array {
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, signature.keyId);
  return concatBytes(id, signature.signature);
}

/** The signature of `name` whose line carries `bytes` (signatureBytes). */
export function signatureFromBytes(name: string, bytes: Uint8Array): NoteSignature {
  if (bytes.length < 5) throw new MalformedNoteError('signature length');
  return { name, keyId: new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0), signature: bytes.slice(4) };
}

/** One signature line, without its newline: "— " name " " base64(key ID ‖ signature). */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(EM_DASH_LINE)) throw new MalformedNoteError('signature line');
  const [name, encoded, extra] = line.slice(EM_DASH_LINE.length).split(' ');
  if (name === undefined || encoded === undefined || extra !== undefined) throw new MalformedNoteError('signature line');
  assertKeyName(name);
  let raw: Uint8Array;
  try {
    raw = base64ToBytes(encoded, 'signature');
  } catch {
    throw new MalformedNoteError('signature encoding');
  }
  return signatureFromBytes(name, raw);
}

/** The line `parseSignatureLine` reads, without its newline. */
export function formatSignatureLine(signature: NoteSignature): string {
  assertKeyName(signature.name);
  return `${EM_DASH_LINE}${signature.name} ${bytesToBase64(signatureBytes(signature))}`;
}

/** Splits a note into its text and signature lines, strictly (UTF-8, no control characters but newline). */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new MalformedNoteError('control character');
  if (!note.endsWith('\n')) throw new MalformedNoteError('no final newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('no signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new MalformedNoteError('too many signatures');
  const signatures = lines.map(parseSignatureLine);
  return { text, signatures };
}

export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  if (!text.endsWith('\n')) throw new MalformedNoteError('text must end in a newline');
  const lines = signatures.map((s) => `${formatSignatureLine(s)}\n`);
  return `${text}\n${lines.join('')}`;
}

/** An Ed25519 note signature (type 0x01) over `text` by the key of `seed`. */
export function signNote(text: string, name: string, seed: Uint8Array): NoteSignature {
  return { name, keyId: noteKeyId(name, NOTE_ED25519, ed25519PublicKey(seed)), signature: signEd25519(utf8ToBytes(text), seed) };
}

/** What a cosignature/v1 signs: the header and time lines, then the note text. */
export function cosignatureMessage(text: string, timestamp: number): Uint8Array {
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** A witness's cosignature/v1 (type 0x04) of a checkpoint's `text`, at `timestamp` (POSIX seconds). */
export function cosign(text: string, name: string, seed: Uint8Array, timestamp: number): NoteSignature {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp: expected POSIX seconds');
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timestamp));
  return { name, keyId: noteKeyId(name, NOTE_COSIGNATURE_V1, ed25519PublicKey(seed)), signature: concatBytes(time, signEd25519(cosignatureMessage(text, timestamp), seed)) };
}

/** The time a cosignature/v1 states, in POSIX seconds. */
export function cosignatureTime(signature: NoteSignature): number {
  if (signature.signature.length !== 8 + 64) throw new MalformedNoteError('cosignature length');
  const time = new DataView(signature.signature.buffer, signature.signature.byteOffset, 8).getBigUint64(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedNoteError('cosignature time');
  return Number(time);
}

/** Whether `signature` is from `key` (name and ID) — else it is someone else's, to ignore. */
export function isFrom(signature: NoteSignature, key: NoteKey): boolean {
  return signature.name === key.name && signature.keyId === key.keyId;
}

/** Verifies a signature known to be from `key` over the note `text`. */
export function verifyNoteSignature(text: string, signature: NoteSignature, key: NoteKey): boolean {
  if (!isFrom(signature, key)) return false;
  if (key.type === NOTE_ED25519) return signature.signature.length === 64 && verifyEd25519(utf8ToBytes(text), signature.signature, key.publicKey);
  if (signature.signature.length !== 8 + 64) return false;
  return verifyEd25519(cosignatureMessage(text, cosignatureTime(signature)), signature.signature.subarray(8), key.publicKey);
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  assertKeyName(checkpoint.origin, 'origin');
  if (!Number.isSafeInteger(checkpoint.treeSize) || checkpoint.treeSize < 0) throw new RangeError('treeSize: expected a count');
  if (checkpoint.rootHash.length !== 32) throw new RangeError('rootHash: expected 32 bytes');
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${bytesToBase64(checkpoint.rootHash)}\n`;
}

/** A checkpoint's text, strictly: origin, size without leading zeros, a 32-byte root; no extension lines (we write none). */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw new MalformedNoteError('checkpoint lines');
  const [origin, size, root] = lines as [string, string, string];
  if (origin.length === 0 || !/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) throw new MalformedNoteError('checkpoint');
  let rootHash: Uint8Array;
  try {
    rootHash = base64ToBytes(root, 'root hash');
  } catch {
    throw new MalformedNoteError('checkpoint root hash');
  }
  if (rootHash.length !== 32) throw new MalformedNoteError('checkpoint root hash');
  return { origin, treeSize: Number(size), rootHash };
}

/**
 * The key log's origin line: fixed by the server's long-term signing key
 * (the one clients pin), so a client, a witness and the server all know it
 * without being told: "peerlock/key-log/" ‖ hex(SHA-256(signing key))[:16].
 */
export function keyLogOrigin(serverSigningKey: Uint8Array): string {
  const hash = sha256(serverSigningKey);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += hash[i]!.toString(16).padStart(2, '0');
  return `peerlock/key-log/${hex}`;
}

/** The key the server signs its checkpoints with, as a note key (type 0x01, named after the origin). */
export function keyLogNoteKey(serverSigningKey: Uint8Array): NoteKey {
  return noteKey(keyLogOrigin(serverSigningKey), NOTE_ED25519, serverSigningKey);
}

/** Two notes with the same checkpoint text are the same statement, whatever their signatures. */
export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return a.origin === b.origin && a.treeSize === b.treeSize && equalBytes(a.rootHash, b.rootHash);
}

