/**
 * Connections are the relay plugin's (builder.ts): PageInfo, the edges and
 * their cursors. The pages themselves are cut by the stores, with their own
 * cursors (conversation-queries.ts, the file store): this turns one into a
 * connection's value.
 */
import type { PageInfoShape } from '@pothos/plugin-relay';

export interface StorePage<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly hasNextPage: boolean;
  /** Known only when paging backwards (`last`). */
  readonly hasPreviousPage?: boolean;
}

export function pageInfoOf(page: StorePage<unknown>): PageInfoShape {
  return {
    hasNextPage: page.hasNextPage,
    endCursor: page.edges[page.edges.length - 1]?.cursor ?? null,
    hasPreviousPage: page.hasPreviousPage ?? false,
    startCursor: page.edges[0]?.cursor ?? null,
  };
}

/** A store's page as a connection's value: its edges, and the PageInfo they make. */
export function connectionOf<T>(page: StorePage<T>): { edges: { cursor: string; node: T }[]; pageInfo: PageInfoShape } {
  return { edges: [...page.edges], pageInfo: pageInfoOf(page) };
}
