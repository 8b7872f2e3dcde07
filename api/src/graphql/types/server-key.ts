import { builder } from '../builder.js';
import type { EphemeralKey } from '../../auth/server-keys.js';

export const SignedServerKeyRef = builder.objectRef<EphemeralKey>('SignedServerKey').implement({
  description:
    'The daily X25519 key challenges and tokens are boxed from, signed by the long-term Ed25519 key: Ed25519 over "peerlock/server-ephemeral-key/v1" ‖ 0x00 ‖ publicKey ‖ u64be(validFrom) ‖ u64be(validUntil).',
  fields: (t) => ({
    publicKey: t.field({ type: 'Base64', description: '32 bytes', resolve: (k) => k.keyPair.publicKey }),
    validFrom: t.string({ description: 'Unix seconds, decimal', resolve: (k) => String(k.validFrom) }),
    validUntil: t.string({ description: 'Unix seconds, decimal', resolve: (k) => String(k.validUntil) }),
    signature: t.expose('signature', { type: 'Base64', description: '64 bytes' }),
  }),
});

const KeyLogVrfKeyRef = builder.objectRef<{ publicKey: Uint8Array; signature: Uint8Array }>('KeyLogVrfKey').implement({
  description: 'The key log\'s ECVRF public key (RFC 9381, edwards25519), signed by the long-term key: Ed25519 over "peerlock/key-log/vrf-key/v1" ‖ 0x00 ‖ publicKey.',
  fields: (t) => ({
    publicKey: t.expose('publicKey', { type: 'Base64', description: '32 bytes' }),
    signature: t.expose('signature', { type: 'Base64', description: '64 bytes' }),
  }),
});

const ServerKeysRef = builder.objectRef<{ signingPublicKey: Uint8Array; ephemeral: EphemeralKey; keyLogVrfKey: { publicKey: Uint8Array; signature: Uint8Array } }>('ServerKeys').implement({
  fields: (t) => ({
    signingPublicKey: t.expose('signingPublicKey', { type: 'Base64', description: 'The long-term Ed25519 public key that clients pin.' }),
    ephemeral: t.field({ type: SignedServerKeyRef, resolve: (k) => k.ephemeral }),
    keyLogVrfKey: t.field({ type: KeyLogVrfKeyRef, resolve: (k) => k.keyLogVrfKey }),
  }),
});

builder.queryField('serverKeys', (t) =>
  t.field({
    type: ServerKeysRef,
    resolve: (_root, _args, { services }) => ({ signingPublicKey: services.keys.signingPublicKey, ephemeral: services.keys.ephemeral(services.now()), keyLogVrfKey: services.keys.keyLogVrfKey }),
  }),
);
