// `X-Sandbox-Outcome`: a sandbox-only request header, NOT part of Token.io's API. On POST /payouts
// it picks the outcome the payout's test-helper advances lead to, the way Straddle's simulator takes
// `config.sandbox_outcome`, so the gateway's sandbox mode can ask for a bank rejection up front.
// The outcome is kept on the payout state (PayoutState.sandboxOutcome), never serialised; each
// POST /test-helpers/payouts/{id}/advance is one step (test-helpers.ts):
//
//   paid (also: no header)      INITIATION_PENDING → INITIATION_PROCESSING (ACSP)
//                               → INITIATION_COMPLETED (ACSC)
//   failed_insufficient_funds   INITIATION_PENDING → INITIATION_PROCESSING (ACSP)
//                               → INITIATION_REJECTED (RJCT, ISO 20022 AM04)
//   failed_closed_account       … → INITIATION_REJECTED (RJCT, ISO 20022 AC04)
//
// A rejection puts the debited amount back in the available balance, as the fail helper does.
// `canceled` (Token.io payouts cannot be canceled), `on_hold` and `reversed` (no such statuses)
// and any other value are a 400 INVALID_ARGUMENT, and nothing is created. Token.io has no
// idempotency key: a retried create is recognised by its refId, which is refused as a duplicate
// whatever the header says, so the header needs no place in any fingerprint.
import { OUTCOME_HEADER, readSandboxOutcome, type SimRequest } from '../http.ts';

export { OUTCOME_HEADER, outcomeHeader } from '../http.ts';
import { invalidArgument } from './errors.ts';

export const SANDBOX_OUTCOMES = ['paid', 'failed_insufficient_funds', 'failed_closed_account'] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

/** Outcomes other simulators know, refused here with the reason rather than as unknown. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  canceled: 'Token.io payouts cannot be canceled',
  on_hold: 'Token.io payouts cannot be put on hold',
  reversed: 'Token.io payouts cannot be reversed',
};

export function parseSandboxOutcome(req: SimRequest): SandboxOutcome {
  const read = readSandboxOutcome(req, SANDBOX_OUTCOMES, UNSUPPORTED);
  if ('outcome' in read) return read.outcome;
  throw invalidArgument(`\`${OUTCOME_HEADER}\` is not supported: ${read.refused}.`);
}
