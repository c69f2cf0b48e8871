// Page-number paging shared by GET /v1/payments and GET /v1/paykeys: `page_number` (from 1,
// default 1) and `page_size` (1–1000, default 100); anything outside is a 400. A page past the last
// is empty, not an error. Items are sorted by one field and then by creation order, so items with
// equal sort values (same created_at under a fixed clock) keep a stable order across pages.
import { badRequest } from './errors.ts';
import { queryInteger } from './request.ts';
import type { PageMeta } from './serialize.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export type SortOrder = 'asc' | 'desc';

export function sortOrder(query: URLSearchParams, fallback: SortOrder): SortOrder {
  const raw = query.get('sort_order') ?? query.get('default_sort_order');
  if (raw === null || raw === '') return fallback;
  if (raw !== 'asc' && raw !== 'desc') {
    throw badRequest(`Query parameter 'sort_order' must be asc or desc, not '${raw}'.`, [
      { reference: 'sort_order', detail: 'Must be asc or desc.' },
    ]);
  }
  return raw;
}

export function sortBy<T extends string>(query: URLSearchParams, values: readonly T[], fallback: T): T {
  const raw = query.get('sort_by') ?? query.get('default_sort');
  if (raw === null || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw badRequest(`Query parameter 'sort_by' must be one of: ${values.join(', ')}.`, [
      { reference: 'sort_by', detail: `Unknown sort field '${raw}'.` },
    ]);
  }
  return raw as T;
}

function pageParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const value = queryInteger(query, name) ?? fallback;
  if (value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'at least 1' : `between 1 and ${max}`;
    throw badRequest(`Query parameter '${name}' must be ${range}, not ${value}.`, [
      { reference: name, detail: `Must be ${range}.` },
    ]);
  }
  return value;
}

type Key = string | number | null;

/** Compares sort keys; nulls sort last in ascending order. */
function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Sorts `items`, cuts the requested page and describes it (PagedResponseMetadata). */
export function paginate<T extends { seq: number }>(
  items: T[],
  query: URLSearchParams,
  sort: { by: string; order: SortOrder; key: (item: T) => Key },
): { page: T[]; meta: PageMeta } {
  const defaultSize = queryInteger(query, 'default_page_size') ?? DEFAULT_PAGE_SIZE;
  const pageSize = pageParam(
    query,
    'page_size',
    Math.min(Math.max(defaultSize, 1), MAX_PAGE_SIZE),
    MAX_PAGE_SIZE,
  );
  const pageNumber = pageParam(query, 'page_number', 1, Number.MAX_SAFE_INTEGER);
  const sign = sort.order === 'asc' ? 1 : -1;
  const sorted = [...items].sort((a, b) => sign * (compareKeys(sort.key(a), sort.key(b)) || a.seq - b.seq));
  const start = (pageNumber - 1) * pageSize;
  return {
    page: sorted.slice(start, start + pageSize),
    meta: {
      page_number: pageNumber,
      page_size: pageSize,
      max_page_size: MAX_PAGE_SIZE,
      total_items: items.length,
      total_pages: Math.ceil(items.length / pageSize),
      sort_by: sort.by,
      sort_order: sort.order,
    },
  };
}
