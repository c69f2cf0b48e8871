// One page of a list part of whose filter can only be applied on our side: one provider call
// (callers ask for a large provider page then), whose matches are the page. A page may so hold
// fewer items than asked for, even none, while the provider has more: it then says where the scan
// stopped (`resumeAfterId`, `scanned`), so the next page reads on from there. One call per page
// keeps a federated page's cost bounded (one list call per provider) however rarely a filter matches.
import { ValidationError } from '../domain/errors.ts';
import type { Page } from './types.ts';

export async function filteredPage<T>(
  fetchPage: (afterId: string | null) => Promise<Page<T>>,
  afterId: string | null,
  limit: number,
  matches: (item: T) => boolean,
  idOf: (item: T) => string,
): Promise<Page<T>> {
  const page = await fetchPage(afterId);
  const items: T[] = [];
  for (const item of page.items) {
    if (!matches(item)) continue;
    // More matches than asked for: the next page starts after the last one returned.
    if (items.length === limit) return { items, hasMore: true };
    items.push(item);
  }
  const last = page.items.at(-1);
  if (!page.hasMore || !last) return { items, hasMore: false };
  // Everything up to `last` has been looked at, matched or not.
  return { items, hasMore: true, resumeAfterId: idOf(last), scanned: last };
}

/**
 * A position in a list the provider pages by offset or page number rather than "after this id":
 * (where the provider's page starts, how many of its items were seen, the last one's id). The
 * next page re-reads from `head` and skips what was seen, re-anchored on the id should newer items
 * have pushed the page down since.
 */
export type ListPosition<H> = [head: H, seen: number, lastId?: string];

export const encodePosition = <H>(position: ListPosition<H>): string => JSON.stringify(position);

/** A cursor's position, or a ValidationError on `after` for anything `encodePosition` did not write. */
export function decodePosition<H>(
  position: string | null,
  start: H,
  isHead: (value: unknown) => boolean,
  pageSize: number,
  provider: string,
): ListPosition<H> {
  if (position === null) return [start, 0];
  try {
    const v: unknown = JSON.parse(position);
    if (
      Array.isArray(v) &&
      (v.length === 2 || (v.length === 3 && typeof v[2] === 'string')) &&
      isHead(v[0]) &&
      Number.isInteger(v[1]) &&
      v[1] >= 0 &&
      v[1] < pageSize
    ) {
      return v as ListPosition<H>;
    }
  } catch {
    // refused below
  }
  throw new ValidationError('after', `This cursor does not belong to a ${provider} payout list.`);
}

/** How many items of a re-read page to skip: past the last one seen, wherever it is now. */
export function resumeIndex(ids: readonly string[], seen: number, lastId: string | undefined): number {
  const found = lastId === undefined ? -1 : ids.indexOf(lastId);
  return found >= 0 ? found + 1 : seen;
}
