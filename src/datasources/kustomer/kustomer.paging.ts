import { GatewayError } from '../../errors/gateway-error';
import type { Connection } from '../connection';

export type { Connection } from '../connection';

/** Kustomer's list envelope: `meta` {page, pageSize, ...} and `links` {self, first, prev, next, last}. */
export interface KustomerList<R> {
  data?: R[] | null;
  meta?: { page?: number; pageSize?: number };
  links?: { next?: string | null; prev?: string | null };
}

/** Most Kustomer lists allow pageSize up to 100. https://developer.kustomer.com/docs/concepts/pagination */
const MAX_PAGE_SIZE = 100;

interface PageCursor {
  page: number;
  size: number;
}

const encode = (cursor: PageCursor) => Buffer.from(`${cursor.page}:${cursor.size}`).toString('base64url');

function decode(cursor: string): PageCursor {
  const match = /^([0-9]{1,6}):([0-9]{1,3})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const page = Number(match?.[1]);
  const size = Number(match?.[2]);
  if (!match || page < 1 || size < 1 || size > MAX_PAGE_SIZE)
    throw new GatewayError('BAD_USER_INPUT', 'after is not a cursor from this connection.');
  return { page, size };
}

/**
 * Relay arguments to Kustomer's `page` (from 1) and `pageSize`. A cursor holds the page to read next
 * and the page size it was made with, so pages stay aligned even if `first` changes.
 */
export function pageQuery(args: { first?: number | null; after?: string | null }): {
  page: string;
  pageSize: string;
} {
  if (args.after) {
    const { page, size } = decode(args.after);
    return { page: String(page), pageSize: String(size) };
  }
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return { page: '1', pageSize: String(first) };
}

/** Every edge of a page carries the cursor of the next page; `links.next` says whether there is one. */
export function toConnection<R, T>(
  list: KustomerList<R>,
  query: { page: string; pageSize: string },
  map: (raw: R) => T,
): Connection<T> {
  const page = Number(query.page);
  const size = Number(query.pageSize);
  const next = list.links?.next ? encode({ page: page + 1, size }) : null;
  const edgeCursor = next ?? encode({ page, size });
  return {
    // No contract promises `data` on every answer: a page without it is an empty page.
    edges: (list.data ?? []).map((raw) => ({ cursor: edgeCursor, node: map(raw) })),
    pageInfo: {
      hasNextPage: next !== null,
      hasPreviousPage: page > 1,
      startCursor: page > 1 ? encode({ page, size }) : null,
      endCursor: next,
    },
  };
}
