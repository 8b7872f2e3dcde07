/**
 * The one Pothos schema builder (STYLE.md: one builder, one file per type).
 * Fields are non-null unless a type file says otherwise: a null in our API
 * always means something ("no such user"), never "something went wrong".
 */
import SchemaBuilder from '@pothos/core';
import type { RequestInfo, Services } from '../services.js';

export interface GraphQLContext extends RequestInfo {
  readonly services: Services;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
});

builder.queryType({ description: 'Reads: the server keys and the user directory.' });
builder.mutationType({ description: 'Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins.' });
