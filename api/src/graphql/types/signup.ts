import { builder } from '../builder.js';
import { completeSignup, startSignup } from '../../accounts/signup.js';
import { KeyChallengeRef } from './key-challenge.js';

const SignupChallengeInput = builder.inputType('SignupChallengeInput', {
  fields: (t) => ({
    username: t.string({ description: '1–16 of [A-Za-z0-9_]; unique without regard to case. Derive your keys with its lowercase form.' }),
    miniLockId: t.string(),
    authPublicKey: t.field({ type: 'Base64', description: '32 bytes' }),
    displayName: t.string({ required: false, description: 'At most 64 characters.' }),
    email: t.string({ required: false }),
  }),
});

const SignupInput = builder.inputType('SignupInput', {
  fields: (t) => ({
    sealedState: t.string(),
    identityAnswer: t.field({ type: 'Base64', description: 'The 32 bytes in identityChallenge.' }),
    authAnswer: t.field({ type: 'Base64', description: 'The 32 bytes in authChallenge.' }),
  }),
});

const SignupResultRef = builder.objectRef<{ username: string; recoveryCode: string }>('SignupResult').implement({
  fields: (t) => ({
    username: t.exposeString('username'),
    recoveryCode: t.exposeString('recoveryCode', { description: 'Shown once: lets you rotate keys without the old passphrase. Store it offline.' }),
  }),
});

builder.mutationField('signupChallenge', (t) =>
  t.field({
    type: KeyChallengeRef,
    args: { input: t.arg({ type: SignupChallengeInput }) },
    resolve: (_root, { input }, ctx) => startSignup(ctx.services, ctx, input),
  }),
);

builder.mutationField('signup', (t) =>
  t.field({
    type: SignupResultRef,
    args: { input: t.arg({ type: SignupInput }) },
    resolve: (_root, { input }, ctx) => completeSignup(ctx.services, ctx, input),
  }),
);
