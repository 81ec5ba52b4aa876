import { GatewayError } from '../errors/gateway-error';
import { printable } from './input-rules';

/**
 * Relay paging for every provider list, whatever the provider pages by underneath (Shopify's own
 * cursors, Klaviyo's page cursors, Kustomer's page numbers): the page-size rule, opaque cursors, and
 * building the Connection. A provider keeps only its paging facts. DESIGN.md, GraphQL conventions.
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

/** The page size asked for, between 1 and the provider's maximum; refused rather than shortened. */
export function pageSize(
  first: number | null | undefined,
  max: number,
  fallback = Math.min(20, max),
): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max)
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${max}.`);
  return size;
}

/** Longer than any cursor we make; refused before it is decoded. */
const MAX_CURSOR = 2048;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Opaque cursors: base64url of `<prefix>:<the provider's own cursor>`. The prefix names who made it,
 * so a cursor from another provider's (or another gateway list's) connection is BAD_USER_INPUT here,
 * not a confusing answer from the provider.
 */
export interface CursorCodec {
  encode(raw: string): string;
  /** The provider's cursor inside `cursor`; throws BAD_USER_INPUT naming `field` for any other. */
  decode(cursor: string, field?: string): string;
}

export function cursorCodec(prefix: string): CursorCodec {
  return {
    encode: (raw) => Buffer.from(`${prefix}:${raw}`).toString('base64url'),
    decode(cursor, field = 'after') {
      printable(cursor, field);
      const text =
        cursor.length <= MAX_CURSOR && BASE64URL.test(cursor)
          ? Buffer.from(cursor, 'base64url').toString()
          : '';
      if (!text.startsWith(`${prefix}:`))
        throw new GatewayError('BAD_USER_INPUT', `${field} is not a cursor from this connection.`);
      // What is inside goes to the provider: the same rule as any value a client sends.
      return printable(text.slice(prefix.length + 1), field);
    },
  };
}

/**
 * A connection over a provider that pages by page, not by item (Klaviyo, Kustomer): every edge
 * carries the cursor that continues after its page (on the last page, the page's own), and
 * `endCursor`/`hasNextPage` come from the provider's next page.
 */
export function pageConnection<T>(
  codec: CursorCodec,
  nodes: readonly T[],
  page: {
    /** The provider's cursor of the next page; null on the last page. */
    next: string | null;
    /** The provider's cursor of this page; null when the provider has none for a first page. */
    current: string | null;
    hasPreviousPage: boolean;
  },
): Connection<T> {
  const next = page.next === null ? null : codec.encode(page.next);
  const current = page.current === null ? null : codec.encode(page.current);
  // An empty inner cursor reads the first page again.
  const edgeCursor = next ?? current ?? codec.encode('');
  return {
    edges: nodes.map((node) => ({ cursor: edgeCursor, node })),
    pageInfo: {
      hasNextPage: next !== null,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.hasPreviousPage ? current : null,
      endCursor: next,
    },
  };
}

/** A connection over a provider that speaks Relay itself (Shopify): its cursors, wrapped. */
export function relayConnection<R, T>(
  codec: CursorCodec,
  raw: Connection<R>,
  map: (node: R) => T,
): Connection<T> {
  const wrap = (cursor: string | null) => (cursor === null ? null : codec.encode(cursor));
  return {
    edges: raw.edges.map((edge) => ({ cursor: codec.encode(edge.cursor), node: map(edge.node) })),
    pageInfo: {
      hasNextPage: raw.pageInfo.hasNextPage,
      hasPreviousPage: raw.pageInfo.hasPreviousPage,
      startCursor: wrap(raw.pageInfo.startCursor),
      endCursor: wrap(raw.pageInfo.endCursor),
    },
  };
}
