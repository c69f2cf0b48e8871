// `X-Sandbox-Outcome`: a sandbox-only request header, NOT part of Mollie's API. On POST /v2/payouts
// it picks the outcome the payout's test-helper advances lead to, the way Straddle's simulator takes
// `config.sandbox_outcome`, so the gateway's sandbox mode can ask for a failure up front. The
// outcome is kept on the payout state (PayoutState.sandboxOutcome), never serialised; each
// POST /v2/test-helpers/payouts/{id}/advance is one step (lifecycle.ts):
//
//   paid (also: no header)      requested → initiated → processing-at-bank → completed
//   canceled                    requested → canceled (as DELETE /v2/payouts/{id}: payout.canceled;
//                               nothing was debited yet, so the balance does not move)
//   failed_insufficient_funds   requested → initiated → failed, statusReason insufficient_funds
//   failed_closed_account       requested → initiated → failed, statusReason returned
//
// Mollie's statusReason enum has no closed-account code: `returned` ("returned by the bank") is the
// closest, since a bank refuses a credit to a closed account by sending it back. A failure credits
// the amount debited at initiation back and sends payout.failed, as the fail helper does. `on_hold`
// and `reversed` (Mollie has no such statuses) and any other value are a 422 with field
// `X-Sandbox-Outcome`, and nothing is created. The header is part of the idempotency fingerprint
// (index.ts): reusing a key with another outcome is a 422, not a replay.
import { OUTCOME_HEADER, readSandboxOutcome, type SimRequest } from '../http.ts';

export { OUTCOME_HEADER, outcomeHeader } from '../http.ts';
import { MollieHttpError } from './errors.ts';

export const SANDBOX_OUTCOMES = [
  'paid',
  'canceled',
  'failed_insufficient_funds',
  'failed_closed_account',
] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

/** Outcomes other simulators know, refused here with the reason rather than as unknown. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  on_hold: 'Mollie payouts cannot be put on hold',
  reversed: 'Mollie payouts cannot be reversed',
};

/** The spec's statusReason code each failed_* outcome ends with. */
export const OUTCOME_FAILURE_REASON: Readonly<Partial<Record<SandboxOutcome, string>>> = {
  failed_insufficient_funds: 'insufficient_funds',
  failed_closed_account: 'returned',
};

export function parseSandboxOutcome(req: SimRequest): SandboxOutcome {
  const read = readSandboxOutcome(req, SANDBOX_OUTCOMES, UNSUPPORTED);
  if ('outcome' in read) return read.outcome;
  throw new MollieHttpError(
    422,
    `The '${OUTCOME_HEADER}' header is invalid: ${read.refused}.`,
    OUTCOME_HEADER,
  );
}
