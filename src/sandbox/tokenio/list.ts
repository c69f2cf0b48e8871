// GET /payouts (GetPayouts): filters, newest first, and PagingInfo paging.
//
// `limit` is required (1+; above 200 it is clamped to 200, as PagingInfo describes). The answer's
// `paging.offset` is the offset of the NEXT page, present only when this page is full: fewer than
// `limit` payouts means there are no more. The offset is opaque; here it encodes the position of the
// page's last payout (not a count), so payouts created between two page requests neither repeat nor
// shift what the next page holds. Order: createdDateTime descending, ties by id descending.
//
// Filters combine with AND. `ids`, `statuses` and `refIds` are repeated parameters (style form,
// explode); `invertIds`/`invertStatuses` turn their list into an exclusion (with no list, nothing is
// excluded). `startDate`/`endDate` are inclusive UTC days on createdDateTime; a start after the end
// is a 400 (the spec is silent; an empty page would hide the caller's mistake).
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, TokenioContext } from './context.ts';
import { invalidArgument } from './errors.ts';
import { decodeOffset, encodeOffset, queryBoolean, queryInteger } from './request.ts';
import { serializePayout } from './serialize.ts';
import { PAYOUT_STATUSES, type PayoutState, type PayoutStatus } from './store.ts';

export const MAX_LIMIT = 200;
const DAY_MS = 86_400_000;

interface Position {
  createdAt: number;
  id: string;
}

/** Negative when `a` comes first in the list (newest first, then id descending). */
const byNewest = (a: Position, b: Position) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function parseLimit(query: URLSearchParams): number {
  const limit = queryInteger(query, 'limit');
  if (limit === null) throw invalidArgument('Query parameter `limit` is required.');
  if (limit < 1) throw invalidArgument(`Query parameter \`limit\` must be at least 1, not ${limit}.`);
  return Math.min(limit, MAX_LIMIT);
}

/** Start (or, with `endOfDay`, last millisecond) of a `YYYY-MM-DD` UTC day; null when absent. */
function day(query: URLSearchParams, name: string, endOfDay: boolean): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw) {
    throw invalidArgument(
      `Query parameter \`${name}\` must be a date in the format YYYY-MM-DD, not "${raw}".`,
    );
  }
  return endOfDay ? ms + DAY_MS - 1 : ms;
}

function statuses(query: URLSearchParams): PayoutStatus[] {
  const all = query.getAll('statuses');
  for (const s of all) {
    if (!(PAYOUT_STATUSES as readonly string[]).includes(s)) {
      throw invalidArgument(`Unknown payout status "${s}": use one of ${PAYOUT_STATUSES.join(', ')}.`);
    }
  }
  return all as PayoutStatus[];
}

function cursor(query: URLSearchParams): Position | null {
  const raw = query.get('offset');
  if (raw === null || raw === '') return null;
  try {
    const [createdAt, id] = JSON.parse(decodeOffset(raw, 'po')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // Falls through to the 400 below.
  }
  throw invalidArgument(`Invalid offset "${raw}".`);
}

/** A predicate for each filter given; the payout must pass them all. */
function filters(query: URLSearchParams): ((p: PayoutState) => boolean)[] {
  const out: ((p: PayoutState) => boolean)[] = [];
  const from = day(query, 'startDate', false);
  const to = day(query, 'endDate', true);
  if (from !== null && to !== null && from > to) {
    throw invalidArgument('`startDate` must not be after `endDate`.');
  }
  if (from !== null) out.push((p) => p.createdAt >= from);
  if (to !== null) out.push((p) => p.createdAt <= to);
  const ids = query.getAll('ids');
  const invertIds = queryBoolean(query, 'invertIds');
  if (ids.length > 0) out.push((p) => ids.includes(p.id) !== invertIds);
  const wanted = statuses(query);
  const invertStatuses = queryBoolean(query, 'invertStatuses');
  if (wanted.length > 0) out.push((p) => wanted.includes(p.status) !== invertStatuses);
  const refIds = query.getAll('refIds');
  if (refIds.length > 0) out.push((p) => refIds.includes(p.initiation.refId));
  const onBehalfOfId = query.get('onBehalfOfId');
  if (onBehalfOfId) out.push((p) => p.initiation.onBehalfOfId === onBehalfOfId);
  return out;
}

export function listPayouts(_ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const limit = parseLimit(req.query);
  const checks = filters(req.query);
  const after = cursor(req.query);
  const matching = req.account.payouts
    .filter((p) => checks.every((check) => check(p)))
    .filter((p) => after === null || byNewest(p, after) > 0)
    .sort(byNewest);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  const full = page.length === limit && last !== undefined;
  return {
    status: 200,
    body: {
      payouts: page.map(serializePayout),
      paging: {
        limit,
        ...(full ? { offset: encodeOffset('po', JSON.stringify([last.createdAt, last.id])) } : {}),
      },
    },
  };
}
