// Filling one page when part of a filter can only be applied on our side: keep reading the
// provider's pages until `limit` items match or the provider has no more. A filter that matches
// rarely could cost unbounded provider calls, so one page reads at most MAX_PROVIDER_PAGES; a page
// cut short that way says where the scan stopped (`resumeAfterId`), so the next page continues
// from there instead of re-reading the same provider pages forever.
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
