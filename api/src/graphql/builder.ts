/**
 * The one Pothos schema builder (STYLE.md: one builder, one file per type).
 * Fields are non-null unless a type file says otherwise: a null in our API
 * always means something ("no such user"), never "something went wrong".
 *
 * Plugins: scope-auth (a field only a token opens declares
 * `t.withAuth({ viewer: true })`; without one the request is refused
 * UNAUTHENTICATED before its resolver runs, which then reads the viewer from
 * its context), relay (connections and edges; no Node interface, no global
 * IDs, no clientMutationId) and ours (conventions-plugin.ts).
 */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { PeerlockError } from '../errors.js';
import type { RequestInfo, Services } from '../services.js';
import './conventions-plugin.js';

export interface GraphQLContext extends RequestInfo {
  readonly services: Services;
}

/** The context of a field behind `withAuth({ viewer: true })`: the request spent a token. */
export interface ViewerContext extends GraphQLContext {
  readonly viewer: NonNullable<RequestInfo['viewer']>;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { viewer: boolean };
  AuthContexts: { viewer: ViewerContext };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    ByteCount: { Input: number; Output: number };
    Base64: { Input: string; Output: string | Uint8Array };
    DateTime: { Input: string; Output: string | number | Date };
  };
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, 'peerlockConventions'],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authScopes: (ctx) => ({ viewer: ctx.viewer !== null }),
    // The one refusal for a missing token, as viewerOf (auth/viewer.ts) throws it.
    unauthorizedError: () => new PeerlockError('UNAUTHENTICATED'),
    // A subscription is checked once, when it starts, like its subscribe function did.
    authorizeOnSubscribe: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    pageInfoTypeOptions: {
      description: 'Relay-style: pass endCursor as `after` for the next page, or startCursor as `before` for the previous one (where `last`/`before` are offered).',
    },
    hasPreviousPageFieldOptions: { description: 'Known only when paging backwards (`last`); false otherwise.' },
  },
});

/** What a command of the viewer's is executed with: who acts, under which correlation id, when. */
export const commandContextOf = (ctx: ViewerContext) => ({ actor: ctx.viewer.username, correlationId: ctx.requestId, now: ctx.services.now() });

builder.queryType({ description: 'Reads: the server keys and the user directory.' });
builder.mutationType({ description: 'Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins.' });
