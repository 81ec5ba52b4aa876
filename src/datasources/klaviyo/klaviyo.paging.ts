import { GatewayError } from '../../errors/gateway-error';
import type { Connection, PageArgs } from '../connection';

export type { Connection, PageArgs } from '../connection';

/** Klaviyo's collection links (`CollectionLinks` in the OpenAPI document): `next`/`prev` are absent at the ends. */
export interface CollectionLinks {
  self?: string;
  next?: string | null;
  prev?: string | null;
}

/** Page cursors are opaque tokens Klaviyo made; we only check they cannot smuggle anything into a URL. */
const CURSOR = /^[A-Za-z0-9_\-=.:~%+/]{1,1024}$/;

/**
 * Relay arguments to `page[size]` and `page[cursor]`. Klaviyo caps the page size per operation
 * (lists and segments: 10, profiles and campaigns: 100), so a larger `first` is refused rather than
 * silently shortened. https://developers.klaviyo.com/en/docs/api_overview#pagination
 */
export function pageQuery(args: PageArgs, max: number): Record<string, string | undefined> {
  const first = args.first ?? Math.min(20, max);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      `first must be between 1 and ${max} (Klaviyo's page size limit here).`,
    );
  }
  return { 'page[size]': String(first), ...cursorQuery(args.after) };
}

/** For operations without `page[size]` (GET /api/metrics pages by Klaviyo's own size). */
export function cursorQuery(after: string | null | undefined): Record<string, string | undefined> {
  if (after != null && !CURSOR.test(after))
    throw new GatewayError('BAD_USER_INPUT', 'after is not a Klaviyo page cursor.');
  return { 'page[cursor]': after ?? undefined };
}

/** The `page[cursor]` of a `links.next`/`links.prev` URL. */
export function cursorOf(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    return new URL(link).searchParams.get('page[cursor]');
  } catch {
    return null;
  }
}

/**
 * Klaviyo pages by an opaque cursor per page, not per item. Every edge therefore carries the cursor
 * that continues after its page (`links.next`), and `endCursor`/`hasNextPage` come from the same
 * link; on the last page edges repeat the cursor of the page itself.
 */
export function toConnection<R, T>(
  data: R[],
  links: CollectionLinks | undefined,
  after: string | null | undefined,
  map: (raw: R) => T,
): Connection<T> {
  const next = cursorOf(links?.next);
  const edgeCursor = next ?? after ?? '';
  return {
    edges: data.map((raw) => ({ cursor: edgeCursor, node: map(raw) })),
    pageInfo: {
      hasNextPage: next !== null,
      hasPreviousPage: Boolean(links?.prev),
      startCursor: after ?? null,
      endCursor: next,
    },
  };
}
