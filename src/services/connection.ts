// One Relay connection over several providers. The cursor records, per provider, the position of
// the last item the client has seen: its id, or an offset-paged provider's own position (or that
// the provider is exhausted); each page is a k-way merge
// of the providers' own pages, so every provider's order is kept and nothing is skipped.
import { ValidationError } from '../domain/errors.ts';
import { isProviderName, type ProviderName } from '../domain/provider.ts';
import type { Page } from '../providers/types.ts';

type CursorState = Partial<Record<ProviderName, string | null>>;
const DONE = null;

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

const encode = (s: CursorState) => Buffer.from(JSON.stringify(s), 'utf8').toString('base64url');

// Only shapes encode() produces get through: anything else would reach a provider as an id.
const isCursorState = (value: unknown): value is CursorState =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(
    ([k, v]) => isProviderName(k) && (v === DONE || (typeof v === 'string' && v.length > 0)),
  );

function decode(cursor: string): CursorState {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not JSON: refused below
  }
  if (isCursorState(value)) return value;
  throw new ValidationError('after', `'${cursor}' is not a cursor this API issued.`);
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError('first', `first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

export interface Source<T> {
  provider: ProviderName;
  fetch(afterId: string | null, limit: number): Promise<Page<T>>;
}

/**
 * `before(a, b)` orders items across providers (e.g. newer first); items of one provider always
 * keep the provider's order. Ties go to the earlier source.
 */
export async function mergedConnection<T>(
  sources: Source<T>[],
  first: number | null | undefined,
  after: string | null | undefined,
  idOf: (item: T) => string,
  before: (a: T, b: T) => boolean,
): Promise<Connection<T>> {
  const limit = pageSize(first);
  const state: CursorState = after ? decode(after) : {};
  const live = sources.filter((s) => state[s.provider] !== DONE);
  const pages = await Promise.all(live.map((s) => s.fetch(state[s.provider] ?? null, limit)));
  const heads = pages.map(() => 0);
  const edges: Edge<T>[] = [];
  const cursor: CursorState = { ...state };
  // Where a provider stands once its whole page is consumed: done, or past everything it scanned
  // (a capped filter scan may have read well beyond its last match).
  const endOf = (page: Page<T>, lastId: string | null | undefined) =>
    !page.hasMore ? DONE : (page.resumeAfterId ?? lastId);
  for (const [i, page] of pages.entries()) {
    if (page.items.length) continue;
    const provider = live[i]!.provider;
    const at = endOf(page, state[provider]);
    if (at !== undefined) cursor[provider] = at;
  }
  // A source whose page is used up but that has more is out of the running, and its next items
  // may be newer than anything left in the other pages: stop, the next page fetches them first.
  const exhausted = (page: Page<T>, i: number) => page.hasMore && heads[i] === page.items.length;
  while (edges.length < limit && !pages.some(exhausted)) {
    let pick = -1;
    for (const [i, page] of pages.entries()) {
      const item = page.items[heads[i] ?? 0];
      const best = pick < 0 ? undefined : pages[pick]?.items[heads[pick] ?? 0];
      if (item !== undefined && (best === undefined || before(item, best))) pick = i;
    }
    if (pick < 0) break;
    const page = pages[pick]!;
    const idx = heads[pick]!;
    const node = page.items[idx]!;
    heads[pick] = idx + 1;
    const provider = live[pick]!.provider;
    // Offset-paged providers give each item's position; for the others it is the item's id.
    const position = page.positions?.[idx] ?? idOf(node);
    cursor[provider] = heads[pick] === page.items.length ? endOf(page, position) : position;
    edges.push({ cursor: encode(cursor), node });
  }
  const hasNextPage = pages.some((p, i) => (heads[i] ?? 0) < p.items.length || p.hasMore);
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      // Even a page with no edges moves the cursor on (past a capped scan), so the client can go on.
      endCursor: edges.at(-1)?.cursor ?? (hasNextPage ? encode(cursor) : null),
    },
  };
}
