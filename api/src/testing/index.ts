/** Test support for the clients' tests (`@peerlock/api/testing`): a malicious server on the wire. */
export * from './hostile-proxy.js';
export * from './forged-key-proof.js';
