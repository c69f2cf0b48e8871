// Mollie's cursor pagination, shared by the payout and balance lists: `from` is the id of the first
// item of the page (inclusive), `limit` is 1–250 (default 50), and `_links.next.href` is an absolute
// URL carrying the same filters plus the next cursor, which the SDK's page iterator follows as is.
import { MollieHttpError, HAL_JSON } from './errors.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;

export function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new MollieHttpError(
      400,
      `Invalid limit value '${raw}': it must be between 1 and ${MAX_LIMIT}.`,
      'limit',
    );
  }
  return n;
}

export interface Page<T> {
  items: T[];
  previousFrom: string | null;
  nextFrom: string | null;
}

/** Slices an already ordered list; an unknown `from` is a 400 like Mollie's "Invalid cursor value". */
export function paginate<T extends { id: string }>(all: T[], from: string | null, limit: number): Page<T> {
  let start = 0;
  if (from !== null && from !== '') {
    start = all.findIndex((x) => x.id === from);
    if (start < 0) throw new MollieHttpError(400, 'Invalid cursor value', 'from');
  }
  const items = all.slice(start, start + limit);
  const next = all[start + limit];
  const previous = start > 0 ? all[Math.max(0, start - limit)] : undefined;
  return { items, previousFrom: previous?.id ?? null, nextFrom: next?.id ?? null };
}

type Link = { href: string; type: string };

function withCursor(base: string, path: string, query: URLSearchParams, from: string, limit: number): Link {
  const q = new URLSearchParams(query);
  q.set('from', from);
  q.set('limit', String(limit));
  return { href: `${base}${path}?${q.toString()}`, type: HAL_JSON };
}

export function listLinks<T>(
  base: string,
  path: string,
  query: URLSearchParams,
  page: Page<T>,
  limit: number,
  documentation: string,
): { self: Link; previous: Link | null; next: Link | null; documentation: Link } {
  const self = new URLSearchParams(query);
  if (!self.has('limit')) self.set('limit', String(limit));
  return {
    self: { href: `${base}${path}?${self.toString()}`, type: HAL_JSON },
    previous: page.previousFrom === null ? null : withCursor(base, path, query, page.previousFrom, limit),
    next: page.nextFrom === null ? null : withCursor(base, path, query, page.nextFrom, limit),
    documentation: { href: documentation, type: 'text/html' },
  };
}
