/**
 * The GraphQL schema: importing each type file registers it on the builder.
 * `npm run generate` prints it to schema/schema.graphql.
 */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './types/server-key.js';
import './types/sealed-box.js';
import './types/key-challenge.js';
import './types/user.js';
import './types/key-log.js';
import './types/account.js';
import './types/signup.js';
import './types/token-batch.js';
import './types/two-factor.js';
import './types/profile.js';
import './types/key-rotation.js';
import './types/account-deletion.js';
import './types/contact.js';
import './types/read-receipt.js';
import './types/message.js';
import './types/conversation.js';
import './types/pin-set.js';
import './types/notification.js';
import './types/file.js';
import './types/file-index.js';
import './types/link.js';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}

export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(buildSchema())) + '\n';
}
