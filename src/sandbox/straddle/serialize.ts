// Resources as Straddle returns them, and the success envelopes around them. Unset optional fields
// are sent as null where the spec marks them nullable (Straddle's .NET backend writes nulls), and
// `status_details.code` is always present (the webhook schema requires it).
import type { SimResponse } from '../http.ts';
import { maskAccountNumber, maskPaykey } from './bank.ts';
import { isoTime } from './dates.ts';
import { responseMeta } from './errors.ts';
import { currentStatus, type Customer, type Paykey, type Payout, type StatusChange } from './store.ts';

type Json = Record<string, unknown>;

/** `{data, meta, response_type: "object"}`. */
export function objectResponse(status: number, data: Json, nowMs: number): SimResponse {
  return { status, body: { data, meta: responseMeta(nowMs), response_type: 'object' } };
}

export interface PageMeta {
  page_number: number;
  page_size: number;
  max_page_size: number;
  total_items: number;
  total_pages: number;
  sort_by: string;
  sort_order: 'asc' | 'desc';
}

/** `{data: [...], meta: PagedResponseMetadata, response_type: "array"}`. */
export function pagedResponse(data: Json[], page: PageMeta, nowMs: number): SimResponse {
  return { status: 200, body: { data, meta: { ...responseMeta(nowMs), ...page }, response_type: 'array' } };
}

function details(change: Omit<StatusChange, 'status'>): Json {
  return {
    changed_at: isoTime(change.changedAt),
    message: change.message,
    reason: change.reason,
    source: change.source,
    code: change.code,
  };
}

const historyEntry = (change: StatusChange): Json => ({ status: change.status, ...details(change) });

export function serializeCustomer(c: Customer): Json {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    email: c.email,
    phone: c.phone,
    external_id: c.externalId,
    status: c.status,
    created_at: isoTime(c.createdAt),
    updated_at: isoTime(c.updatedAt),
    address: c.address,
    device: { ...c.device },
    metadata: c.metadata,
    config: { ...c.config },
  };
}

/**
 * The paykey views, one per spec schema: `create` and `get` are PaykeyV1 (full token only on
 * create), `unmasked` PayKeyUnmaskedV1 (full token and account number), `reveal` RevealPaykeyV1
 * (full token), `summary` PaykeySummaryV1 (list items), `event` PaykeyEventV1 (webhooks, which
 * carry the full token). Bank account numbers are masked everywhere but `unmasked`.
 */
export type PaykeyView = 'create' | 'get' | 'unmasked' | 'reveal' | 'summary' | 'event';

export function serializePaykey(p: Paykey, view: PaykeyView): Json {
  const fullToken = view === 'create' || view === 'unmasked' || view === 'reveal' || view === 'event';
  const out: Json = {
    id: p.id,
    paykey: fullToken ? p.token : maskPaykey(p.token),
    customer_id: p.customerId,
    label: p.label,
    source: 'bank_account',
    institution_name: p.institutionName,
    status: p.status,
    status_details: details(p.statusDetails),
    expires_at: null,
    created_at: isoTime(p.createdAt),
    updated_at: isoTime(p.updatedAt),
    bank_data: {
      routing_number: p.routingNumber,
      account_number: view === 'unmasked' ? p.accountNumber : maskAccountNumber(p.accountNumber),
      account_type: p.accountType,
    },
  };
  if (view !== 'summary') out.metadata = p.metadata === null ? null : { ...p.metadata };
  if (view !== 'event') {
    out.config = { ...p.config };
    out.external_id = p.externalId;
  }
  // Only set for blocked paykeys (R29), which this simulator never makes: null.
  if (view === 'create' || view === 'get' || view === 'summary') out.unblock_eligible = null;
  return out;
}

function payoutCore(p: Payout): Json {
  const now = currentStatus(p);
  return {
    id: p.id,
    amount: p.amount,
    currency: p.currency,
    description: p.description,
    payment_date: p.paymentDate,
    external_id: p.externalId,
    status: now.status,
    status_details: details(now),
    customer_details: {
      id: p.customer.id,
      name: p.customer.name,
      email: p.customer.email,
      phone: p.customer.phone,
      customer_type: p.customer.type,
    },
    paykey_details: { id: p.paykey.id, customer_id: p.paykey.customerId, label: p.paykey.label },
    created_at: isoTime(p.createdAt),
    updated_at: isoTime(p.updatedAt),
    effective_at: p.effectiveAt === null ? null : isoTime(p.effectiveAt),
    funding_ids: [...p.fundingIds],
    related_payments: {},
  };
}

/** PayoutV1 (`unmasked`: PayoutUnmaskedV1, the /unmask answer, with the full paykey token). */
export function serializePayout(p: Payout, unmasked = false): Json {
  return {
    ...payoutCore(p),
    payment_rail: 'ach',
    paykey: unmasked ? p.paykey.token : maskPaykey(p.paykey.token),
    device: { ...p.device },
    config: { ...p.config },
    status_history: p.history.map(historyEntry),
    processed_at: p.processedAt === null ? null : isoTime(p.processedAt),
    metadata: p.metadata === null ? null : { ...p.metadata },
    trace_ids: { ...p.traceIds },
  };
}

/** PaymentSummaryV1, a `GET /v1/payments` item (no payment_rail in its schema); metadata only when asked for. */
export function serializePaymentSummary(p: Payout, includeMetadata: boolean): Json {
  return {
    ...payoutCore(p),
    payment_type: 'payout',
    paykey: maskPaykey(p.paykey.token),
    funding_id: p.fundingIds[0] ?? null,
    trace_ids: { ...p.traceIds },
    ...(includeMetadata ? { metadata: p.metadata === null ? null : { ...p.metadata } } : {}),
  };
}

/**
 * PayoutEventV1, the `data` of payout webhooks: the payout as it is now, within the webhook
 * schema. That schema has `consent_type` (required; payouts have no consent type of their own, so
 * `internet`), no `trace_ids`, and an empty `config` object (PayoutConfigurationEventV1 lists no
 * properties and forbids others), so those follow it. The token is masked, as in REST reads.
 */
export function serializePayoutEvent(p: Payout): Json {
  return {
    ...payoutCore(p),
    payment_rail: 'ach',
    paykey: maskPaykey(p.paykey.token),
    consent_type: 'internet',
    device: { ...p.device },
    config: {},
    status_history: p.history.map(historyEntry),
    processed_at: p.processedAt === null ? null : isoTime(p.processedAt),
    metadata: p.metadata === null ? null : { ...p.metadata },
  };
}
