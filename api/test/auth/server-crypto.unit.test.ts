/**
 * The server's protocol pieces, checked against the SDK (the client's code)
 * and against published vectors: signed ephemeral keys, sealed state, key
 * challenges, token format, TOTP (RFC 6238 Appendix B), one-time codes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  authorizationHeader,
  bytesToBase64,
  deriveAuthKeyPair,
  keyPairFromSecretKey,
  openAuthChallenge,
  openIdentityChallenge,
  openToken,
  randomBytes,
  verifyServerKey,
  DecryptionError,
} from '@peerlock/sdk';
import { ServerKeys } from '../../src/auth/server-keys.js';
import { StateSealer } from '../../src/auth/sealed-state.js';
import { issueKeyChallenge, verifyKeyChallenge } from '../../src/auth/key-challenge.js';
import { newToken, parseAuthorization } from '../../src/auth/tokens.js';
import { PeerlockError } from '../../src/errors.js';
import { matchingTimeSteps, timeStepAt, totpCodeAt } from '../../src/twofactor/totp.js';
import { OneTimeCodes } from '../../src/twofactor/one-time-codes.js';

const secrets = { signingSeed: randomBytes(32), rootKey: randomBytes(32) };
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof PeerlockError ? err.code : `not a PeerlockError: ${String(err)}`;
  }
  return undefined;
};

describe('server keys', () => {
  const keys = new ServerKeys(secrets);

  it("signs today's ephemeral key so that the SDK verifies it against the pinned long-term key", () => {
    const e = keys.ephemeral(NOW);
    expect(verifyServerKey({ publicKey: e.keyPair.publicKey, validFrom: e.validFrom, validUntil: e.validUntil, signature: e.signature }, keys.signingPublicKey, NOW / 1000)).toEqual(e.keyPair.publicKey);
    expect(e.validFrom).toBe(Date.parse('2026-06-01T00:00:00Z') / 1000);
    expect(e.validUntil - e.validFrom).toBe(86_400 + 3_600);
  });

  it('every node with the same secrets computes the same daily key; the next day has another', () => {
    const other = new ServerKeys({ signingSeed: secrets.signingSeed.slice(), rootKey: secrets.rootKey.slice() });
    expect(other.ephemeral(NOW).keyPair.publicKey).toEqual(keys.ephemeral(NOW + 3_600_000).keyPair.publicKey);
    expect(other.signingPublicKey).toEqual(keys.signingPublicKey);
    expect(keys.ephemeral(NOW + 86_400_000).keyPair.publicKey).not.toEqual(keys.ephemeral(NOW).keyPair.publicKey);
  });

  it('a signature from other secrets does not verify against the pinned key', () => {
    const rogue = new ServerKeys({ signingSeed: randomBytes(32), rootKey: randomBytes(32) }).ephemeral(NOW);
    expect(() => verifyServerKey({ publicKey: rogue.keyPair.publicKey, validFrom: rogue.validFrom, validUntil: rogue.validUntil, signature: rogue.signature }, keys.signingPublicKey, NOW / 1000)).toThrow(DecryptionError);
  });

  it('tokens boxed by the server open with the SDK and the auth key only', () => {
    const identity = keyPairFromSecretKey(randomBytes(32));
    const auth = deriveAuthKeyPair(identity.secretKey);
    const token = newToken();
    const boxed = keys.boxTo(auth.publicKey, token, NOW);
    const server = keys.ephemeral(NOW).keyPair.publicKey;
    expect(openToken(boxed, server, auth.secretKey)).toEqual(token);
    expect(() => openToken(boxed, server, identity.secretKey)).toThrow(DecryptionError);
    expect(() => openIdentityChallenge(keys.boxTo(identity.publicKey, token, NOW), server, identity.secretKey)).toThrow(DecryptionError);
  });
});

describe('sealed state', () => {
  const sealer = new StateSealer(secrets.rootKey);

  it('round-trips within its lifetime, for its purpose only', () => {
    const s = sealer.seal('signup', { a: 1 }, NOW + 60_000);
    expect(sealer.open('signup', s, NOW)).toMatchObject({ a: 1, exp: NOW + 60_000 });
    expect(codeOf(() => sealer.open('key-rotation', s, NOW))).toBe('CHALLENGE_INVALID');
    expect(codeOf(() => sealer.open('signup', s, NOW + 60_000))).toBe('CHALLENGE_INVALID');
    expect(codeOf(() => new StateSealer(randomBytes(32)).open('signup', s, NOW))).toBe('CHALLENGE_INVALID');
  });

  it('any change to the sealed string is refused (CHALLENGE_INVALID, or BAD_INPUT when it is not even shaped like one)', () => {
    const s = sealer.seal('signup', { username: 'alice', n: 42 }, NOW + 60_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: s.length - 1 }), fc.constantFrom(...'ABCabc019-_.'), (i, ch) => {
        fc.pre(s[i] !== ch);
        const changed = s.slice(0, i) + ch + s.slice(i + 1);
        let payload: unknown = null;
        const code = codeOf(() => {
          payload = sealer.open('signup', changed, NOW);
        });
        // base64url is not canonical in its last character's low bits: a change that decodes to the same bytes is the same blob.
        if (code === undefined) expect(payload).toMatchObject({ username: 'alice', n: 42 });
        else expect(['CHALLENGE_INVALID', 'BAD_INPUT']).toContain(code);
      }),
      { numRuns: 300 },
    );
  });
});

describe('key challenge', () => {
  const keys = new ServerKeys(secrets);
  const sealer = new StateSealer(secrets.rootKey);
  const identity = keyPairFromSecretKey(randomBytes(32));
  const auth = deriveAuthKeyPair(identity.secretKey);

  it('is answered by the SDK with both keys, and by nothing else', () => {
    const c = issueKeyChallenge(keys, sealer, 'signup', { username: 'alice' }, identity.publicKey, auth.publicKey, NOW);
    const server = c.serverKey.keyPair.publicKey;
    const idAnswer = openIdentityChallenge(c.identityChallenge, server, identity.secretKey);
    const authAnswer = openAuthChallenge(c.authChallenge, server, auth.secretKey);
    expect(verifyKeyChallenge(sealer, 'signup', c.sealedState, idAnswer, authAnswer, NOW + 59_999)).toEqual({ username: 'alice' });
    expect(codeOf(() => verifyKeyChallenge(sealer, 'signup', c.sealedState, idAnswer, authAnswer, NOW + 60_000))).toBe('CHALLENGE_INVALID');
    expect(codeOf(() => verifyKeyChallenge(sealer, 'signup', c.sealedState, authAnswer, idAnswer, NOW))).toBe('CHALLENGE_INVALID');
    expect(codeOf(() => verifyKeyChallenge(sealer, 'signup', c.sealedState, idAnswer, randomBytes(32), NOW))).toBe('CHALLENGE_INVALID');
    expect(codeOf(() => verifyKeyChallenge(sealer, 'key-rotation', c.sealedState, idAnswer, authAnswer, NOW))).toBe('CHALLENGE_INVALID');
  });

  it('the sealed state holds hashes, never the challenges', () => {
    const c = issueKeyChallenge(keys, sealer, 'signup', { username: 'alice' }, identity.publicKey, auth.publicKey, NOW);
    const answer = openIdentityChallenge(c.identityChallenge, c.serverKey.keyPair.publicKey, identity.secretKey);
    const payload = Buffer.from(c.sealedState.split('.')[1]!, 'base64url').toString();
    expect(payload).not.toContain(bytesToBase64(answer));
    expect(payload).not.toContain(Buffer.from(answer).toString('hex'));
  });
});

describe('Authorization header', () => {
  it('parses what the SDK writes, and nothing else', () => {
    const token = newToken();
    expect(parseAuthorization(authorizationHeader('Alice_1', token))).toEqual({ username: 'alice_1', token });
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        expect(parseAuthorization(s)).toBeNull();
      }),
      { numRuns: 500 },
    );
    const notAT = randomBytes(32);
    notAT[0] = 0x41;
    notAT[1] = 0x43;
    expect(parseAuthorization(`Peerlock alice ${bytesToBase64(notAT)}`)).toBeNull();
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA-1, 6-digit truncation of the 8-digit vectors)', () => {
  // The RFC's SHA-1 seed is ASCII "12345678901234567890"; this is its base32.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const vectors: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];

  it('generates the RFC vectors', () => {
    for (const [t, code] of vectors) expect(totpCodeAt(secret, Math.floor(t / 30))).toBe(code);
  });

  it('matches within ±1 step and no further', () => {
    const now = 1111111111_000;
    const step = timeStepAt(now);
    expect(matchingTimeSteps(secret, totpCodeAt(secret, step - 1), now)).toEqual([step - 1]);
    expect(matchingTimeSteps(secret, totpCodeAt(secret, step + 1), now)).toEqual([step + 1]);
    expect(matchingTimeSteps(secret, totpCodeAt(secret, step + 2), now)).toEqual([]);
    expect(matchingTimeSteps(secret, '12345', now)).toEqual([]);
    expect(matchingTimeSteps(secret, '12345a', now)).toEqual([]);
  });
});

describe('one-time codes', () => {
  const codes = new OneTimeCodes(secrets.rootKey);

  it('10 distinct backup codes and a recovery code, hashed per user, normalised before hashing', () => {
    const backup = codes.newBackupCodes();
    expect(backup).toHaveLength(10);
    for (const c of backup) expect(c).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(codes.newRecoveryCode()).toMatch(/^([A-Z2-7]{5}-){5}[A-Z2-7]$/);
    const c = backup[0]!;
    expect(codes.hashBackupCode('alice', c.toLowerCase().replace('-', ' '))).toBe(codes.hashBackupCode('alice', c));
    expect(codes.hashBackupCode('bob', c)).not.toBe(codes.hashBackupCode('alice', c));
    expect(new OneTimeCodes(randomBytes(32)).hashBackupCode('alice', c)).not.toBe(codes.hashBackupCode('alice', c));
    expect(codes.hashBackupCode('alice', 'ABCDE-ABCD1')).toBeNull();
    expect(codes.hashBackupCode('alice', 'ABCDE')).toBeNull();
    expect(codes.hashRecoveryCode('alice', c)).toBeNull();
  });
});

describe('precomputed box (crypto_box_beforenm/afternm)', () => {
  it('gives exactly the bytes of the SDK box, on random keys and messages', async () => {
    const { boxAfterNm, boxBeforeNm, x25519PrivateKey } = await import('../../src/auth/box-precompute.js');
    const { box } = await import('@peerlock/sdk');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), (a, b, m, n) => {
        const recipient = keyPairFromSecretKey(b).publicKey;
        fc.pre(!recipient.every((x) => x === 0));
        expect(boxAfterNm(m, n, boxBeforeNm(recipient, x25519PrivateKey(a)))).toEqual(box(m, n, recipient, a));
      }),
      { numRuns: 100 },
    );
  });
});
