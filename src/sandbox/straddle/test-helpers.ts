// Test-helper API. NOT part of Straddle: in Straddle's sandbox a payout moves on by itself (or, for
// payouts, often not at all: Straddle's skills record sandbox payouts stuck in `pending`), so tests
// and the gateway's sandbox mode drive it instead. Authenticated as the account (another account's
// payout is a 404), answered in Straddle's envelope, never hit by injected faults, and outside
// idempotency.
//
//   POST /test-helpers/payouts/{id}/advance   one step along the payout's sandbox_outcome path
//                                             (lifecycle.ts) → 200 PayoutV1 envelope and a
//                                             payout.event.v1 webhook. No next step (on_hold, a
//                                             final status, paid without a reversal, or scheduled
//                                             before its payment_date) → 422 naming the status.
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, StraddleContext } from './context.ts';
import { easternDate } from './dates.ts';
import { notFound } from './errors.ts';
import { changeStatus, emitPayout, nextStep } from './lifecycle.ts';
import { objectResponse, serializePayout } from './serialize.ts';

export function advancePayout(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = req.account.payouts.get(id);
  if (!payout) throw notFound('Payout', id);
  const now = ctx.now();
  changeStatus(payout, nextStep(payout, easternDate(now)), now);
  emitPayout(ctx, req.account, payout);
  return objectResponse(200, serializePayout(payout), now);
}
