/**
 * The schema's own Pothos plugin: what every field would otherwise repeat.
 *
 * - A field only a token opens (authScopes `{ viewer: true }`, builder.ts) says
 *   so first in its description, from here rather than in each description.
 * - A value our scalars (scalars.ts) found malformed is refused as BAD_INPUT
 *   naming its field, like every other argument check (validation.ts).
 *   graphql-js coerces arguments before any resolver runs and tells a scalar
 *   nothing of where its value sits, so the scalar answers a `MalformedInput`
 *   and the field's resolver refuses it, inside the token check: a request
 *   without a token is still UNAUTHENTICATED whatever its arguments hold.
 */
import SchemaBuilder, { BasePlugin, mapInputFields, type PothosInputFieldType, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { badInput } from '../errors.js';

export const REQUIRES_A_TOKEN = 'Requires a token.';

/** What a scalar's parseValue/parseLiteral answers for a value it cannot take. */
export class MalformedInput {
  constructor(readonly scalar: string) {}
}

/** The scalars that answer MalformedInput (scalars.ts). */
export const CHECKED_SCALARS = new Set<string>();

/** The name of the field a MalformedInput sits in (a list's items answer to the list's name), or null. */
export function malformedField(value: unknown, field: string): string | null {
  if (value instanceof MalformedInput) return field;
  if (Array.isArray(value)) {
    for (const item of value) if (malformedField(item, field) !== null) return field;
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) {
      const found = malformedField(inner, name);
      if (found !== null) return found;
    }
  }
  return null;
}

const namedType = <Types extends SchemaTypes>(type: PothosInputFieldType<Types>): Exclude<PothosInputFieldType<Types>, { kind: 'List' }> =>
  type.kind === 'List' ? namedType(type.type) : type;

export class PeerlockConventionsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const scopes = (fieldConfig.pothosOptions as { authScopes?: unknown }).authScopes;
    if (typeof scopes !== 'object' || scopes === null || (scopes as { viewer?: boolean }).viewer !== true) return fieldConfig;
    return { ...fieldConfig, description: fieldConfig.description ? `${REQUIRES_A_TOKEN} ${fieldConfig.description}` : REQUIRES_A_TOKEN };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    return this.refusingMalformed(resolver, fieldConfig);
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    return subscribe && this.refusingMalformed(subscribe, fieldConfig);
  }

  private refusingMalformed(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const checked = mapInputFields(fieldConfig.args, this.buildCache, (input) => {
      const type = namedType(input.type);
      return type.kind === 'Scalar' && CHECKED_SCALARS.has(this.buildCache.getTypeConfig(type.ref).name) ? true : null;
    });
    if (!checked) return resolver;
    return (parent, args, context, info) => {
      const field = malformedField(args, '');
      if (field !== null) throw badInput(field);
      return resolver(parent, args, context, info);
    };
  }
}

SchemaBuilder.registerPlugin('peerlockConventions', PeerlockConventionsPlugin);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      peerlockConventions: PeerlockConventionsPlugin<Types>;
    }
  }
}
