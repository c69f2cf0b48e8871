// Filling one page when part of a filter can only be applied on our side: keep reading the
// provider's pages until `limit` items match or the provider has no more. A filter that matches
// rarely could cost unbounded provider calls, so one page reads at most MAX_PROVIDER_PAGES; a page
// cut short that way says where the scan stopped (`resumeAfterId`), so the next page continues
// from there instead of re-reading the same provider pages forever.
import { ValidationError } from '../domain/errors.ts';
import type { Page } from './types.ts';

/** Bounds the provider calls one page may cost when most items are filtered out. */
const MAX_PROVIDER_PAGES = 20;

export async function fillPage<T>(
  fetchPage: (afterId: string | null) => Promise<Page<T>>,
  afterId: string | null,
  limit: number,
  matches: (item: T) => boolean,
  idOf: (item: T) => string,
): Promise<Page<T>> {
  const items: T[] = [];
  let cursor = afterId;
  for (let calls = 0; calls < MAX_PROVIDER_PAGES; calls++) {
    const page = await fetchPage(cursor);
    for (const item of page.items) {
      if (!matches(item)) continue;
      if (items.length === limit) return { items, hasMore: true };
      items.push(item);
    }
    // A full page ends the scan: the provider's has_more answers hasNextPage without another call.
    if (items.length === limit) return { items, hasMore: page.hasMore };
    const last = page.items.at(-1);
    if (!page.hasMore || !last) return { items, hasMore: false };
    cursor = idOf(last);
  }
  // Capped: everything up to `cursor` (the last item scanned) has been looked at.
  return { items, hasMore: true, ...(cursor !== null ? { resumeAfterId: cursor } : {}) };
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
