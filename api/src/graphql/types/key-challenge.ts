import { builder } from '../builder.js';
import type { KeyChallenge } from '../../auth/key-challenge.js';
import { SealedBoxRef } from './sealed-box.js';
import { SignedServerKeyRef } from './server-key.js';

export const KeyChallengeRef = builder.objectRef<KeyChallenge>('KeyChallenge').implement({
  description: 'Proof-of-possession challenge for signup and key rotation: open both boxes ("AC" ‖ 30 bytes each) and send the plaintexts back with sealedState within 60 s.',
  fields: (t) => ({
    sealedState: t.exposeString('sealedState'),
    identityChallenge: t.field({ type: SealedBoxRef, description: 'Boxed to the identity (miniLock) key.', resolve: (c) => c.identityChallenge }),
    authChallenge: t.field({ type: SealedBoxRef, description: 'Boxed to the auth key.', resolve: (c) => c.authChallenge }),
    serverKey: t.field({ type: SignedServerKeyRef, resolve: (c) => c.serverKey }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});
