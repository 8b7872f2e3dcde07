import { builder } from '../builder.js';

export interface PageInfoShape {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export const PageInfoRef = builder.objectRef<PageInfoShape>('PageInfo').implement({
  description: 'Relay-style: pass endCursor as `after` for the next page.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

export function pageInfoOf(page: { edges: readonly { cursor: string }[]; hasNextPage: boolean }): PageInfoShape {
  return { hasNextPage: page.hasNextPage, endCursor: page.edges[page.edges.length - 1]?.cursor ?? null };
}
