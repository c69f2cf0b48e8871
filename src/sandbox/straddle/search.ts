// GET /v1/payments (ListPayments, "Search payments"): the account's payouts as PaymentSummaryV1,
// paged (paging.ts). Straddle has no GET /v1/payouts list; this is it. The simulator has no
// charges, so `payment_type=charge` alone finds nothing.
//
// Filters combine with AND; array parameters (`payment_type`, `payment_status`, `status_reason`,
// `status_source`) take repeated, bracketed or comma-joined values, any of which matches. Sorting
// defaults to `created_at` descending (newest first); `sort_by` takes created_at, payment_date,
// effective_at, id or amount. `metadata` is only included with `include_metadata=true`.
// `search_text` matches (case-insensitively) the id, external_id or description.
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, StraddleContext } from './context.ts';
import { badRequest } from './errors.ts';
import { paginate, sortBy, sortOrder } from './paging.ts';
import {
  isCalendarDate,
  queryBoolean,
  queryDateTime,
  queryInteger,
  queryList,
  queryUuid,
} from './request.ts';
import { pagedResponse, serializePaymentSummary } from './serialize.ts';
import { PAYMENT_STATUSES, STATUS_REASONS, STATUS_SOURCES, currentStatus, type Payout } from './store.ts';

const SORTS = ['created_at', 'payment_date', 'effective_at', 'id', 'amount'] as const;

function queryDate(query: URLSearchParams, name: string): string | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (!isCalendarDate(raw)) {
    throw badRequest(`Query parameter '${name}' must be a date (YYYY-MM-DD), not '${raw}'.`, [
      { reference: name, detail: 'Must be a date in the format YYYY-MM-DD.' },
    ]);
  }
  return raw;
}

type Check = (p: Payout) => boolean;

/** One predicate per filter given. */
function filters(q: URLSearchParams): Check[] {
  const checks: Check[] = [];
  const add = <T>(value: T | null, check: (p: Payout, v: T) => boolean) => {
    if (value !== null) checks.push((p) => check(p, value));
  };
  const types = queryList(q, 'payment_type', ['charge', 'payout'] as const);
  if (types.length > 0 && !types.includes('payout')) checks.push(() => false);
  const statuses = queryList(q, 'payment_status', PAYMENT_STATUSES);
  if (statuses.length > 0) checks.push((p) => statuses.includes(currentStatus(p).status));
  const reasons = queryList(q, 'status_reason', STATUS_REASONS);
  if (reasons.length > 0) checks.push((p) => reasons.includes(currentStatus(p).reason));
  const sources = queryList(q, 'status_source', STATUS_SOURCES);
  if (sources.length > 0) checks.push((p) => sources.includes(currentStatus(p).source));
  add(queryUuid(q, 'payment_id'), (p, v) => p.id === v);
  add(q.get('external_id') || null, (p, v) => p.externalId === v);
  add(queryUuid(q, 'customer_id'), (p, v) => p.customer.id === v);
  add(queryUuid(q, 'paykey_id'), (p, v) => p.paykey.id === v);
  add(q.get('paykey') || null, (p, v) => p.paykey.token === v);
  add(queryUuid(q, 'funding_id'), (p, v) => p.fundingIds.includes(v));
  add(queryInteger(q, 'min_amount'), (p, v) => p.amount >= v);
  add(queryInteger(q, 'max_amount'), (p, v) => p.amount <= v);
  add(queryDate(q, 'min_payment_date'), (p, v) => p.paymentDate >= v);
  add(queryDate(q, 'max_payment_date'), (p, v) => p.paymentDate <= v);
  add(queryDateTime(q, 'min_created_at'), (p, v) => p.createdAt >= v);
  add(queryDateTime(q, 'max_created_at'), (p, v) => p.createdAt <= v);
  add(queryDateTime(q, 'min_effective_at'), (p, v) => p.effectiveAt !== null && p.effectiveAt >= v);
  add(queryDateTime(q, 'max_effective_at'), (p, v) => p.effectiveAt !== null && p.effectiveAt <= v);
  add(q.get('search_text')?.toLowerCase() || null, (p, v) =>
    [p.id, p.externalId, p.description ?? ''].some((s) => s.toLowerCase().includes(v)),
  );
  return checks;
}

function sortKey(by: (typeof SORTS)[number]): (p: Payout) => string | number | null {
  switch (by) {
    case 'payment_date':
      return (p) => p.paymentDate;
    case 'effective_at':
      return (p) => p.effectiveAt;
    case 'id':
      return (p) => p.id;
    case 'amount':
      return (p) => p.amount;
    default:
      return (p) => p.createdAt;
  }
}

export function searchPayments(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const q = req.query;
  const checks = filters(q);
  const includeMetadata = queryBoolean(q, 'include_metadata') ?? false;
  const by = sortBy(q, SORTS, 'created_at');
  const order = sortOrder(q, 'desc');
  const matching = [...req.account.payouts.values()].filter((p) => checks.every((check) => check(p)));
  const { page, meta } = paginate(matching, q, { by, order, key: sortKey(by) });
  return pagedResponse(
    page.map((p) => serializePaymentSummary(p, includeMetadata)),
    meta,
    ctx.now(),
  );
}
