import { builder } from '../builder.js';
import { rotateKeys, startKeyRotation } from '../../accounts/key-rotation.js';
import { KeyChallengeRef } from './key-challenge.js';

const KeyRotationChallengeInput = builder.inputType('KeyRotationChallengeInput', {
  fields: (t) => ({
    username: t.string(),
    miniLockId: t.string({ description: 'The new identity key.' }),
    authPublicKey: t.field({ type: 'Base64', description: 'The new auth key.' }),
  }),
});

const RotateKeysInput = builder.inputType('RotateKeysInput', {
  description: 'Prove the old key with a token on this request, or with recoveryCode; totpCode when two-factor is on.',
  fields: (t) => ({
    sealedState: t.string(),
    identityAnswer: t.field({ type: 'Base64' }),
    authAnswer: t.field({ type: 'Base64' }),
    recoveryCode: t.string({ required: false }),
    totpCode: t.string({ required: false }),
  }),
});

const KeyRotationResultRef = builder.objectRef<{ username: string; miniLockId: string; recoveryCode: string | null }>('KeyRotationResult').implement({
  fields: (t) => ({
    username: t.exposeString('username'),
    miniLockId: t.exposeString('miniLockId'),
    recoveryCode: t.exposeString('recoveryCode', { nullable: true, description: 'A new recovery code when the old one was just used; shown once.' }),
  }),
});

builder.mutationField('keyRotationChallenge', (t) =>
  t.field({
    type: KeyChallengeRef,
    args: { input: t.arg({ type: KeyRotationChallengeInput }) },
    resolve: (_root, { input }, ctx) => startKeyRotation(ctx.services, ctx, input),
  }),
);

builder.mutationField('rotateKeys', (t) =>
  t.field({
    type: KeyRotationResultRef,
    args: { input: t.arg({ type: RotateKeysInput }) },
    resolve: (_root, { input }, ctx) => rotateKeys(ctx.services, ctx, input),
  }),
);
