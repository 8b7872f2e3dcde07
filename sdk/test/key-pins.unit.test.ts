/** Key pins, pin sync and safety numbers: threat T6 (the server substitutes a contact's key). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  acceptKeyChange,
  checkSend,
  compareSafetyQr,
  emptyPinSet,
  encodeMiniLockId,
  forgetPin,
  keyPairFromSecretKey,
  keysValidAt,
  markVerified,
  observeKey,
  openPinSet,
  randomBytes,
  safetyNumber,
  sealPinSet,
  withTreeHead,
} from '../src/index.js';

const newId = () => encodeMiniLockId(keyPairFromSecretKey(randomBytes(32)).publicKey);
const bobKey = newId();
const serverKey = newId();
const rejected = (reason: string) => expect.objectContaining({ code: 'PIN_REJECTED', reason });

describe('pins', () => {
  it('pins on first sight and sends to the pinned key', () => {
    const { set, observation } = observeKey(emptyPinSet, 'Bob', bobKey, 1);
    expect(observation).toBe('pinned');
    expect(set.version).toBe(1);
    expect(checkSend(set, 'bob')).toEqual({ ok: true, miniLockId: bobKey });
    expect(checkSend(set, 'carol')).toEqual({ ok: false, reason: 'unpinned' });
  });

  it('T6: a key the server substitutes blocks sending until the user accepts it', () => {
    let { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    const seen = observeKey(set, 'bob', serverKey, 2);
    expect(seen.observation).toBe('changed');
    set = seen.set;
    expect(checkSend(set, 'bob')).toEqual({ ok: false, reason: 'key-changed' });
    set = acceptKeyChange(set, 'bob', 3);
    expect(checkSend(set, 'bob')).toEqual({ ok: true, miniLockId: serverKey });
  });

  it('the server showing the pinned key again withdraws a pending change', () => {
    let { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    set = observeKey(set, 'bob', serverKey, 2).set;
    set = observeKey(set, 'bob', bobKey, 3).set;
    expect(checkSend(set, 'bob')).toEqual({ ok: true, miniLockId: bobKey });
  });

  it('T6: a verified contact’s key change is a hard stop until the new key is verified', () => {
    let { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    set = markVerified(set, 'bob', bobKey);
    set = observeKey(set, 'bob', serverKey, 2).set;
    expect(checkSend(set, 'bob')).toEqual({ ok: false, reason: 'verified-key-changed' });
    expect(() => acceptKeyChange(set, 'bob', 3)).toThrow(rejected('verified-key-changed'));
    set = acceptKeyChange(set, 'bob', 3, { verifiedNewKey: true });
    expect(set.pins.bob).toMatchObject({ miniLockId: serverKey, verified: true });
  });

  it('refuses to verify a key other than the pinned one', () => {
    const { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    expect(() => markVerified(set, 'bob', serverKey)).toThrow(rejected('key-mismatch'));
    expect(() => markVerified(set, 'carol', serverKey)).toThrow(rejected('not-pinned'));
    expect(() => acceptKeyChange(set, 'bob', 2)).toThrow(rejected('no-pending-change'));
  });

  it('refuses bad usernames and IDs', () => {
    expect(() => observeKey(emptyPinSet, 'bob smith', bobKey, 1)).toThrow(TypeError);
    expect(() => observeKey(emptyPinSet, 'bob', 'not-an-id', 1)).toThrow(expect.objectContaining({ code: 'INVALID_MINILOCK_ID' }));
  });

  it('keeps replaced keys with the time they were replaced, for verifying older messages', () => {
    let { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    set = observeKey(set, 'bob', serverKey, 2).set;
    // Before acceptance, only the pinned key counts: a key merely shown is never valid.
    expect(keysValidAt(set, 'bob', 5)).toEqual([bobKey]);
    set = acceptKeyChange(set, 'bob', 10);
    expect(set.pins.bob?.previous).toEqual([{ miniLockId: bobKey, until: 10 }]);
    expect(keysValidAt(set, 'bob', 9)).toEqual([serverKey, bobKey]);
    expect(keysValidAt(set, 'bob', 10)).toEqual([serverKey]);
    expect(keysValidAt(set, 'carol', 9)).toEqual([]);
  });

  it('forgets a pin', () => {
    const { set } = observeKey(emptyPinSet, 'bob', bobKey, 1);
    expect(checkSend(forgetPin(set, 'bob'), 'bob')).toEqual({ ok: false, reason: 'unpinned' });
  });
});

describe('pin sync through the server', () => {
  const me = keyPairFromSecretKey(randomBytes(32));
  let set = observeKey(emptyPinSet, 'bob', bobKey, 1).set;
  set = markVerified(set, 'bob', bobKey);

  it('another device of the same user opens the set', () => {
    expect(openPinSet(sealPinSet(set, me.secretKey), me.secretKey, 0)).toEqual(set);
  });

  it('the server cannot read or alter it, nor seal one of its own', () => {
    const blob = sealPinSet(set, me.secretKey);
    const bad = blob.slice();
    bad[bad.length - 1]! ^= 1;
    expect(() => openPinSet(bad, me.secretKey, 0)).toThrow(rejected('undecryptable'));
    const forged = sealPinSet(observeKey(emptyPinSet, 'bob', serverKey, 1).set, randomBytes(32));
    expect(() => openPinSet(forged, me.secretKey, 0)).toThrow(rejected('undecryptable'));
  });

  it('carries the key history and refuses a malformed one', () => {
    let withHistory = observeKey(set, 'bob', serverKey, 2).set;
    withHistory = acceptKeyChange(withHistory, 'bob', 3, { verifiedNewKey: true });
    expect(openPinSet(sealPinSet(withHistory, me.secretKey), me.secretKey, 0)).toEqual(withHistory);
    const bad = { ...withHistory, pins: { bob: { ...withHistory.pins.bob!, previous: [{ miniLockId: 'nope', until: 1 }] } } };
    expect(() => openPinSet(sealPinSet(bad, me.secretKey), me.secretKey, 0)).toThrow(rejected('malformed'));
  });

  it('the server cannot roll a device back to an older set', () => {
    const old = sealPinSet(observeKey(emptyPinSet, 'bob', bobKey, 1).set, me.secretKey);
    expect(() => openPinSet(old, me.secretKey, set.version)).toThrow(rejected('rollback'));
  });
});

describe('safety numbers', () => {
  const alice = keyPairFromSecretKey(new Uint8Array(32).fill(1));
  const bob = keyPairFromSecretKey(new Uint8Array(32).fill(2));

  it('are the same on both sides: 12 groups of 5 digits', () => {
    const a = safetyNumber({ username: 'alice', publicKey: alice.publicKey }, { username: 'bob', publicKey: bob.publicKey });
    const b = safetyNumber({ username: 'Bob', publicKey: bob.publicKey }, { username: 'alice', publicKey: alice.publicKey });
    expect(a).toEqual(b);
    expect(a.digits).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(compareSafetyQr(a, b.qrPayload)).toBe(true);
  });

  it('is the construction in safety-number.ts computed independently (node:crypto BLAKE2s, BigInt digits), and stays pinned', () => {
    // h0 = BLAKE2s-256("peerlock-safety/v1" ‖ 0x00 ‖ key ‖ username); 5200 × h = BLAKE2s-256(h ‖ key); six uint40-BE mod 100000.
    const digitsOf = (username: string, key: Uint8Array) => {
      let h = createHash('blake2s256').update(Buffer.concat([Buffer.from('peerlock-safety/v1\0'), key, Buffer.from(username)])).digest();
      for (let i = 0; i < 5200; i++) h = createHash('blake2s256').update(Buffer.concat([h, key])).digest();
      return Array.from({ length: 6 }, (_, k) => String(BigInt(`0x${h.subarray(5 * k, 5 * k + 5).toString('hex')}`) % 100000n).padStart(5, '0'));
    };
    const expected = [...digitsOf('alice', alice.publicKey), ...digitsOf('bob', bob.publicKey)].join(' ');
    const a = safetyNumber({ username: 'alice', publicKey: alice.publicKey }, { username: 'bob', publicKey: bob.publicKey });
    expect(a.digits).toBe(expected);
    expect(a.digits).toBe('38850 25673 72125 89624 98930 58854 29250 96295 95047 55564 75785 75319');
  });

  it('T6: a substituted key changes the number and the QR comparison fails', () => {
    const mallory = keyPairFromSecretKey(new Uint8Array(32).fill(3));
    const real = safetyNumber({ username: 'alice', publicKey: alice.publicKey }, { username: 'bob', publicKey: bob.publicKey });
    const mitm = safetyNumber({ username: 'alice', publicKey: alice.publicKey }, { username: 'bob', publicKey: mallory.publicKey });
    expect(mitm.digits.slice(36)).not.toBe(real.digits.slice(36));
    expect(compareSafetyQr(real, mitm.qrPayload)).toBe(false);
    expect(compareSafetyQr(real, 'garbage')).toBe(false);
  });
});

describe('sealed pin set format 2: the newest key-log tree head rides along', () => {
  const secret = randomBytes(32);
  const head = { version: 3, treeSize: 5, timestamp: '1780000000123', rootHash: 'A'.repeat(43) + '=', signature: 'B'.repeat(86) + '==' };

  it('round-trips the tree head; pin changes keep it; a smaller head never replaces a larger one', () => {
    const set = withTreeHead(observeKey(emptyPinSet, 'bob', bobKey, 1).set, head);
    expect(openPinSet(sealPinSet(set, secret), secret, 0)).toEqual(set);
    expect(observeKey(set, 'carol', serverKey, 2).set.treeHead).toEqual(head);
    expect(withTreeHead(set, { ...head, treeSize: 4 })).toBe(set);
  });

  it('drops a head of an earlier log (no version: leaves naming users; 2: without the newest-key map): the set opens without it; an unknown head version is refused', () => {
    const { version: _, ...legacy } = head;
    for (const old of [legacy, { ...head, version: 2 }]) {
      const set = { ...observeKey(emptyPinSet, 'bob', bobKey, 1).set, treeHead: old };
      const opened = openPinSet(sealPinSet(set as never, secret), secret, 0);
      expect(opened.treeHead).toBeUndefined();
      expect(opened.pins).toEqual(set.pins);
    }
    const set = observeKey(emptyPinSet, 'bob', bobKey, 1).set;
    expect(() => openPinSet(sealPinSet({ ...set, treeHead: { ...head, version: 4 } } as never, secret), secret, 0)).toThrow(rejected('malformed'));
  });

  it('still opens a format 1 set (written before key transparency)', async () => {
    const { secretbox } = await import('../src/crypto/nacl.js');
    const { blake2s } = await import('../src/crypto/blake2s.js');
    const { concatBytes, utf8ToBytes } = await import('../src/crypto/bytes.js');
    const key = blake2s(utf8ToBytes('peerlock/pins/v1'), 32, secret);
    const nonce = randomBytes(24);
    const pins = { bob: { miniLockId: bobKey, pinnedAt: 1, verified: false } };
    const v1 = concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify({ v: 1, version: 3, pins })), nonce, key));
    expect(openPinSet(v1, secret, 0)).toEqual({ version: 3, pins });
    const v1WithHead = concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify({ v: 1, version: 3, pins, treeHead: head })), nonce, key));
    expect(() => openPinSet(v1WithHead, secret, 0)).toThrow(rejected('malformed'));
  });
});

describe('the newest key sequence proven for a contact (DESIGN §6: no stale key)', () => {
  const secret = randomBytes(32);
  it('is recorded on first sight and on a change, only ever goes up, and survives sealing', () => {
    let set = observeKey(emptyPinSet, 'bob', bobKey, 1, 0).set;
    expect(set.pins.bob!.newestKeySequence).toBe(0);
    set = observeKey(set, 'bob', serverKey, 2, 3).set;
    expect(set.pins.bob).toMatchObject({ miniLockId: bobKey, pendingMiniLockId: serverKey, newestKeySequence: 3 });
    // Shown the pinned key again (at a lower sequence the client refuses before it gets here): the mark stays.
    set = observeKey(set, 'bob', bobKey, 3, 1).set;
    expect(set.pins.bob!.newestKeySequence).toBe(3);
    expect(openPinSet(sealPinSet(set, secret), secret, 0)).toEqual(set);
  });
});
