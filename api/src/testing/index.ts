/** Test support (`@peerlock/api/testing`): a malicious server on the wire for the clients' tests, and given/when/then for deciders. */
export * from './hostile-proxy.js';
export * from './forged-key-proof.js';
export * from './decider-specification.js';
