// One Relay connection over several providers. The cursor records, per provider, the position of
// the last item the client has seen: its id, or an offset-paged provider's own position (or that
// the provider is exhausted).
import { ProviderRejectedError, ProviderUnavailableError, ValidationError } from '../domain/errors.ts';
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

/** A provider that failed during a federated read: the others' results came back without it. */
export interface ProviderFailure {
  provider: ProviderName;
  code: string;
  message: string;
}

export interface FederatedConnection<T> extends Connection<T> {
  providerErrors: ProviderFailure[];
}

export interface MergeOptions<T> {
  idOf: (item: T) => string;
  /** The order across providers (e.g. newer first, ties by id); each provider's own order is kept. */
  before: (a: T, b: T) => boolean;
  /**
   * True when `item` surely comes before anything a provider has not yet shown after `frontier`
   * (the last item it scanned): e.g. strictly newer. Lets other providers go on while one whose
   * filtered page matched little has more to read. Without it such a provider stops the page.
   */
  ahead?: (item: T, frontier: T) => boolean;
  /**
   * A federated read: a provider that fails is reported in `providerErrors` and the others answer.
   * Otherwise (one provider asked for by name) its failure is the field's error.
   */
  partial: boolean;
}

/**
 * A failed read of a federated (`partial`) request as a ProviderFailure; anything else (one provider
 * asked for by name, a bad cursor, a bug) is thrown: only the provider's own failures are partial.
 */
export function federatedFailure(error: unknown, provider: ProviderName, partial: boolean): ProviderFailure {
  if (partial && (error instanceof ProviderUnavailableError || error instanceof ProviderRejectedError))
    return { provider, code: error.code, message: error.message };
  throw error;
}

/**
 * One page over every source: a k-way merge of the providers' own pages (one call each), so every
 * provider's order is kept and nothing is skipped. A provider that failed keeps its position in the
 * cursor: the next page asks it again from there (its items then arrive late rather than never).
 */
export async function mergedConnection<T>(
  sources: Source<T>[],
  first: number | null | undefined,
  after: string | null | undefined,
  options: MergeOptions<T>,
): Promise<FederatedConnection<T>> {
  const { idOf, before, ahead } = options;
  const limit = pageSize(first);
  const state: CursorState = after ? decode(after) : {};
  const asked = sources.filter((s) => state[s.provider] !== DONE);
  const settled = await Promise.allSettled(asked.map((s) => s.fetch(state[s.provider] ?? null, limit)));
  const providerErrors: ProviderFailure[] = [];
  const live: Source<T>[] = [];
  const pages: Page<T>[] = [];
  for (const [i, result] of settled.entries()) {
    const source = asked[i]!;
    if (result.status === 'fulfilled') {
      live.push(source);
      pages.push(result.value);
      continue;
    }
    providerErrors.push(federatedFailure(result.reason, source.provider, options.partial));
  }
  const heads = pages.map(() => 0);
  const edges: Edge<T>[] = [];
  const cursor: CursorState = { ...state };
  // Where a provider stands once its whole page is consumed: done, or past everything it scanned
  // (a filter applied here may have read well beyond its last match).
  const endOf = (page: Page<T>, lastId: string | null | undefined) =>
    !page.hasMore ? DONE : (page.resumeAfterId ?? lastId);
  for (const [i, page] of pages.entries()) {
    if (page.items.length) continue;
    const provider = live[i]!.provider;
    const at = endOf(page, state[provider]);
    if (at !== undefined) cursor[provider] = at;
  }
  // A source whose page is used up but that has more may hold items newer than anything left in
  // the other pages: only items surely ahead of its frontier may go before the next page reads it.
  const blocks = (i: number, item: T) => {
    const page = pages[i]!;
    if (!page.hasMore || heads[i] !== page.items.length) return false;
    const frontier = page.scanned ?? page.items.at(-1);
    return !(ahead && frontier !== undefined && ahead(item, frontier));
  };
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
    if (pages.some((_, i) => i !== pick && blocks(i, node))) break;
    heads[pick] = idx + 1;
    const provider = live[pick]!.provider;
    // Offset-paged providers give each item's position; for the others it is the item's id.
    const position = page.positions?.[idx] ?? idOf(node);
    cursor[provider] = heads[pick] === page.items.length ? endOf(page, position) : position;
    edges.push({ cursor: encode(cursor), node });
  }
  // hasNextPage speaks for the providers that answered; a failed one's position is in endCursor.
  const hasNextPage = pages.some((p, i) => (heads[i] ?? 0) < p.items.length || p.hasMore);
  return {
    edges,
    providerErrors,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      // Even a page with no edges moves the cursor on (past a capped scan), so the client can go on.
      endCursor: edges.at(-1)?.cursor ?? (hasNextPage || providerErrors.length ? encode(cursor) : null),
    },
  };
}
