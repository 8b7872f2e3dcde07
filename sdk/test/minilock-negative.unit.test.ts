/**
 * Bad input never crashes or hangs: a table over every exported function of
 * the miniLock module. Wrong types → TypeError, wrong lengths → RangeError
 * (naming the argument), bad files → MalformedFileError with a reason,
 * NotARecipientError or DecryptionError. Errors are matched on class and
 * code/reason, never on message text.
 */
import { describe, expect, it } from 'vitest';
import {
  forgetLongTermKey,
  box,
  bytesToBase64,
  concatBytes,
  decodeHeader,
  decryptChunks,
  decryptChunkStream,
  decryptFile,
  decryptStream,
  decryptToSink,
  DecryptionError,
  encodeMiniLockId,
  encryptFile,
  encryptFileParts,
  encryptStream,
  InvalidMiniLockIdError,
  keyPairFromSecretKey,
  MalformedFileError,
  NotARecipientError,
  openHeader,
  rewrapHeader,
  splitFile,
  utf8ToBytes,
  type FileInfo,
} from '../src/index.js';
import { collect, identities, loadVector } from './minilock-fixtures.js';

const { alice, bob, carol } = identities;
const v = loadVector('v1-alice-to-bob-carol');
const { header: vHeader, chunks: vChunks } = splitFile(v.minilock);
const good = { senderSecretKey: alice.secretKey, recipients: [bob.id] };
const fileInfo: FileInfo = openHeader(vHeader, bob.secretKey).fileInfo;

// A header around any JSON text.
function rawHeader(json: string | Uint8Array, declaredLength?: number): Uint8Array {
  const body = typeof json === 'string' ? utf8ToBytes(json) : json;
  const out = new Uint8Array(12 + body.length);
  out.set(utf8ToBytes('miniLock'));
  new DataView(out.buffer).setUint32(8, declaredLength ?? body.length, true);
  out.set(body, 12);
  return out;
}

const ephemeralSecret = new Uint8Array(32).fill(9);
const ephemeralPublic = keyPairFromSecretKey(ephemeralSecret).publicKey;
const nonce = new Uint8Array(24).fill(3);

/** A header with one entry for bob whose decryptInfo plaintext we choose (the attacker controls the ephemeral key). */
function entryHeader(decryptInfo: string | object, ephemeral = bytesToBase64(ephemeralPublic)): Uint8Array {
  const text = typeof decryptInfo === 'string' ? decryptInfo : JSON.stringify(decryptInfo);
  const entry = box(utf8ToBytes(text), nonce, bob.publicKey, ephemeralSecret);
  return rawHeader(JSON.stringify({ version: 1, ephemeral, decryptInfo: { [bytesToBase64(nonce)]: bytesToBase64(entry) } }));
}
function fileInfoBox(json: string, from = alice.secretKey): string {
  return bytesToBase64(box(utf8ToBytes(json), nonce, bob.publicKey, from));
}
const goodFileInfoJson = JSON.stringify({ fileKey: bytesToBase64(fileInfo.fileKey), fileNonce: bytesToBase64(fileInfo.fileNonce), fileHash: bytesToBase64(fileInfo.fileHash) });
const ok = entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson) });

const b64 = (n: number, fill = 1) => bytesToBase64(new Uint8Array(n).fill(fill));
const eph = b64(32, 5);
const headerJson = (o: object) => rawHeader(JSON.stringify(o));
const lowOrder = new Uint8Array(32); // the point u = 0
const topBit = alice.publicKey.slice();
topBit[31]! |= 0x80;

type Expected =
  | { type: 'TypeError' }
  | { type: 'RangeError' }
  | { code: 'MALFORMED_FILE'; reason: MalformedFileError['reason'] }
  | { code: 'NOT_A_RECIPIENT' }
  | { code: 'DECRYPTION_FAILED' }
  | { code: 'INVALID_MINILOCK_ID' };

