// POST /payouts (InitiatePayout) and GET /payouts/{id} (GetPayout). The list is in list.ts.
//
// Funds are checked at initiation against the debtor account's available balance. Short funds do
// not refuse the request: Token.io accepts the initiation and the bank rejects it, so the payout
// exists, already INITIATION_REJECTED (ISO 20022 RJCT, reason AM04 "insufficient funds"), and
// nothing is debited. Otherwise the available balance is debited at once; booked and cleared
// follow when the payout completes (test-helpers.ts).
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, TokenioContext } from './context.ts';
import { notFound } from './errors.ts';
import { newPayoutId } from './ids.ts';
import { validateInitiation } from './payout-rules.ts';
import { jsonBody } from './request.ts';
import { parseSandboxOutcome } from './sandbox-outcome.ts';
import { serializePayout } from './serialize.ts';
import { findPayout, type PayoutState } from './store.ts';

export const INSUFFICIENT_FUNDS_REASON =
  'AM04: Insufficient funds in the settlement account to cover the payout amount.';

export function createPayout(ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const { account } = req;
  // The sandbox-only header is checked before the body: a refused outcome creates nothing.
  const sandboxOutcome = parseSandboxOutcome(req);
  const { initiation, minor, debtor } = validateInitiation(jsonBody(req.rawBody), account);
  const now = ctx.now();
  const covered = minor <= debtor.available;
  const payout: PayoutState = {
    id: newPayoutId(),
    memberId: account.memberId,
    createdAt: now,
    updatedAt: now,
    status: covered ? 'INITIATION_PENDING' : 'INITIATION_REJECTED',
    ...(covered ? {} : { bankPaymentStatus: 'RJCT', statusReasonInformation: INSUFFICIENT_FUNDS_REASON }),
    initiation,
    minor,
    debited: covered,
    sandboxOutcome,
  };
  if (covered) {
    debtor.available -= minor;
    debtor.updatedAt = now;
  }
  account.payouts.push(payout);
  return { status: 200, body: { payout: serializePayout(payout) } };
}

export function getPayout(_ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = findPayout(req.account, id);
  if (!payout) throw notFound('Payout', id);
  return { status: 200, body: { payout: serializePayout(payout) } };
}
