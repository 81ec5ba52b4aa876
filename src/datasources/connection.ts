/**
 * The Relay connection every provider list becomes, whatever paging the provider uses underneath
 * (Shopify cursors, Klaviyo page cursors, Kustomer page numbers). DESIGN.md, GraphQL conventions.
 */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Relay paging arguments as they reach a data source. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