const malformed = (reason: MalformedFileError['reason']): Expected => ({ code: 'MALFORMED_FILE', reason });

// Header-level cases run through openHeader, decodeHeader (when no key is needed), decryptFile and decryptStream.
// (The first cases are too short to stand as the front of a whole file.)
const standaloneCases: [string, Uint8Array, Expected][] = [
  ['empty input', new Uint8Array(0), malformed('truncated')],
  ['magic only', utf8ToBytes('miniLock'), malformed('truncated')],
];
const headerCases: [string, Uint8Array, Expected][] = [
  ['wrong magic', concatBytes(utf8ToBytes('miniLocx'), v.minilock.subarray(8)), malformed('magic')],
  ['short wrong magic', utf8ToBytes('PK'), malformed('magic')],
  ['header length 0', rawHeader('', 0), malformed('header-length')],
  ['header length over 16 MiB', rawHeader('{}', 16 * 1024 * 1024 + 1), malformed('header-length')],
  ['header length 0xffffffff', rawHeader('{}', 0xffffffff), malformed('header-length')],
  ['header length beyond the data', rawHeader('{}', 1000), malformed('truncated')],
  ['not JSON', rawHeader('{"version":1,'), malformed('header-json')],
  ['JSON array', rawHeader('[1]'), malformed('header-json')],
  ['JSON number', rawHeader('1'), malformed('header-json')],
  ['JSON null', rawHeader('null'), malformed('header-json')],
  ['invalid UTF-8', rawHeader(new Uint8Array([0x7b, 0xff, 0x7d])), malformed('header-json')],
  ['version 3', headerJson({ version: 3, ephemeral: eph, decryptInfo: { [b64(24)]: b64(100) } }), malformed('version')],
  ['version 0', headerJson({ version: 0, ephemeral: eph, decryptInfo: { [b64(24)]: b64(100) } }), malformed('version')],
  ['version "1"', headerJson({ version: '1', ephemeral: eph, decryptInfo: { [b64(24)]: b64(100) } }), malformed('version')],
  ['no version', headerJson({ ephemeral: eph, decryptInfo: { [b64(24)]: b64(100) } }), malformed('version')],
  ['no ephemeral', headerJson({ version: 1, decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral a number', headerJson({ version: 1, ephemeral: 5, decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral 31 bytes', headerJson({ version: 1, ephemeral: b64(31), decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral 33 bytes', headerJson({ version: 1, ephemeral: b64(33), decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral bad base64', headerJson({ version: 1, ephemeral: eph.replace('B', '*'), decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral non-canonical base64', headerJson({ version: 1, ephemeral: eph.slice(0, 42) + 'F=', decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral small order', headerJson({ version: 1, ephemeral: bytesToBase64(lowOrder), decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['ephemeral with bit 255', headerJson({ version: 1, ephemeral: bytesToBase64(topBit), decryptInfo: { [b64(24)]: b64(100) } }), malformed('ephemeral')],
  ['no decryptInfo', headerJson({ version: 1, ephemeral: eph }), malformed('header-field')],
  ['decryptInfo an array', headerJson({ version: 1, ephemeral: eph, decryptInfo: [b64(100)] }), malformed('header-field')],
  ['decryptInfo a string', headerJson({ version: 1, ephemeral: eph, decryptInfo: 'x' }), malformed('header-field')],
  ['decryptInfo empty', headerJson({ version: 1, ephemeral: eph, decryptInfo: {} }), malformed('recipient-count')],
  [
    'decryptInfo with 257 entries',
    headerJson({ version: 1, ephemeral: eph, decryptInfo: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [bytesToBase64(new Uint8Array(24).fill(i & 0xff).map((x, j) => (j === 0 ? i >> 8 : x))), b64(100)])) }),
    malformed('recipient-count'),
  ],
  ['nonce 23 bytes', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(23)]: b64(100) } }), malformed('decrypt-info')],
  ['nonce not base64', headerJson({ version: 1, ephemeral: eph, decryptInfo: { ['!'.repeat(32)]: b64(100) } }), malformed('decrypt-info')],
  ['entry a number', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: 5 } }), malformed('decrypt-info')],
  ['entry an object', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: {} } }), malformed('decrypt-info')],
  ['entry shorter than a MAC', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: b64(15) } }), malformed('decrypt-info')],
  ['entry over 4 KiB', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: b64(5000) } }), malformed('decrypt-info')],
  ['entry with whitespace', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: ' ' + b64(100) } }), malformed('decrypt-info')],
];

