import { builder } from '../builder.js';

export interface PageInfoShape {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
}

export const PageInfoRef = builder.objectRef<PageInfoShape>('PageInfo').implement({
  description: 'Relay-style: pass endCursor as `after` for the next page, or startCursor as `before` for the previous one (where `last`/`before` are offered).',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { description: 'Known only when paging backwards (`last`); false otherwise.' }),
    startCursor: t.exposeString('startCursor', { nullable: true }),
  }),
});

export function pageInfoOf(page: { edges: readonly { cursor: string }[]; hasNextPage: boolean; hasPreviousPage?: boolean }): PageInfoShape {
  return {
    hasNextPage: page.hasNextPage,
    endCursor: page.edges[page.edges.length - 1]?.cursor ?? null,
    hasPreviousPage: page.hasPreviousPage ?? false,
    startCursor: page.edges[0]?.cursor ?? null,
  };
}
