import { builder, commandContextOf } from '../builder.js';
import type { PinSetState } from '../../pins/pin-set-decider.js';

const PinSetRef = builder.objectRef<PinSetState>('PinSet').implement({
  description: 'Your key pins, sealed by the SDK to your own key (DESIGN §6). Version 0 and a null blob: none stored yet.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    blob: t.expose('blob', { type: 'Base64', nullable: true }),
  }),
});

builder.queryField('pinSet', (t) =>
  t.withAuth({ viewer: true }).field({ type: PinSetRef, resolve: (_root, _args, ctx) => ctx.services.pinSets.get(ctx.viewer.username) }),
);

builder.mutationField('storePinSet', (t) =>
  t.withAuth({ viewer: true }).field({
    type: PinSetRef,
    description: 'Compare-and-set: CONFLICT unless expectedVersion is the stored version (0 for the first).',
    args: { expectedVersion: t.arg.int(), blob: t.arg.string({ description: 'base64, at most 64 KiB' }) },
    resolve: (_root, args, ctx) => ctx.services.pinSets.store(args.expectedVersion, args.blob, commandContextOf(ctx)),
  }),
);
