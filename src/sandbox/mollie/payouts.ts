// Payouts API: create, list, get and cancel, per the spec's `create-payout`, `list-payouts`,
// `get-payout` and `cancel-payout` operations.
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, MollieContext } from './context.ts';
import { HAL_JSON, MollieHttpError, notFound } from './errors.ts';
import { cancelPayout } from './lifecycle.ts';
import { listLinks, paginate, parseLimit } from './pagination.ts';
import { parseSandboxOutcome } from './sandbox-outcome.ts';
import { serializePayout } from './serialize.ts';
import { findBalance, findPayout, newId, parseMinor, type BalanceState, type PayoutState } from './store.ts';

const INVALID_BALANCE = "The 'balanceId' field is invalid.";

/** Parses a JSON object body; anything else is a 400 before any field is looked at. */
export function jsonObject(rawBody: string): Record<string, unknown> {
  if (rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new MollieHttpError(400, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MollieHttpError(400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Validates `amount` against the balance; null means "omitted" (the spec's amount is nullable). */
function requestedAmount(raw: unknown, balance: BalanceState): number | null {
  if (raw === undefined || raw === null) return null;
  const { currency, value } = (typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (typeof currency !== 'string' || typeof value !== 'string') {
    throw new MollieHttpError(
      422,
      "The 'amount' field must be an object with a 'currency' and a 'value'.",
      'amount',
    );
  }
  const minor = parseMinor(value);
  if (minor === null) {
    throw new MollieHttpError(
      422,
      `The amount value '${value}' is invalid: ${currency} amounts need exactly 2 decimals, e.g. "10.00".`,
      'amount',
    );
  }
  if (currency !== balance.currency) {
    throw new MollieHttpError(
      422,
      `The amount currency '${currency}' does not match the balance currency '${balance.currency}'.`,
      'amount',
    );
  }
  if (minor <= 0) throw new MollieHttpError(422, 'The amount must be greater than zero.', 'amount');
  return minor;
}

export function createPayout(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const body = jsonObject(req.rawBody);
  // The sandbox-only header is checked before any field: a refused outcome creates nothing.
  const sandboxOutcome = parseSandboxOutcome(req);
  const { account } = req;
  const balanceId = body.balanceId;
  if (typeof balanceId !== 'string' || !/^bal_.+$/.test(balanceId)) {
    throw new MollieHttpError(422, INVALID_BALANCE, 'balanceId');
  }
  const balance = findBalance(account, balanceId);
  if (!balance) throw new MollieHttpError(422, INVALID_BALANCE, 'balanceId');
  const amount = requestedAmount(body.amount, balance);
  const description = body.description ?? undefined;
  if (description !== undefined && (typeof description !== 'string' || description.length > 255)) {
    throw new MollieHttpError(
      422,
      "The 'description' field must be a string of at most 255 characters.",
      'description',
    );
  }

  // Business rules from the spec's list of immediate failure reasons (the ones a sandbox account
  // can reach; organisation-level blocks and queued refunds do not exist here).
  if (balance.status !== 'active') throw new MollieHttpError(422, 'The balance is not active.', 'balanceId');
  if (balance.transferDestination === null) {
    throw new MollieHttpError(
      422,
      'The payout destination (bank account) of the balance is invalid or not configured.',
      'balanceId',
    );
  }
  if (account.payouts.some((p) => p.balanceId === balance.id && p.status === 'requested')) {
    throw new MollieHttpError(
      422,
      'A payout is already scheduled for the next business day for this balance.',
      'balanceId',
    );
  }
  // A requested amount must be covered now; without one, an empty balance has nothing to pay out.
  if (amount === null ? balance.available <= 0 : amount > balance.available) {
    throw new MollieHttpError(
      422,
      'The balance has insufficient funds for this payout.',
      amount === null ? undefined : 'amount',
    );
  }

  const payout: PayoutState = {
    id: newId('payout_'),
    seq: ctx.store.nextSeq(),
    balanceId: balance.id,
    currency: balance.currency,
    // Without an amount Mollie pays out "the full available balance minus any configured reserve"
    // when it executes the payout: the amount stays null until initiation fixes it (lifecycle.ts).
    amount,
    description: typeof description === 'string' ? description : undefined,
    status: 'requested',
    reasonCode: 'requested',
    createdAt: ctx.now(),
    initiatedAt: null,
    completedAt: null,
    canceledAt: null,
    debited: false,
    sandboxOutcome,
  };
  account.payouts.push(payout);
  // Documented side effect: an API payout pauses automatic settlements for the balance.
  balance.transferFrequency = 'never';
  return { status: 201, contentType: HAL_JSON, body: serializePayout(ctx, payout) };
}

export function listPayouts(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const limit = parseLimit(req.query);
  const sort = req.query.get('sort') || 'desc';
  if (sort !== 'asc' && sort !== 'desc') {
    throw new MollieHttpError(400, `Invalid sort value '${sort}': use 'asc' or 'desc'.`, 'sort');
  }
  const balanceId = req.query.get('balanceId') || null;
  if (balanceId !== null && !/^bal_.+$/.test(balanceId)) {
    throw new MollieHttpError(
      400,
      `Invalid balanceId '${balanceId}': it must look like 'bal_…'.`,
      'balanceId',
    );
  }
  // Oldest first by createdAt, ties (same clock second) by creation order; desc is the reverse.
  const ordered = req.account.payouts
    .filter((p) => balanceId === null || p.balanceId === balanceId)
    .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  if (sort === 'desc') ordered.reverse();
  const page = paginate(ordered, req.query.get('from'), limit);
  return {
    status: 200,
    contentType: HAL_JSON,
    body: {
      count: page.items.length,
      _embedded: { payouts: page.items.map((p) => serializePayout(ctx, p, true)) },
      _links: listLinks(
        ctx.baseUrl(),
        '/v2/payouts',
        req.query,
        page,
        limit,
        'https://docs.mollie.com/reference/list-payouts',
      ),
    },
  };
}

export function getPayout(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = findPayout(req.account, id);
  if (!payout) return notFound('payout', id);
  return { status: 200, contentType: HAL_JSON, body: serializePayout(ctx, payout) };
}

export function deletePayout(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = findPayout(req.account, id);
  if (!payout) return notFound('payout', id);
  cancelPayout(ctx, payout);
  return { status: 200, contentType: HAL_JSON, body: serializePayout(ctx, payout) };
}