// Cases that need bob's key to reach: the contents of his (attacker-made) entry.
const entryCases: [string, Uint8Array, Expected][] = [
  ['entry that opens for nobody here', headerJson({ version: 1, ephemeral: eph, decryptInfo: { [b64(24)]: b64(100) } }), { code: 'NOT_A_RECIPIENT' }],
  ['entry naming another recipient', entryHeader({ senderID: alice.id, recipientID: carol.id, fileInfo: fileInfoBox(goodFileInfoJson) }), { code: 'NOT_A_RECIPIENT' }],
  ['entry without recipientID', entryHeader({ senderID: alice.id, fileInfo: fileInfoBox(goodFileInfoJson) }), { code: 'NOT_A_RECIPIENT' }],
  ['entry not JSON', entryHeader('{"senderID":'), malformed('decrypt-info')],
  ['entry a JSON string', entryHeader('"x"'), malformed('decrypt-info')],
  ['senderID missing', entryHeader({ recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson) }), malformed('sender-id')],
  ['senderID bad checksum', entryHeader({ senderID: alice.id.slice(0, -1) + 'j', recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson) }), malformed('sender-id')],
  ['senderID a number', entryHeader({ senderID: 7, recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson) }), malformed('sender-id')],
  ['senderID small order', entryHeader({ senderID: encodeMiniLockId(lowOrder), recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson) }), malformed('sender-id')],
  ['fileInfo missing', entryHeader({ senderID: alice.id, recipientID: bob.id }), malformed('decrypt-info')],
  ['fileInfo not base64', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: '%%%%' }), malformed('decrypt-info')],
  ['fileInfo too short', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: b64(3) }), { code: 'DECRYPTION_FAILED' }],
  ['fileInfo boxed by someone else than senderID', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(goodFileInfoJson, carol.secretKey) }), { code: 'DECRYPTION_FAILED' }],
  ['fileInfo not JSON', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox('{') }), malformed('file-info')],
  ['fileInfo without fileHash', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(JSON.stringify({ fileKey: b64(32), fileNonce: b64(16) })) }), malformed('file-info')],
  ['fileKey 31 bytes', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(JSON.stringify({ fileKey: b64(31), fileNonce: b64(16), fileHash: b64(32) })) }), malformed('file-info')],
  ['fileNonce 24 bytes', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(JSON.stringify({ fileKey: b64(32), fileNonce: b64(24), fileHash: b64(32) })) }), malformed('file-info')],
  ['fileHash a number', entryHeader({ senderID: alice.id, recipientID: bob.id, fileInfo: fileInfoBox(JSON.stringify({ fileKey: b64(32), fileNonce: b64(16), fileHash: 1 })) }), malformed('file-info')],
];

function check(error: unknown, expected: Expected): void {
  if ('type' in expected) {
    expect(error).toBeInstanceOf(expected.type === 'TypeError' ? TypeError : RangeError);
    return;
  }
  const classes = { MALFORMED_FILE: MalformedFileError, NOT_A_RECIPIENT: NotARecipientError, DECRYPTION_FAILED: DecryptionError, INVALID_MINILOCK_ID: InvalidMiniLockIdError };
  expect(error).toBeInstanceOf(classes[expected.code]);
  expect((error as { code: string }).code).toBe(expected.code);
  if ('reason' in expected) expect((error as MalformedFileError).reason).toBe(expected.reason);
}

