// One Relay connection over several providers. The cursor records, per provider, the id of the
// last item the client has seen (or that the provider is exhausted); each page is a k-way merge
// of the providers' own pages, so every provider's order is kept and nothing is skipped.
import { ValidationError } from '../domain/errors.ts';
import type { ProviderName } from '../domain/provider.ts';
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

function decode(cursor: string): CursorState {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as CursorState;
  } catch {
    // fall through
  }
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
  // A provider with nothing left is not asked again on the next page.
  for (const [i, page] of pages.entries())
    if (!page.items.length && !page.hasMore) cursor[live[i]!.provider] = DONE;
  while (edges.length < limit) {
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
    cursor[provider] = heads[pick] === page.items.length && !page.hasMore ? DONE : idOf(node);
    edges.push({ cursor: encode(cursor), node });
  }
  const hasNextPage = pages.some((p, i) => (heads[i] ?? 0) < p.items.length || p.hasMore);
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
