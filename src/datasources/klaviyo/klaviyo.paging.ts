import { GatewayError } from '../../errors/gateway-error';
import { cursorCodec, pageConnection, pageSize, type Connection, type PageArgs } from '../paging';

export type { Connection, PageArgs } from '../paging';

/** Klaviyo's collection links (`CollectionLinks` in the OpenAPI document): `next`/`prev` are absent at the ends. */
export interface CollectionLinks {
  self?: string;
  next?: string | null;
  prev?: string | null;
}

const cursors = cursorCodec('klaviyo');

/** Page cursors are opaque tokens Klaviyo made; we only check they cannot smuggle anything into a URL. */
const CURSOR = /^[A-Za-z0-9_\-=.:~%+/]{1,1024}$/;

/**
 * Relay arguments to `page[size]` and `page[cursor]`. Klaviyo caps the page size per operation
 * (lists and segments: 10, profiles and campaigns: 100), so a larger `first` is refused rather than
 * silently shortened. https://developers.klaviyo.com/en/docs/api_overview#pagination
 */
export function pageQuery(args: PageArgs, max: number): Record<string, string | undefined> {
  return { 'page[size]': String(pageSize(args.first, max)), ...cursorQuery(args.after) };
}

/** For operations without `page[size]` (GET /api/metrics pages by Klaviyo's own size). */
export function cursorQuery(after: string | null | undefined): Record<string, string | undefined> {
  return { 'page[cursor]': klaviyoCursor(after) ?? undefined };
}

/** Klaviyo's own page cursor inside one of our cursors; null for none (or the first page). */
function klaviyoCursor(after: string | null | undefined): string | null {
  if (after == null) return null;
  const raw = cursors.decode(after);
  if (raw === '') return null;
  if (!CURSOR.test(raw)) throw new GatewayError('BAD_USER_INPUT', 'after is not a Klaviyo page cursor.');
  return raw;
}

/** The `page[cursor]` of a `links.next`/`links.prev` URL. */
function cursorOf(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    return new URL(link).searchParams.get('page[cursor]');
  } catch {
    return null;
  }
}

/** Klaviyo pages by an opaque cursor per page (`links.next`'s `page[cursor]`), not per item. */
export function toConnection<R, T>(
  data: R[],
  links: CollectionLinks | undefined,
  after: string | null | undefined,
  map: (raw: R) => T,
): Connection<T> {
  return pageConnection(cursors, data.map(map), {
    next: cursorOf(links?.next),
    current: klaviyoCursor(after),
    hasPreviousPage: Boolean(links?.prev),
  });
}
