/**
 * Constants of the miniLock file format, version 1 (kaepora/miniLock,
 * src/js/miniLock.js and nacl-stream; version 2 below), and the limits this
 * implementation puts on hostile input.
 *
 *   file   = magic ‖ headerLength ‖ header ‖ chunk₀ ‖ chunk₁ ‖ … ‖ chunkₙ
 *   magic  = ASCII "miniLock" (8 bytes)
 *   headerLength = uint32 little-endian byte length of header
 *   header = JSON {"version":1,"ephemeral":…,"decryptInfo":{…}}
 *   chunkᵢ = uint32-LE(plaintext length) ‖ secretbox(plaintextᵢ, nonceᵢ, fileKey)
 *   chunk₀ plaintext = UTF-8 file name, zero-padded to 256 bytes
 *   nonceᵢ = fileNonce(16) ‖ uint64-LE(i), top bit of byte 23 set on the last chunk
 *   fileHash = BLAKE2s-256(chunk₀ ‖ … ‖ chunkₙ), length prefixes included
 */

/** `miniLock` in ASCII: the first 8 bytes of every file. */
export const MAGIC = new Uint8Array([0x6d, 0x69, 0x6e, 0x69, 0x4c, 0x6f, 0x63, 0x6b]);
export const MAGIC_BYTES = 8;
/** Bytes of the little-endian header length that follows the magic. */
export const HEADER_LENGTH_BYTES = 4;
/** Where the header JSON starts (reference: headerStart = numberSize + signatureSize). */
export const HEADER_START = MAGIC_BYTES + HEADER_LENGTH_BYTES;

/** miniLock.crypto.chunkSize: plaintext bytes per data chunk. */
export const CHUNK_SIZE = 1024 * 1024;
/** Chunk 0 carries the file name, zero-padded to this many bytes (fileNameSize). */
export const FILE_NAME_BYTES = 256;
/** Bytes of the little-endian plaintext length before each secretbox. */
export const CHUNK_LENGTH_BYTES = 4;
/** Poly1305 tag that secretbox prepends. */
export const CHUNK_MAC_BYTES = 16;
/** fileNonce: the first 16 bytes of a 24-byte random nonce (blobNonceSize). */
export const FILE_NONCE_BYTES = 16;
export const FILE_KEY_BYTES = 32;
export const FILE_HASH_BYTES = 32;
/** decryptInfo nonces are full 24-byte box nonces (decryptInfoNonceSize). */
export const DECRYPT_INFO_NONCE_BYTES = 24;

/** The version we write by default: the miniLock reference's. */
export const FORMAT_VERSION = 1;
/**
 * Version 2 (45678/miniLockLib) differs only in chunk 0, which carries
 * name(256) ‖ media type(128) ‖ time(24), each UTF-8 zero-padded; the time is
 * Date.prototype.toJSON() ("2014-10-10T12:34:56.789Z").
 */
export type FormatVersion = 1 | 2;
export const MEDIA_TYPE_BYTES = 128;
export const TIME_BYTES = 24;
export const ATTRIBUTES_BYTES: Readonly<Record<FormatVersion, number>> = { 1: FILE_NAME_BYTES, 2: FILE_NAME_BYTES + MEDIA_TYPE_BYTES + TIME_BYTES };

// Limits on hostile input (not part of the format; see docs/minilock.md).
/** Largest header we parse. Real headers are ~520 bytes per recipient. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** Most decryptInfo entries we try to open, and most recipients we encrypt to. */
export const MAX_RECIPIENTS = 256;
/** Largest decryptInfo box we accept (real ones are ~380 bytes). */
export const MAX_DECRYPT_INFO_BOX_BYTES = 4096;
