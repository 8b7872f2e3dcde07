/**
 * Witnessed tree heads (DESIGN §6, T13): what a witness co-signs and what a
 * client counts. Checkpoints of real RFC 9162 trees (the slow reference),
 * signed with a log key and co-signed with witness keys; every refusal has
 * its exact reason.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes, utf8ToBytes } from '../src/crypto/bytes.js';
import {
  checkCheckpointToCosign,
  checkWitnessedHead,
  cosign,
  formatCheckpoint,
  formatNote,
  keyLogNoteKey,
  keyLogOrigin,
  noteKey,
  NOTE_COSIGNATURE_V1,
  parseNote,
  signNote,
  type Checkpoint,
} from '../src/keylog/index.js';
import { ed25519PublicKey } from '../src/protocol/ed25519.js';
import { mth, proof } from './support/reference-merkle.js';

const logSeed = randomBytes(32);
const logPublic = ed25519PublicKey(logSeed);
const logKey = keyLogNoteKey(logPublic);
const origin = keyLogOrigin(logPublic);
const leaves = Array.from({ length: 40 }, (_, i) => utf8ToBytes(`key event ${i}`));
const at = (size: number): Checkpoint => ({ origin, treeSize: size, rootHash: mth(leaves.slice(0, size)) });
const note = (c: Checkpoint, seed = logSeed) => {
  const text = formatCheckpoint(c);
  return formatNote(text, [signNote(text, c.origin, seed)]);
};
const witnessSeeds = [randomBytes(32), randomBytes(32), randomBytes(32)];
const witnesses = witnessSeeds.map((seed, i) => noteKey(`witness-${i}.example`, NOTE_COSIGNATURE_V1, ed25519PublicKey(seed)));
/** The log's note with the co-signatures of the witnesses numbered `who`. */
const cosigned = (c: Checkpoint, who: number[], seedOf = (i: number) => witnessSeeds[i]!) => {
  const text = formatCheckpoint(c);
  return formatNote(text, [signNote(text, c.origin, logSeed), ...who.map((i) => cosign(text, witnesses[i]!.name, seedOf(i), 1_790_000_000 + i))]);
};

