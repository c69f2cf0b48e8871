// Stripe's list contract: newest first, cursor paging on object ids, `has_more` instead of totals.
// Cursors are positions in the unfiltered order, so paging stays stable while filters apply.
import { invalidParam, invalidRequest, noSuch, type ObjectKind } from './errors.ts';
import type { Stored } from './store.ts';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export const PAGING_PARAMS = ['limit', 'starting_after', 'ending_before'] as const;

/** Larger tuples are newer; compared element by element. */
export type Rank<T> = (stored: Stored<T>) => readonly number[];

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return 10;
  if (!/^-?\d+$/.test(raw)) {
    throw invalidParam('limit', `Invalid integer: ${raw}`, 'parameter_invalid_integer');
  }
  const limit = Number(raw);
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', `Invalid limit: must be between 1 and 100, got ${raw}.`);
  }
  return limit;
}

export function paginate<T>(options: {
  items: Map<string, Stored<T>>;
  query: URLSearchParams;
  url: string;
  kind: ObjectKind;
  rank: Rank<T>;
  match?: (object: T) => boolean;
}): ListPage<T> {
  const { items, query, rank, match = () => true } = options;
  const limit = parseLimit(query);
  const startingAfter = query.get('starting_after');
  const endingBefore = query.get('ending_before');
  if (startingAfter !== null && endingBefore !== null) {
    throw invalidRequest(
      'You may only specify one of these parameters: starting_after, ending_before.',
      'parameters_exclusive',
    );
  }
  const cursorRank = (param: string, id: string): readonly number[] => {
    const cursor = items.get(id);
    if (!cursor) throw noSuch(options.kind, id, param);
    return rank(cursor);
  };
  const newestFirst = [...items.values()].sort((a, b) => compare(rank(b), rank(a)));
  let data: Stored<T>[];
  let hasMore: boolean;
  if (endingBefore !== null) {
    const pivot = cursorRank('ending_before', endingBefore);
    const newer = newestFirst.filter((s) => compare(rank(s), pivot) > 0 && match(s.object));
    // The page is the `limit` items closest to the cursor, still listed newest first.
    data = newer.slice(Math.max(0, newer.length - limit));
    hasMore = newer.length > limit;
  } else {
    const pivot = startingAfter === null ? null : cursorRank('starting_after', startingAfter);
    const older = newestFirst.filter(
      (s) => (pivot === null || compare(rank(s), pivot) < 0) && match(s.object),
    );
    data = older.slice(0, limit);
    hasMore = older.length > limit;
  }
  return {
    object: 'list',
    data: data.map((s) => structuredClone(s.object)),
    has_more: hasMore,
    url: options.url,
  };
}

export type Range = { eq?: number; gt?: number; gte?: number; lt?: number; lte?: number };

const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

/** `created=…` or `created[gte]=…`-style bracket filters on a unix-seconds field. */
export function parseRange(query: URLSearchParams, name: string): Range | null {
  const range: Range = {};
  let any = false;
  const read = (param: string): number | undefined => {
    const raw = query.get(param);
    if (raw === null) return undefined;
    if (!/^\d+$/.test(raw)) throw invalidParam(param, `Invalid integer: ${raw}`, 'parameter_invalid_integer');
    any = true;
    return Number(raw);
  };
  const eq = read(name);
  if (eq !== undefined) range.eq = eq;
  for (const op of RANGE_OPS) {
    const v = read(`${name}[${op}]`);
    if (v !== undefined) range[op] = v;
  }
  return any ? range : null;
}

export function rangeParamNames(name: string): string[] {
  return [name, ...RANGE_OPS.map((op) => `${name}[${op}]`)];
}

export function inRange(value: number, range: Range | null): boolean {
  if (!range) return true;
  if (range.eq !== undefined && value !== range.eq) return false;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}
