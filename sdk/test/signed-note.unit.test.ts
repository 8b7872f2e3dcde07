/**
 * C2SP signed notes, checkpoints and cosignature/v1, against published
 * vectors: golang.org/x/mod/sumdb/note's PeterNeumann key and note (Ed25519
 * is deterministic, so signing must give the published bytes), the
 * c2sp.org/signed-note example, and transparency-dev's cosignature/v1 key
 * and timestamp. Then what a verifier refuses.
 */
import { describe, expect, it } from 'vitest';
import { base64ToBytes, randomBytes, utf8ToBytes } from '../src/crypto/bytes.js';
import {
  cosign,
  cosignatureTime,
  formatCheckpoint,
  formatNote,
  formatVerifierKey,
  isFrom,
  MalformedNoteError,
  noteKey,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signNote,
  verifyNoteSignature,
} from '../src/keylog/signed-note.js';
import { ed25519PublicKey } from '../src/protocol/ed25519.js';

const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SEED = base64ToBytes('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz').slice(1); // PRIVATE+KEY+PeterNeumann+c74f20a3+…: 0x01 ‖ seed
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const ENOCH_LINE = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const COSIGNER_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const COSIGNATURE = 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';

describe('C2SP signed notes: published vectors', () => {
  it('Go sumdb/note: the seed gives the published verifier key, and signing gives the published note byte for byte', () => {
    const key = parseVerifierKey(GO_VKEY);
    expect(key).toMatchObject({ name: 'PeterNeumann', type: NOTE_ED25519, keyId: 0xc74f20a3 });
    expect(ed25519PublicKey(GO_SEED)).toEqual(key.publicKey);
    expect(formatVerifierKey(key)).toBe(GO_VKEY);
    expect(formatNote(GO_TEXT, [signNote(GO_TEXT, 'PeterNeumann', GO_SEED)])).toBe(GO_NOTE);
    const { text, signatures } = parseNote(GO_NOTE);
    expect(text).toBe(GO_TEXT);
    expect(verifyNoteSignature(text, signatures[0]!, key)).toBe(true);
    expect(verifyNoteSignature(text.replace('cryptography', 'cryptographY'), signatures[0]!, key)).toBe(false);
  });

  it('a signature from an unknown key (EnochRoot) is not PeterNeumann’s: ignored, not failed', () => {
    const { signatures } = parseNote(GO_NOTE + ENOCH_LINE);
    const peter = parseVerifierKey(GO_VKEY);
    expect(signatures.map((s) => isFrom(s, peter))).toEqual([true, false]);
  });

  it('the c2sp.org/signed-note example verifies under its verifier key', () => {
    const key = parseVerifierKey(SPEC_VKEY);
    const { text, signatures } = parseNote(SPEC_NOTE);
    expect(text).toBe('This is an example message.\n');
    expect(verifyNoteSignature(text, signatures[0]!, key)).toBe(true);
  });

  it('cosignature/v1: the key ID derives with type 0x04, and the published cosignature states its time', () => {
    expect(parseVerifierKey(COSIGNER_VKEY)).toMatchObject({ name: 'remora.n621.de', type: NOTE_COSIGNATURE_V1, keyId: 0xda77ade7 });
    const { signatures } = parseNote(`text\n\n— remora.n621.de ${COSIGNATURE}\n`);
    expect(cosignatureTime(signatures[0]!)).toBe(1727964367);
  });
});

describe('checkpoints signed by a log and co-signed by witnesses', () => {
  const logSeed = randomBytes(32);
  const witnessSeed = randomBytes(32);
  const log = noteKey('peerlock.example/key-log', NOTE_ED25519, ed25519PublicKey(logSeed));
  const witness = noteKey('witness.example/w1', NOTE_COSIGNATURE_V1, ed25519PublicKey(witnessSeed));
  const checkpoint = { origin: 'peerlock.example/key-log', treeSize: 20852163, rootHash: randomBytes(32) };

  it('round trip: the log signs, a witness co-signs, both verify; each signature only for its own key', () => {
    const text = formatCheckpoint(checkpoint);
    const note = formatNote(text, [signNote(text, log.name, logSeed), cosign(text, witness.name, witnessSeed, 1_800_000_000)]);
    const parsed = parseNote(note);
    expect(parseCheckpoint(parsed.text)).toEqual(checkpoint);
    const [bySigner, byWitness] = parsed.signatures as [never, never];
    expect([verifyNoteSignature(parsed.text, bySigner, log), verifyNoteSignature(parsed.text, byWitness, witness)]).toEqual([true, true]);
    expect([verifyNoteSignature(parsed.text, byWitness, log), verifyNoteSignature(parsed.text, bySigner, witness)]).toEqual([false, false]);
    expect(cosignatureTime(byWitness)).toBe(1_800_000_000);
  });

  it('a co-signature does not carry over to another head, nor to another time', () => {
    const text = formatCheckpoint(checkpoint);
    const signature = cosign(text, witness.name, witnessSeed, 1_800_000_000);
    const forked = formatCheckpoint({ ...checkpoint, rootHash: randomBytes(32) });
    expect(verifyNoteSignature(forked, signature, witness)).toBe(false);
    const retimed = { ...signature, signature: signature.signature.slice() };
    retimed.signature[7]! ^= 1;
    expect(verifyNoteSignature(text, retimed, witness)).toBe(false);
  });

  it.each([
    ['no signature lines', 'a\nb\n'],
    ['no final newline', 'text\n\n— k AAAAAAA='],
    ['a control character', 'te\txt\n\n— k AAAAAAA=\n'],
    ['a line without the em dash', 'text\n\n- k AAAAAAA=\n'],
    ['a name with a plus', 'text\n\n— a+b AAAAAAA=\n'],
    ['a signature too short for a key ID', 'text\n\n— k AAAA\n'],
    ['bad base64', 'text\n\n— k AAAA!AA=\n'],
  ])('a note with %s is refused', (_, note) => {
    expect(() => parseNote(note)).toThrow(MalformedNoteError);
  });

  it.each([
    ['leading zeros', 'o\n012\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'],
    ['a short root', 'o\n12\nAAAA\n'],
    ['an extension line', 'o\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n'],
    ['no final newline', 'o\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ])('a checkpoint with %s is refused', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(MalformedNoteError);
  });

  it('a verifier key whose ID does not match its name and key is refused', () => {
    expect(() => parseVerifierKey(GO_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(MalformedNoteError);
    expect(() => parseVerifierKey(GO_VKEY.replace('PeterNeumann', 'PeterNeumanm'))).toThrow(MalformedNoteError);
    expect(() => parseVerifierKey('name+00000000+' + Buffer.from(utf8ToBytes('x')).toString('base64'))).toThrow(MalformedNoteError);
  });
});
