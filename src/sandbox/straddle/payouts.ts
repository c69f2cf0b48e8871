// The payout endpoints: POST /v1/payouts, GET /v1/payouts/{id}, PUT /v1/payouts/{id} (update),
// PUT …/hold, …/release, …/cancel and GET …/unmask. The create rules are in payout-rules.ts and
// the status path in lifecycle.ts.
//
// Windows, from the spec's operation descriptions (which win over Straddle's skills where they
// differ; the skills, for contract 1.0.4, allow update only in created|on_hold and hold only in
// created|scheduled):
//   update   created | scheduled | on_hold   (status unchanged)
//   hold     created | scheduled | on_hold   → on_hold  (user_request, user_action)
//   release  on_hold                         → created  (user_request, user_action)
//   cancel   created | scheduled | on_hold   → cancelled (cancel_request, user_action)
// Outside its window each is a 422 naming the status, in the words Straddle's sandbox uses:
// "Unable to change status of a payment once it is Pending." The `reason` sent becomes the
// change's `message`. An unknown id is a 404 (the spec lists none for the PUTs, but an id of
// another account or none at all is "not found", as on the GETs).
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, StraddleContext } from './context.ts';
import { notFound, unprocessable } from './errors.ts';
import { CREATED, changeStatus, displayStatus, emitPayout, type Change } from './lifecycle.ts';
import { statusReason, validateCreate, validateUpdate } from './payout-rules.ts';
import { objectResponse, serializePayout } from './serialize.ts';
import { currentStatus, type PaymentStatus, type Payout } from './store.ts';

const OPEN: readonly PaymentStatus[] = ['created', 'scheduled', 'on_hold'];

export function createPayout(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const now = ctx.now();
  const valid = validateCreate(req, now);
  const customer = req.account.customers.get(valid.paykey.customerId);
  if (!customer) throw unprocessable('The paykey has no customer.', 'paykey');
  const payout: Payout = {
    id: randomUUID(),
    paykey: valid.paykey,
    customer,
    amount: valid.amount,
    currency: 'USD',
    description: valid.description,
    paymentDate: valid.paymentDate,
    device: valid.device,
    externalId: valid.externalId,
    config: valid.config,
    metadata: valid.metadata,
    history: [{ ...CREATED, changedAt: now }],
    fundingIds: [],
    traceIds: {},
    createdAt: now,
    updatedAt: now,
    processedAt: null,
    effectiveAt: null,
    limitHoldDone: false,
    seq: ctx.store.nextSeq(),
  };
  // auto_hold: created straight into a hold of the platform's choosing (Straddle lists auto_hold
  // among its watchtower hold reasons), to be released after the platform's own review. The create
  // answer and both create webhooks then already show `on_hold` (history: created, on_hold).
  if (valid.config.auto_hold) {
    changeStatus(
      payout,
      {
        status: 'on_hold',
        reason: 'auto_hold',
        source: 'watchtower',
        code: null,
        message: valid.config.auto_hold_message ?? 'Payment automatically placed on hold.',
      },
      now,
    );
  }
  req.account.payouts.set(payout.id, payout);
  emitPayout(ctx, req.account, payout, true);
  return objectResponse(201, serializePayout(payout), now);
}

function found(req: AuthedRequest): Payout {
  const id = req.params.id ?? '';
  const payout = req.account.payouts.get(id);
  if (!payout) throw notFound('Payout', id);
  return payout;
}

export function getPayout(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  return objectResponse(200, serializePayout(found(req)), ctx.now());
}

/** PayoutUnmaskedV1: the same payout with its full paykey token. */
export function unmaskPayout(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  return objectResponse(200, serializePayout(found(req), true), ctx.now());
}

const lockedMessage = (status: PaymentStatus) =>
  `Unable to change status of a payment once it is ${displayStatus(status)}.`;

export function updatePayout(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const payout = found(req);
  const now = ctx.now();
  const update = validateUpdate(req, now);
  const status = currentStatus(payout).status;
  if (!OPEN.includes(status)) {
    throw unprocessable(`Unable to update a payment once it is ${displayStatus(status)}.`);
  }
  payout.amount = update.amount;
  payout.description = update.description;
  payout.paymentDate = update.paymentDate;
  if (update.metadata !== undefined) payout.metadata = update.metadata;
  payout.updatedAt = now;
  emitPayout(ctx, req.account, payout);
  return objectResponse(200, serializePayout(payout), now);
}

/** A user status change: 422 outside `allowed`, else the change, a webhook and the payout. */
function userChange(
  ctx: StraddleContext,
  req: AuthedRequest,
  allowed: readonly PaymentStatus[],
  change: (message: string) => Change,
  refused: (status: PaymentStatus) => string = lockedMessage,
): SimResponse {
  const payout = found(req);
  const message = statusReason(req);
  const status = currentStatus(payout).status;
  if (!allowed.includes(status)) throw unprocessable(refused(status));
  const now = ctx.now();
  changeStatus(payout, change(message), now);
  emitPayout(ctx, req.account, payout);
  return objectResponse(200, serializePayout(payout), now);
}

export const holdPayout = (ctx: StraddleContext, req: AuthedRequest) =>
  userChange(ctx, req, OPEN, (message) => ({
    status: 'on_hold',
    reason: 'user_request',
    source: 'user_action',
    code: null,
    message,
  }));

export const releasePayout = (ctx: StraddleContext, req: AuthedRequest) =>
  userChange(
    ctx,
    req,
    ['on_hold'],
    (message) => ({ status: 'created', reason: 'user_request', source: 'user_action', code: null, message }),
    (status) =>
      status === 'created' || status === 'scheduled'
        ? `Unable to release a payment that is not on hold; it is ${displayStatus(status)}.`
        : lockedMessage(status),
  );

export const cancelPayout = (ctx: StraddleContext, req: AuthedRequest) =>
  userChange(ctx, req, OPEN, (message) => ({
    status: 'cancelled',
    reason: 'cancel_request',
    source: 'user_action',
    code: null,
    message,
  }));