async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('malformed headers', () => {
  it('the crafted well-formed entry opens (the harness itself is right)', () => {
    expect(openHeader(ok, bob.secretKey).senderID).toBe(alice.id);
  });

  it.each(standaloneCases)('%s', async (_, header, expected) => {
    check(await errorOf(() => decodeHeader(header)), expected);
    check(await errorOf(() => openHeader(header, bob.secretKey)), expected);
    check(await errorOf(() => decryptFile(header, bob.secretKey)), expected);
    check(await errorOf(() => decryptStream([header], bob.secretKey)), expected);
  });

  it.each(headerCases)('%s', async (_, header, expected) => {
    check(await errorOf(() => decodeHeader(header)), expected);
    check(await errorOf(() => openHeader(header, bob.secretKey)), expected);
    check(await errorOf(() => decryptFile(concatBytes(header, vChunks), bob.secretKey)), expected);
    check(await errorOf(() => rewrapHeader(header, bob.secretKey, [carol.id])), expected);
    check(
      await errorOf(async () => collect((await decryptStream([header, vChunks], bob.secretKey)).plaintext)),
      expected,
    );
  });

  it.each(entryCases)('%s', async (_, header, expected) => {
    expect(decodeHeader(header).decryptInfo.length).toBe(1);
    check(await errorOf(() => openHeader(header, bob.secretKey)), expected);
    check(await errorOf(() => decryptFile(concatBytes(header, vChunks), bob.secretKey)), expected);
    check(await errorOf(async () => collect((await decryptStream([header, vChunks], bob.secretKey)).plaintext)), expected);
  });

  it('openHeader and decodeHeader refuse bytes after the header; splitFile keeps them apart', () => {
    check(captureSync(() => openHeader(v.minilock, bob.secretKey)), malformed('trailing-data'));
    check(captureSync(() => decodeHeader(concatBytes(vHeader, new Uint8Array(1)))), malformed('trailing-data'));
    expect(splitFile(v.minilock).chunks.length).toBe(v.minilock.length - vHeader.length);
    check(captureSync(() => splitFile(vHeader.subarray(0, 100))), malformed('truncated'));
  });
});

