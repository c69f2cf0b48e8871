// Sandbox-only endpoints (Stripe's /v1/test_helpers convention) that play the bank's part: moving a
// payout along its lifecycle, or bouncing it, including the late paid → failed return.
//
//   POST /v1/test_helpers/payouts/{id}/advance   one step along the outcome the payout was created
//                                                with (the sandbox-only X-Sandbox-Outcome header,
//                                                sandbox-outcome.ts; without it `paid`):
//                                                pending → in_transit → paid; `canceled` cancels on
//                                                the first step; failed_* fail from in_transit with
//                                                their failure_code. Anything else: 400
//                                                payout_not_advanceable naming the status.
//   POST /v1/test_helpers/payouts/{id}/fail      {failure_code?} from pending, in_transit or paid.
import type { Ctx, Handler } from './context.ts';
import { invalidParam, invalidRequest } from './errors.ts';
import { optionalString, rejectUnknown } from './params.ts';
import { cancel, findPayout, findStoredPayout, refund } from './payouts.ts';
import { OUTCOME_FAILURE_CODE } from './sandbox-outcome.ts';
import type { Payout } from './store.ts';

/** Stripe's payout failure codes and messages, with the platform name swapped in. */
export const FAILURE_MESSAGES: Readonly<Record<string, string>> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  bank_account_restricted:
    'The bank account has restrictions on either the type, or the number, of payouts allowed. This normally indicates that the bank account is a savings or other non-checking account.',
  bank_ownership_changed:
    'The destination bank account is no longer valid because its branch has changed ownership.',
  could_not_process: 'The bank could not process this payout.',
  debit_not_authorized:
    'Debit transactions are not approved on the bank account. (CasaPay requires bank accounts to be set up for both credit and debit payouts.)',
  declined: 'The bank has declined this transfer. Please contact the bank before retrying.',
  insufficient_funds: 'Your CasaPay account has insufficient funds to cover the payout.',
  invalid_account_number: 'The routing number seems correct, but the account number is invalid.',
  incorrect_account_holder_name:
    'Your bank notified us that the bank account holder name on file is incorrect.',
  incorrect_account_holder_address:
    'Your bank notified us that the bank account holder address on file is incorrect.',
  incorrect_account_holder_tax_id:
    'Your bank notified us that the bank account holder tax ID on file is incorrect.',
  invalid_currency:
    'The bank was unable to process this payout because of its currency. This is probably because the bank account cannot accept payments in that currency.',
  no_account:
    'The bank account details on file are probably incorrect. No bank account could be located with those details.',
  unsupported_card: 'The bank no longer supports payouts to this card.',
};

export const advancePayout: Handler = (ctx) => {
  rejectUnknown(Object.keys(ctx.params), []);
  const { object: payout, outcome } = findStoredPayout(ctx.account, ctx.req.params['id'] ?? '');
  const from = payout.status;
  const failureCode = OUTCOME_FAILURE_CODE[outcome];
  if (from === 'pending' && outcome === 'canceled') {
    cancel(ctx, payout);
  } else if (from === 'pending') {
    payout.status = 'in_transit';
    ctx.emit('payout.updated', payout, { status: from });
  } else if (from === 'in_transit' && failureCode !== undefined) {
    failWith(ctx, payout, failureCode);
  } else if (from === 'in_transit') {
    payout.status = 'paid';
    payout.reconciliation_status = 'completed';
    ctx.emit('payout.updated', payout, { status: from, reconciliation_status: 'not_applicable' });
    ctx.emit('payout.paid', payout);
  } else {
    throw invalidRequest(
      `Only pending and in_transit payouts can be advanced. This payout is ${from}.`,
      'payout_not_advanceable',
    );
  }
  return payout;
};

export const failPayout: Handler = (ctx) => {
  rejectUnknown(Object.keys(ctx.params), ['failure_code']);
  const code = optionalString(ctx.params, 'failure_code', 100) ?? 'could_not_process';
  const message = FAILURE_MESSAGES[code];
  if (message === undefined) {
    throw invalidParam(
      'failure_code',
      `Invalid failure_code: ${code}. Must be one of ${Object.keys(FAILURE_MESSAGES).join(', ')}.`,
    );
  }
  const payout = findPayout(ctx.account, ctx.req.params['id'] ?? '');
  if (payout.status !== 'pending' && payout.status !== 'in_transit' && payout.status !== 'paid') {
    throw invalidRequest(
      `Only pending, in_transit or paid payouts can be failed. This payout is ${payout.status}.`,
      'payout_not_failable',
    );
  }
  failWith(ctx, payout, code);
  return payout;
};

/** A bank failure with one of FAILURE_MESSAGES' codes: the money comes back, payout.failed is sent. */
function failWith(ctx: Ctx, payout: Payout, code: string): void {
  payout.status = 'failed';
  payout.failure_code = code;
  payout.failure_message = FAILURE_MESSAGES[code] ?? null;
  refund(ctx.account, payout);
  ctx.emit('payout.failed', payout);
}
