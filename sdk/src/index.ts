export * from './crypto/errors.js';
export * from './crypto/bytes.js';
export * from './crypto/base58.js';
export * from './crypto/blake2s.js';
export * from './crypto/nacl.js';
export * from './keys/minilock-id.js';
export * from './keys/derive.js';
export * from './keys/passphrase.js';