describe('the witness co-signs one linear history', () => {
  it('takes the first checkpoint on trust, then one that a valid consistency proof extends', () => {
    expect(checkCheckpointToCosign(note(at(5)), logKey, null, null).checkpoint).toEqual(at(5));
    expect(checkCheckpointToCosign(note(at(13)), logKey, at(5), proof(5, leaves.slice(0, 13))).checkpoint).toEqual(at(13));
    // The same checkpoint again (a restart, a second poll) is not a conflict.
    expect(checkCheckpointToCosign(note(at(13)), logKey, at(13), null).checkpoint).toEqual(at(13));
  });

  it('refuses a smaller tree (rollback), another root at the same size (fork), and a larger tree without a valid proof', () => {
    expect(() => checkCheckpointToCosign(note(at(5)), logKey, at(13), null)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_REFUSED', reason: 'rollback', cosignedSize: 13, shownSize: 5 }));
    const forked = { ...at(13), rootHash: mth([...leaves.slice(0, 12), utf8ToBytes('mallory')]) };
    expect(() => checkCheckpointToCosign(note(forked), logKey, at(13), null)).toThrow(expect.objectContaining({ reason: 'fork', cosignedSize: 13, shownSize: 13 }));
    // A tree of 20 whose first 13 leaves are not the co-signed ones: no proof from the honest 13 can verify.
    const rewritten = [...leaves.slice(0, 3), utf8ToBytes('mallory'), ...leaves.slice(4, 20)];
    const other = { origin, treeSize: 20, rootHash: mth(rewritten) };
    expect(() => checkCheckpointToCosign(note(other), logKey, at(13), proof(13, rewritten))).toThrow(expect.objectContaining({ reason: 'bad-consistency-proof', cosignedSize: 13, shownSize: 20 }));
    expect(() => checkCheckpointToCosign(note(at(20)), logKey, at(13), null)).toThrow(expect.objectContaining({ reason: 'bad-consistency-proof' }));
    expect(() => checkCheckpointToCosign(note(at(20)), logKey, at(13), proof(12, leaves.slice(0, 20)))).toThrow(expect.objectContaining({ reason: 'bad-consistency-proof' }));
  });

  it("refuses what the log did not sign, another log's checkpoint, and garbage", () => {
    expect(() => checkCheckpointToCosign(note(at(5), randomBytes(32)), logKey, null, null)).toThrow(expect.objectContaining({ reason: 'signature', shownSize: 5 }));
    const unsigned = formatCheckpoint(at(5)) + '\n— ' + witnesses[0]!.name + ' ' + Buffer.from(randomBytes(76)).toString('base64') + '\n';
    expect(() => checkCheckpointToCosign(unsigned, logKey, null, null)).toThrow(expect.objectContaining({ reason: 'signature' }));
    const elsewhere = { ...at(5), origin: 'example.com/other-log' };
    expect(() => checkCheckpointToCosign(note(elsewhere), logKey, null, null)).toThrow(expect.objectContaining({ reason: 'malformed' }));
    for (const junk of ['', 'hello\n', `${origin}\n5\n`, `${origin}\n05\n${formatCheckpoint(at(5)).split('\n')[2]}\n\n— x AAAA\n`]) {
      expect(() => checkCheckpointToCosign(junk, logKey, null, null)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_REFUSED', reason: 'malformed' }));
    }
  });
});

describe('a client counts k of its n witnesses', () => {
  const head = (c: Checkpoint) => ({ treeSize: c.treeSize, rootHash: c.rootHash });

  it('k valid co-signatures from configured witnesses: the head counts, and says who vouched', () => {
    expect(checkWitnessedHead(cosigned(at(9), [0, 2]), logKey, head(at(9)), witnesses, 2).sort()).toEqual([witnesses[0]!.name, witnesses[2]!.name]);
    expect(checkWitnessedHead(cosigned(at(9), [0, 1, 2]), logKey, head(at(9)), witnesses, 3)).toHaveLength(3);
  });

  it('k = 0 is the single-node default: no note needed', () => {
    expect(checkWitnessedHead(null, logKey, head(at(9)), [], 0)).toEqual([]);
  });

  it('too few → TooFewCosignatures, whatever else the note carries', () => {
    expect(() => checkWitnessedHead(cosigned(at(9), [1]), logKey, head(at(9)), witnesses, 2)).toThrow(expect.objectContaining({ code: 'TOO_FEW_COSIGNATURES', required: 2, valid: 1, treeSize: 9 }));
    // A co-signature by a key with a configured witness's name but another key does not count.
    expect(() => checkWitnessedHead(cosigned(at(9), [0, 1], (i) => (i === 1 ? randomBytes(32) : witnessSeeds[i]!)), logKey, head(at(9)), witnesses, 2)).toThrow(
      expect.objectContaining({ code: 'TOO_FEW_COSIGNATURES', valid: 1 }),
    );
    // The same witness twice counts once.
    const text = formatCheckpoint(at(9));
    const twice = formatNote(text, [signNote(text, origin, logSeed), cosign(text, witnesses[0]!.name, witnessSeeds[0]!, 1), cosign(text, witnesses[0]!.name, witnessSeeds[0]!, 2)]);
    expect(() => checkWitnessedHead(twice, logKey, head(at(9)), witnesses, 2)).toThrow(expect.objectContaining({ valid: 1 }));
    // Witnesses not in this client's configuration count for nothing.
    expect(() => checkWitnessedHead(cosigned(at(9), [0, 1, 2]), logKey, head(at(9)), witnesses.slice(0, 1), 2)).toThrow(expect.objectContaining({ valid: 1 }));
  });

  it('co-signatures of another tree do not carry over: a forked head with copied lines has none', () => {
    const honest = parseNote(cosigned(at(9), [0, 1, 2]));
    const forked = { ...at(9), rootHash: randomBytes(32) };
    const text = formatCheckpoint(forked);
    const copied = formatNote(text, [signNote(text, origin, logSeed), ...honest.signatures.slice(1)]);
    expect(() => checkWitnessedHead(copied, logKey, head(forked), witnesses, 1)).toThrow(expect.objectContaining({ code: 'TOO_FEW_COSIGNATURES', valid: 0 }));
  });

  it('a note that is not the log-signed checkpoint of exactly this head → TreeHeadSignatureInvalid', () => {
    expect(() => checkWitnessedHead(null, logKey, head(at(9)), witnesses, 1)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }));
    expect(() => checkWitnessedHead(cosigned(at(8), [0, 1]), logKey, head(at(9)), witnesses, 1)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }));
    expect(() => checkWitnessedHead(note(at(9), randomBytes(32)), logKey, head(at(9)), witnesses, 1)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }));
    expect(() => checkWitnessedHead('not a note', logKey, head(at(9)), witnesses, 1)).toThrow(expect.objectContaining({ code: 'TREE_HEAD_SIGNATURE_INVALID' }));
  });
});
