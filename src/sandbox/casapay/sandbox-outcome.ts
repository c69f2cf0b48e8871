// `X-Sandbox-Outcome`: a sandbox-only request header, NOT part of CasaPay's (Stripe's) API. On
// POST /v1/payouts it picks the outcome the payout's test-helper advances lead to, the way
// Straddle's simulator takes `config.sandbox_outcome`, so the gateway's sandbox mode can ask for a
// failure without a second call. The outcome is kept beside the payout (StoredPayout.outcome),
// never in its body; each POST /v1/test_helpers/payouts/{id}/advance is one step (test-helpers.ts):
//
//   paid (also: no header)      pending → in_transit → paid
//   canceled                    pending → canceled (as POST /v1/payouts/{id}/cancel: refund and
//                               payout.canceled)
//   failed_insufficient_funds   pending → in_transit → failed, failure_code insufficient_funds
//   failed_closed_account       pending → in_transit → failed, failure_code account_closed
//
// The failures refund the balance and send payout.failed, as the fail helper does. `on_hold` and
// `reversed` (CasaPay has no such statuses) and any other value are a 400 invalid_request_error
// with param `X-Sandbox-Outcome`: nothing is created, and (a parameter error) nothing is kept under
// the Idempotency-Key. The header is part of the idempotency fingerprint (dispatch.ts): reusing a
// key with another outcome is a different request, answered with idempotency_error.
import { OUTCOME_HEADER, readSandboxOutcome, type SimRequest } from '../http.ts';

export { OUTCOME_HEADER, outcomeHeader } from '../http.ts';
import { invalidParam } from './errors.ts';

export const SANDBOX_OUTCOMES = [
  'paid',
  'canceled',
  'failed_insufficient_funds',
  'failed_closed_account',
] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

/** Outcomes other simulators know, refused here with the reason rather than as unknown. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  on_hold: 'CasaPay payouts have no on_hold status',
  reversed: 'CasaPay payouts have no reversed status',
};

/** Stripe's failure_code for each failed_* outcome. */
export const OUTCOME_FAILURE_CODE: Readonly<Partial<Record<SandboxOutcome, string>>> = {
  failed_insufficient_funds: 'insufficient_funds',
  failed_closed_account: 'account_closed',
};

export function parseSandboxOutcome(req: SimRequest): SandboxOutcome {
  const read = readSandboxOutcome(req, SANDBOX_OUTCOMES, UNSUPPORTED);
  if ('outcome' in read) return read.outcome;
  throw invalidParam(OUTCOME_HEADER, `Invalid ${OUTCOME_HEADER} header: ${read.refused}.`);
}
