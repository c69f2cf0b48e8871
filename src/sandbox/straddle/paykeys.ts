// Paykeys from bank account details: POST /v1/bridge/bank_account (CreateBankAccountPaykey), and
// GET /v1/paykeys (paged), /v1/paykeys/{id}, /{id}/unmasked and /{id}/reveal.
//
// Rules: `routing_number` must be 9 digits (400, the spec's minLength/maxLength) and pass the ABA
// checksum (422: well-formed but not a routing number); `account_number` 4–17 digits (the ACH
// limit); the customer must exist in the account (422 naming `customer_id`: this operation has no
// 404 in the spec) and not be `rejected` or `inactive`. `config.sandbox_outcome` sets the status
// at once: `active` (and `standard`, which in the real sandbox runs name-match checks that reject
// test identities: here it activates), `review` or `rejected`.
//
// /reveal is not in the spec snapshot's paths (Straddle's SDKs and skills have it; its schema,
// RevealPaykeyV1, is): the full token with masked bank data. /unmasked also unmasks the account.
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../http.ts';
import { institutionName, isValidRoutingNumber, newPaykeyToken, paykeyLabel } from './bank.ts';
import type { AuthedRequest, StraddleContext } from './context.ts';
import { notFound, unprocessable } from './errors.ts';
import { paginate, sortBy, sortOrder } from './paging.ts';
import { Fields, jsonBody, queryDateTime, queryList, queryUuid } from './request.ts';
import { objectResponse, pagedResponse, serializePaykey, type PaykeyView } from './serialize.ts';
import type { Paykey, PaykeyStatus, StatusChange } from './store.ts';

const FIELDS = [
  'customer_id',
  'routing_number',
  'account_number',
  'account_type',
  'metadata',
  'config',
  'external_id',
];
const PAYKEY_OUTCOMES = ['standard', 'active', 'rejected', 'review'] as const;
const PAYKEY_STATUSES = ['pending', 'active', 'inactive', 'rejected', 'review', 'blocked'] as const;
const PAYKEY_SOURCES = ['bank_account', 'straddle', 'mx', 'plaid', 'tan', 'quiltt'] as const;

type Details = Omit<StatusChange, 'status' | 'changedAt'>;

const OUTCOME: Record<(typeof PAYKEY_OUTCOMES)[number], { status: PaykeyStatus; details: Details }> = {
  standard: {
    status: 'active',
    details: { reason: 'ok', source: 'system', code: null, message: 'Paykey is active.' },
  },
  active: {
    status: 'active',
    details: { reason: 'ok', source: 'system', code: null, message: 'Paykey is active.' },
  },
  review: {
    status: 'review',
    details: {
      reason: 'require_review',
      source: 'watchtower',
      code: null,
      message: 'Paykey requires review.',
    },
  },
  rejected: {
    status: 'rejected',
    details: {
      reason: 'failed_verification',
      source: 'watchtower',
      code: null,
      message: 'Bank account verification failed.',
    },
  },
};