function captureSync(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const T: Expected = { type: 'TypeError' };
const R: Expected = { type: 'RangeError' };
const bytes = (n: number) => new Uint8Array(n);
const badRandom = () => new Uint8Array(3);

// [function, case, call, expected]
const argumentCases: [string, string, () => unknown, Expected][] = [
  ['encryptFile', 'plaintext a string', () => encryptFile('hi' as never, good), T],
  ['encryptFile', 'plaintext an array', () => encryptFile([1, 2] as never, good), T],
  ['encryptFile', 'no options', () => encryptFile(bytes(1), undefined as never), T],
  ['encryptFile', 'options a string', () => encryptFile(bytes(1), 'x' as never), T],
  ['encryptFile', 'senderSecretKey missing', () => encryptFile(bytes(1), { recipients: [bob.id] } as never), T],
  ['encryptFile', 'senderSecretKey 31 bytes', () => encryptFile(bytes(1), { ...good, senderSecretKey: bytes(31) }), R],
  ['encryptFile', 'senderSecretKey 64 bytes', () => encryptFile(bytes(1), { ...good, senderSecretKey: bytes(64) }), R],
  ['encryptFile', 'recipients a string', () => encryptFile(bytes(1), { ...good, recipients: bob.id as never }), T],
  ['encryptFile', 'recipients empty', () => encryptFile(bytes(1), { ...good, recipients: [] }), R],
  ['encryptFile', 'recipient a number', () => encryptFile(bytes(1), { ...good, recipients: [5 as never] }), T],
  ['encryptFile', 'recipient with a bad checksum', () => encryptFile(bytes(1), { ...good, recipients: [bob.id.slice(0, -1) + 'S'] }), { code: 'INVALID_MINILOCK_ID' }],
  ['encryptFile', 'recipient not base58', () => encryptFile(bytes(1), { ...good, recipients: ['0OIl'] }), { code: 'INVALID_MINILOCK_ID' }],
  ['encryptFile', 'recipient with a small-order key', () => encryptFile(bytes(1), { ...good, recipients: [encodeMiniLockId(lowOrder)] }), R],
  ['encryptFile', 'recipient with bit 255 set', () => encryptFile(bytes(1), { ...good, recipients: [encodeMiniLockId(topBit)] }), R],
  ['encryptFile', '257 recipients', () => encryptFile(bytes(1), { ...good, recipients: Array.from({ length: 257 }, (_, i) => keyId(i)) }), R],
  ['encryptFile', 'fileName a number', () => encryptFile(bytes(1), { ...good, fileName: 5 as never }), T],
  ['encryptFile', 'fileName 257 bytes', () => encryptFile(bytes(1), { ...good, fileName: 'é'.repeat(128) + 'x' }), R],
  ['encryptFile', 'fileName with U+0000', () => encryptFile(bytes(1), { ...good, fileName: 'a\u0000b' }), R],
  ['encryptFile', 'fileName with a lone surrogate', () => encryptFile(bytes(1), { ...good, fileName: 'a\uD800' }), R],
  ['encryptFile', 'version 3', () => encryptFile(bytes(1), { ...good, version: 3 as never }), R],
  ['encryptFile', 'version "2"', () => encryptFile(bytes(1), { ...good, version: '2' as never }), T],
  ['encryptFile', 'mediaType with version 1', () => encryptFile(bytes(1), { ...good, mediaType: 'text/plain' }), R],
  ['encryptFile', 'time with version 1', () => encryptFile(bytes(1), { ...good, time: new Date(0) }), R],
  ['encryptFile', 'mediaType a number', () => encryptFile(bytes(1), { ...good, version: 2, mediaType: 1 as never }), T],
  ['encryptFile', 'mediaType 129 bytes', () => encryptFile(bytes(1), { ...good, version: 2, mediaType: 'x'.repeat(129) }), R],
  ['encryptFile', 'time a string', () => encryptFile(bytes(1), { ...good, version: 2, time: '2014-01-01' as never }), T],
  ['encryptFile', 'time an invalid Date', () => encryptFile(bytes(1), { ...good, version: 2, time: new Date(NaN) }), R],
  ['encryptFile', 'time past year 9999', () => encryptFile(bytes(1), { ...good, version: 2, time: new Date(8.64e15) }), R],
  ['encryptFile', 'backend not a backend', () => encryptFile(bytes(1), { ...good, backend: {} as never }), T],
  ['encryptFile', 'random not a function', () => encryptFile(bytes(1), { ...good, random: 5 as never }), T],
  ['encryptFile', 'random returning too few bytes', () => encryptFile(bytes(1), { ...good, random: badRandom }), R],
  ['encryptFile', 'random returning a string', () => encryptFile(bytes(1), { ...good, random: (() => 'x') as never }), T],
  ['encryptFile', 'random repeating the same bytes', () => encryptFile(bytes(1), { ...good, recipients: [bob.id, carol.id], random: (n) => new Uint8Array(n).fill(1) }), R],
  ['encryptFileParts', 'plaintext null', () => encryptFileParts(null as never, good), T],
  ['encryptFileParts', 'senderSecretKey a string', () => encryptFileParts(bytes(1), { ...good, senderSecretKey: 'k' as never }), T],
  ['encryptStream', 'source a string', () => encryptStream('text' as never, good), T],
  ['encryptStream', 'source a Uint8Array', () => encryptStream(bytes(3) as never, good), T],
  ['encryptStream', 'source a number', () => encryptStream(5 as never, good), T],
  ['encryptStream', 'source null', () => encryptStream(null as never, good), T],
  ['encryptStream', 'pieces that are strings', () => collect(encryptStream(['a'] as never, good).chunks), T],
  ['encryptStream', 'pieces that are numbers', () => collect(encryptStream([[1, 2]] as never, good).chunks), T],
  ['encryptStream', 'reuseBuffers a string', () => encryptStream([bytes(1)], { ...good, reuseBuffers: 'yes' as never }), T],
  ['decryptStream', 'reuseBuffers a number', () => decryptStream([v.minilock], bob.secretKey, { reuseBuffers: 1 as never }), T],
  ['decryptChunkStream', 'reuseBuffers null', () => decryptChunkStream([vChunks], fileInfo, { reuseBuffers: null as never }), T],
  ['encryptStream', 'recipients empty', () => encryptStream([bytes(1)], { ...good, recipients: [] }), R],
  ['encryptStream', 'finish before the chunks were read', () => encryptStream([bytes(1)], good).finish(), { type: 'TypeError' }],
  ['decryptFile', 'file a string', () => decryptFile('miniLock' as never, bob.secretKey), T],
  ['decryptFile', 'secretKey a string', () => decryptFile(v.minilock, 'key' as never), T],
  ['decryptFile', 'secretKey 16 bytes', () => decryptFile(v.minilock, bytes(16)), R],
  ['decryptFile', 'options a number', () => decryptFile(v.minilock, bob.secretKey, 3 as never), T],
  ['decryptFile', 'backend null', () => decryptFile(v.minilock, bob.secretKey, { backend: null as never }), T],
  ['decryptChunks', 'chunks a string', () => decryptChunks('x' as never, fileInfo), T],
  ['decryptChunks', 'fileInfo null', () => decryptChunks(vChunks, null as never), T],
  ['decryptChunks', 'fileInfo.fileKey 16 bytes', () => decryptChunks(vChunks, { ...fileInfo, fileKey: bytes(16) }), R],
  ['decryptChunks', 'fileInfo.fileNonce 24 bytes', () => decryptChunks(vChunks, { ...fileInfo, fileNonce: bytes(24) }), R],
  ['decryptChunks', 'fileInfo.fileHash a string', () => decryptChunks(vChunks, { ...fileInfo, fileHash: 'h' as never }), T],
  ['decryptChunks', 'wrong fileKey', () => decryptChunks(vChunks, { ...fileInfo, fileKey: bytes(32) }), { code: 'DECRYPTION_FAILED' }],
  ['decryptChunks', 'wrong fileHash', () => decryptChunks(vChunks, { ...fileInfo, fileHash: bytes(32) }), { code: 'DECRYPTION_FAILED' }],
  ['decryptChunkStream', 'chunks a number', () => decryptChunkStream(1 as never, fileInfo), T],
  ['decryptChunkStream', 'fileInfo missing', () => decryptChunkStream([vChunks], undefined as never), T],
  ['decryptChunkStream', 'pieces that are not bytes', () => decryptChunkStream([{}] as never, fileInfo), T],
  ['decryptChunkStream', 'wrong fileNonce', () => decryptChunkStream([vChunks], { ...fileInfo, fileNonce: bytes(16) }), { code: 'DECRYPTION_FAILED' }],
  ['decryptStream', 'source a string', () => decryptStream('miniLock' as never, bob.secretKey), T],
  ['decryptStream', 'secretKey 33 bytes', () => decryptStream([v.minilock], bytes(33)), R],
  ['decryptStream', 'secretKey an array', () => decryptStream([v.minilock], [1] as never), T],
  ['decryptStream', 'not a recipient', () => decryptStream([v.minilock], alice.secretKey), { code: 'NOT_A_RECIPIENT' }],
  ['decryptToSink', 'sink null', () => decryptToSink([v.minilock], bob.secretKey, null as never), T],
  ['decryptToSink', 'sink without abort', () => decryptToSink([v.minilock], bob.secretKey, { write() {}, commit() {} } as never), T],
  ['decryptToSink', 'source a number', () => decryptToSink(3 as never, bob.secretKey, { write() {}, commit() {}, abort() {} }), T],
  ['forgetLongTermKey', 'secretKey a string', () => forgetLongTermKey('key' as never), T],
  ['openHeader', 'header a string', () => openHeader('{}' as never, bob.secretKey), T],
  ['openHeader', 'secretKey 31 bytes', () => openHeader(vHeader, bytes(31)), R],
  ['openHeader', 'backend a string', () => openHeader(vHeader, bob.secretKey, { backend: 'libsodium' as never }), T],
  ['decodeHeader', 'header null', () => decodeHeader(null as never), T],
  ['decodeHeader', 'header an ArrayBuffer', () => decodeHeader(new ArrayBuffer(20) as never), T],
  ['splitFile', 'file a string', () => splitFile('miniLock' as never), T],
  ['rewrapHeader', 'source a string', () => rewrapHeader('x' as never, bob.secretKey, [carol.id]), T],
  ['rewrapHeader', 'fileInfo with a short key', () => rewrapHeader({ ...fileInfo, fileKey: bytes(31) }, bob.secretKey, [carol.id]), R],
  ['rewrapHeader', 'secretKey 31 bytes', () => rewrapHeader(vHeader, bytes(31), [carol.id]), R],
  ['rewrapHeader', 'recipients not an array', () => rewrapHeader(vHeader, bob.secretKey, carol.id as never), T],
  ['rewrapHeader', 'recipients empty', () => rewrapHeader(vHeader, bob.secretKey, []), R],
  ['rewrapHeader', 'recipient invalid', () => rewrapHeader(vHeader, bob.secretKey, ['nope']), { code: 'INVALID_MINILOCK_ID' }],
  ['rewrapHeader', 'random returning 0 bytes', () => rewrapHeader(vHeader, bob.secretKey, [carol.id], { random: () => new Uint8Array(0) }), R],
  ['rewrapHeader', 'version with a header source', () => rewrapHeader(vHeader, bob.secretKey, [carol.id], { version: 2 }), R],
  ['rewrapHeader', 'version 5 with a fileInfo source', () => rewrapHeader(fileInfo, bob.secretKey, [carol.id], { version: 5 as never }), R],
  ['rewrapHeader', 'not a recipient', () => rewrapHeader(vHeader, alice.secretKey, [carol.id]), { code: 'NOT_A_RECIPIENT' }],
];

function keyId(i: number): string {
  const sk = new Uint8Array(32);
  // Bytes 0 and 31 are clamped by X25519; vary the middle ones.
  sk[5] = i & 0xff;
  sk[6] = i >> 8;
  sk[7] = 1;
  return encodeMiniLockId(keyPairFromSecretKey(sk).publicKey);
}

describe('argument checks', () => {
  it.each(argumentCases)('%s: %s', async (fn, what, call, expected) => {
    const error = await errorOf(call);
    // finish() before reading is a usage error (plain Error), not a type problem.
    if (what === 'finish before the chunks were read') {
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      return;
    }
    check(error, expected);
    if ('type' in expected) expect(String((error as Error).message)).toMatch(/^[\w.[\]]+: /);
  });

  it('covers every exported function of the module', async () => {
    const mod = await import('../src/minilock/index.js');
    // Backends and ID helpers are re-exported for "@peerlock/sdk/minilock" users; their own tests live elsewhere.
    const reexported = new Set(['defaultBackend', 'sodiumBackend', 'tweetnaclBackend', 'encodeMiniLockId', 'decodeMiniLockId', 'isMiniLockId']);
    const functions = Object.entries(mod)
      .filter(([name, value]) => typeof value === 'function' && !/Error$/.test((value as { name: string }).name) && !reexported.has(name))
      .map(([name]) => name)
      .sort();
    const covered = new Set(argumentCases.map(([fn]) => fn));
    expect(functions.filter((f) => !covered.has(f))).toEqual([]);
  });
});
