import { GatewayError } from '../../errors/gateway-error';
import { cursorCodec, pageConnection, pageSize, type Connection, type PageArgs } from '../paging';

export type { Connection } from '../paging';

/** Kustomer's list envelope: `meta` {page, pageSize, ...} and `links` {self, first, prev, next, last}. */
export interface KustomerList<R> {
  data?: R[] | null;
  meta?: { page?: number; pageSize?: number };
  links?: { next?: string | null; prev?: string | null };
}

/** Most Kustomer lists allow pageSize up to 100. https://developer.kustomer.com/docs/concepts/pagination */
const MAX_PAGE_SIZE = 100;

const cursors = cursorCodec('kustomer');

/**
 * Relay arguments to Kustomer's `page` (from 1) and `pageSize`. A cursor holds the page to read next
 * and the page size it was made with (`<page>:<size>`), so pages stay aligned even if `first` changes.
 */
export function pageQuery(args: PageArgs): { page: string; pageSize: string } {
  if (args.after) {
    const match = /^([0-9]{1,6}):([0-9]{1,3})$/.exec(cursors.decode(args.after));
    const page = Number(match?.[1]);
    const size = Number(match?.[2]);
    if (!match || page < 1 || size < 1 || size > MAX_PAGE_SIZE)
      throw new GatewayError('BAD_USER_INPUT', 'after is not a cursor from this connection.');
    return { page: String(page), pageSize: String(size) };
  }
  return { page: '1', pageSize: String(pageSize(args.first, MAX_PAGE_SIZE)) };
}

/** `links.next` says whether there is another page; its number is ours to count. */
export function toConnection<R, T>(
  list: KustomerList<R>,
  query: { page: string; pageSize: string },
  map: (raw: R) => T,
): Connection<T> {
  const page = Number(query.page);
  const size = query.pageSize;
  return pageConnection(
    cursors,
    // No contract promises `data` on every answer: a page without it is an empty page.
    (list.data ?? []).map(map),
    {
      next: list.links?.next ? `${page + 1}:${size}` : null,
      current: `${page}:${size}`,
      hasPreviousPage: page > 1,
    },
  );
}
