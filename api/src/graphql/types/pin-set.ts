import { builder } from '../builder.js';
import { viewerOf } from '../../auth/viewer.js';
import type { PinSetState } from '../../pins/pin-set-decider.js';

const PinSetRef = builder.objectRef<PinSetState>('PinSet').implement({
  description: 'Your key pins, sealed by the SDK to your own key (DESIGN §6). Version 0 and a null blob: none stored yet.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    blob: t.exposeString('blob', { nullable: true, description: 'base64' }),
  }),
});

builder.queryField('pinSet', (t) =>
  t.field({ type: PinSetRef, description: 'Requires a token.', resolve: (_root, _args, ctx) => ctx.services.pinSets.get(viewerOf(ctx)) }),
);

builder.mutationField('storePinSet', (t) =>
  t.field({
    type: PinSetRef,
    description: 'Requires a token. Compare-and-set: CONFLICT unless expectedVersion is the stored version (0 for the first).',
    args: { expectedVersion: t.arg.int(), blob: t.arg.string({ description: 'base64, at most 64 KiB' }) },
    resolve: (_root, args, ctx) => ctx.services.pinSets.store(args.expectedVersion, args.blob, { actor: viewerOf(ctx), correlationId: ctx.requestId, now: ctx.services.now() }),
  }),
);
