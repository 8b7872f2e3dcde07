/**
 * The GraphQL face of one kind of sealed document (sealed-documents/): an
 * object type {version, blob}, a query for one's own, and a compare-and-set
 * store. Each kind's type file calls this with its own names.
 */
import { builder, type GraphQLContext } from '../builder.js';
import { viewerOf } from '../../auth/viewer.js';
import type { SealedDocumentState } from '../../sealed-documents/sealed-document-decider.js';
import type { SealedDocuments } from '../../sealed-documents/sealed-documents.js';

export interface SealedDocumentFields {
  readonly typeName: string;
  readonly description: string;
  readonly query: string;
  readonly mutation: string;
  /** The blob argument's description (its limit). */
  readonly blobLimit: string;
  readonly documents: (ctx: GraphQLContext) => SealedDocuments<string, string>;
}

export function sealedDocumentFields(kind: SealedDocumentFields): void {
  const ref = builder.objectRef<SealedDocumentState>(kind.typeName).implement({
    description: kind.description,
    fields: (t) => ({
      version: t.exposeInt('version'),
      blob: t.exposeString('blob', { nullable: true, description: 'base64' }),
    }),
  });

  builder.queryField(kind.query, (t) =>
    t.field({ type: ref, description: 'Requires a token.', resolve: (_root, _args, ctx) => kind.documents(ctx).get(viewerOf(ctx)) }),
  );

  builder.mutationField(kind.mutation, (t) =>
    t.field({
      type: ref,
      description: 'Requires a token. Compare-and-set: CONFLICT unless expectedVersion is the stored version (0 for the first).',
      args: { expectedVersion: t.arg.int(), blob: t.arg.string({ description: kind.blobLimit }) },
      resolve: (_root, args, ctx) => kind.documents(ctx).store(args.expectedVersion, args.blob, { actor: viewerOf(ctx), correlationId: ctx.requestId, now: ctx.services.now() }),
    }),
  );
}
