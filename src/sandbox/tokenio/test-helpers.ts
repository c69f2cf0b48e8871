// Test-helper API. NOT part of Token.io: real payouts move when the bank answers, and member keys
// are registered through Token.io's Authentication Keys API, so tests and the sandbox need a way to
// drive both. The payout helpers take the account's own credentials (Basic key or signed JWT; a
// payout of another account is a 404), answer Token.io's error bodies and are never hit by
// injected faults.
//
//   POST /test-helpers/payouts/{id}/advance   one step: INITIATION_PENDING → INITIATION_PROCESSING
//                                             (ACSP) → INITIATION_COMPLETED (ACSC, bankTransactionId,
//                                             booked and cleared balances debited). From a final
//                                             status: 400 INVALID_ARGUMENT naming it. A payout
//                                             created with the sandbox-only X-Sandbox-Outcome
//                                             header failed_insufficient_funds or
//                                             failed_closed_account (sandbox-outcome.ts) is
//                                             INITIATION_REJECTED (RJCT, AM04 or AC04) from
//                                             INITIATION_PROCESSING instead of completing.
//   POST /test-helpers/payouts/{id}/fail      {status?: INITIATION_REJECTED (default) |
//                                             INITIATION_FAILED, bankPaymentStatus? (default RJCT),
//                                             statusReasonInformation?}; only from a non-final
//                                             status; the debited amount returns to available.
//   PUT  /test-helpers/members/{memberId}/keys/{keyId}   {publicKey: JWK}: registers a key for
//                                             Bearer JWT auth. Needs no credentials (sandbox setup).
import type { SimRequest, SimResponse } from '../http.ts';
import { toPublicKey } from './auth.ts';
import type { AuthedRequest, TokenioContext } from './context.ts';
import { invalidArgument, notFound } from './errors.ts';
import { newBankTransactionId } from './ids.ts';
import { INSUFFICIENT_FUNDS_REASON } from './payouts.ts';
import { isObject, jsonBody, optionalString } from './request.ts';
import type { SandboxOutcome } from './sandbox-outcome.ts';
import { serializePayout } from './serialize.ts';
import {
  FINAL_STATUSES,
  findPayout,
  findVirtualAccount,
  type Account,
  type PayoutState,
  type PayoutStatus,
} from './store.ts';

function changeable(account: Account, id: string): PayoutState {
  const payout = findPayout(account, id);
  if (!payout) throw notFound('Payout', id);
  if (FINAL_STATUSES.includes(payout.status)) {
    throw invalidArgument(`Payout ${id} is ${payout.status}, a final status: it cannot change any more.`);
  }
  return payout;
}

/** The ISO 20022 status reason behind each failed_* outcome's rejection by the bank. */
const OUTCOME_REJECTION: Readonly<Partial<Record<SandboxOutcome, string>>> = {
  failed_insufficient_funds: INSUFFICIENT_FUNDS_REASON,
  failed_closed_account: 'AC04: The creditor account number has been closed.',
};

export function advance(ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const payout = changeable(req.account, req.params.id ?? '');
  const now = ctx.now();
  const rejection = OUTCOME_REJECTION[payout.sandboxOutcome];
  if (payout.status === 'INITIATION_PENDING') {
    payout.status = 'INITIATION_PROCESSING';
    payout.bankPaymentStatus = 'ACSP';
    payout.statusReasonInformation = 'The payment is being processed by the bank.';
  } else if (rejection !== undefined) {
    stop(ctx, req.account, payout, 'INITIATION_REJECTED', 'RJCT', rejection);
  } else {
    payout.status = 'INITIATION_COMPLETED';
    payout.bankPaymentStatus = 'ACSC';
    payout.statusReasonInformation = 'The payment is settled on debtor side.';
    payout.bankTransactionId = newBankTransactionId();
    const debtor = findVirtualAccount(req.account, payout.initiation.debtor.accountId);
    if (debtor) {
      debtor.booked -= payout.minor;
      debtor.cleared -= payout.minor;
      debtor.updatedAt = now;
    }
  }
  payout.updatedAt = now;
  return { status: 200, body: { payout: serializePayout(payout) } };
}

const FAIL_STATUSES: readonly PayoutStatus[] = ['INITIATION_REJECTED', 'INITIATION_FAILED'];

export function fail(ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const payout = changeable(req.account, req.params.id ?? '');
  const body = jsonBody(req.rawBody);
  const status = (optionalString(body, 'status', 'status') ?? 'INITIATION_REJECTED') as PayoutStatus;
  if (!FAIL_STATUSES.includes(status)) {
    throw invalidArgument('`status` must be INITIATION_REJECTED or INITIATION_FAILED.');
  }
  const bankPaymentStatus = optionalString(body, 'bankPaymentStatus', 'bankPaymentStatus') ?? 'RJCT';
  const reason =
    optionalString(body, 'statusReasonInformation', 'statusReasonInformation') ??
    (status === 'INITIATION_FAILED'
      ? 'The bank is not available at the moment.'
      : 'The payment was rejected by the bank.');
  if (reason.length > 256) throw invalidArgument('`statusReasonInformation` must be at most 256 characters.');
  stop(ctx, req.account, payout, status, bankPaymentStatus, reason);
  return { status: 200, body: { payout: serializePayout(payout) } };
}

/** Ends a payout unpaid: the held amount goes back to the available balance. */
function stop(
  ctx: TokenioContext,
  account: Account,
  payout: PayoutState,
  status: PayoutStatus,
  bankPaymentStatus: string,
  reason: string,
): void {
  const now = ctx.now();
  if (payout.debited) {
    const debtor = findVirtualAccount(account, payout.initiation.debtor.accountId);
    if (debtor) {
      debtor.available += payout.minor;
      debtor.updatedAt = now;
    }
    payout.debited = false;
  }
  payout.status = status;
  payout.bankPaymentStatus = bankPaymentStatus;
  payout.statusReasonInformation = reason;
  payout.updatedAt = now;
}

export function registerKey(ctx: TokenioContext, req: SimRequest): SimResponse {
  const publicKey = jsonBody(req.rawBody).publicKey;
  if (!isObject(publicKey)) throw invalidArgument('`publicKey` must be a public JWK.');
  let key;
  try {
    key = toPublicKey(publicKey);
  } catch {
    throw invalidArgument('`publicKey` is not a usable public JWK (Ed25519, EC or RSA).');
  }
  ctx.store.registerKey(req.params.memberId ?? '', req.params.keyId ?? '', key);
  return { status: 200, body: {} };
}