export function createBankAccountPaykey(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const body = jsonBody(req.rawBody);
  const f = new Fields(body);
  f.onlyKnown(FIELDS);
  const customerId = f.string('customer_id');
  const routing = f.string('routing_number');
  if (typeof routing === 'string' && !/^\d{9}$/.test(routing)) {
    f.add('routing_number', "'routing_number' must be exactly 9 digits.");
  }
  const accountNumber = f.string('account_number');
  if (typeof accountNumber === 'string' && !/^\d{4,17}$/.test(accountNumber)) {
    f.add('account_number', "'account_number' must be 4 to 17 digits.");
  }
  const accountType = f.enumValue('account_type', ['checking', 'savings'] as const);
  const metadata = f.metadata();
  const externalId = f.string('external_id', { optional: true });
  const rawConfig = f.object('config', true);
  let outcome: (typeof PAYKEY_OUTCOMES)[number] = 'standard';
  let processing: string | undefined;
  if (rawConfig) {
    const c = f.child('config', rawConfig);
    c.onlyKnown(['sandbox_outcome', 'processing_method']);
    outcome = c.enumValue('sandbox_outcome', PAYKEY_OUTCOMES, true) ?? 'standard';
    processing = c.enumValue('processing_method', ['inline', 'background', 'skip'] as const, true);
  }
  f.done();

  const customer = req.account.customers.get(customerId as string);
  if (!customer) throw unprocessable(`Customer with id '${customerId}' was not found.`, 'customer_id');
  if (customer.status === 'rejected' || customer.status === 'inactive') {
    throw unprocessable(
      `Customer '${customer.id}' is ${customer.status}: it cannot link bank accounts.`,
      'customer_id',
    );
  }
  if (!isValidRoutingNumber(routing as string)) {
    throw unprocessable(
      `'${routing}' is not a valid ABA routing number (checksum failed).`,
      'routing_number',
    );
  }
  const now = ctx.now();
  const institution = institutionName(routing as string);
  const result = OUTCOME[outcome];
  const paykey: Paykey = {
    id: randomUUID(),
    token: newPaykeyToken(),
    customerId: customer.id,
    routingNumber: routing as string,
    accountNumber: accountNumber as string,
    accountType: accountType as Paykey['accountType'],
    institutionName: institution,
    label: paykeyLabel(institution, accountNumber as string),
    status: result.status,
    statusDetails: { ...result.details, changedAt: now },
    externalId: externalId ?? null,
    metadata: metadata ?? null,
    config: { sandbox_outcome: outcome, ...(processing ? { processing_method: processing } : {}) },
    createdAt: now,
    updatedAt: now,
    seq: ctx.store.nextSeq(),
  };
  req.account.paykeys.set(paykey.id, paykey);
  const event = serializePaykey(paykey, 'event');
  ctx.webhooks.emit(req.account, 'paykey.created.v1', event);
  ctx.webhooks.emit(req.account, 'paykey.event.v1', event);
  return objectResponse(201, serializePaykey(paykey, 'create'), now);
}

function found(req: AuthedRequest): Paykey {
  const id = req.params.id ?? '';
  const paykey = req.account.paykeys.get(id);
  if (!paykey) throw notFound('Paykey', id);
  return paykey;
}

const view =
  (v: PaykeyView) =>
  (ctx: StraddleContext, req: AuthedRequest): SimResponse =>
    objectResponse(200, serializePaykey(found(req), v), ctx.now());

export const getPaykey = view('get');
export const getPaykeyUnmasked = view('unmasked');
export const revealPaykey = view('reveal');

/** GET /v1/paykeys: filters `customer_id`, `status`, `source`, created_from/to; newest first by default. */
export function listPaykeys(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const q = req.query;
  const customerId = queryUuid(q, 'customer_id');
  const statuses = queryList(q, 'status', PAYKEY_STATUSES);
  const sources = queryList(q, 'source', PAYKEY_SOURCES);
  const from = queryDateTime(q, 'created_from');
  const to = queryDateTime(q, 'created_to');
  const by = sortBy(q, ['institution_name', 'expires_at', 'created_at'] as const, 'created_at');
  const order = sortOrder(q, 'desc');
  const items = [...req.account.paykeys.values()].filter(
    (p) =>
      (!customerId || p.customerId === customerId) &&
      (statuses.length === 0 || statuses.includes(p.status)) &&
      (sources.length === 0 || sources.includes('bank_account')) &&
      (from === null || p.createdAt >= from) &&
      (to === null || p.createdAt <= to),
  );
  const key = (p: Paykey) =>
    by === 'institution_name' ? p.institutionName : by === 'expires_at' ? null : p.createdAt;
  const { page, meta } = paginate(items, q, { by, order, key });
  return pagedResponse(
    page.map((p) => serializePaykey(p, 'summary')),
    meta,
    ctx.now(),
  );
}
