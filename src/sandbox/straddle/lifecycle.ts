// Payout status changes and the path each `config.sandbox_outcome` takes.
//
// Every change appends to `status_history` (the last entry is `status_details`) and sends
// `payout.event.v1`. Time does not pass by itself in the simulator: after the create answer
// (`created`, or `on_hold` with auto_hold), a payout moves one step per call of the test helper
// POST /test-helpers/payouts/{id}/advance (test-helpers.ts), along its outcome's path:
//
//   standard, paid               created → scheduled → pending → paid
//   on_hold_daily_limit          created → on_hold (amount_too_large, watchtower); once released,
//                                created → scheduled → pending → paid
//   cancelled_for_fraud_risk     created → cancelled (payment_blocked, watchtower)
//   cancelled_for_balance_check  created → cancelled (insufficient_funds, watchtower)
//   failed_insufficient_funds    … → pending → failed (insufficient_funds, bank_decline, R01)
//   failed_customer_dispute      … → pending → failed (disputed, customer_dispute, R05)
//   failed_closed_bank_account   … → pending → failed (closed_bank_account, bank_decline, R02)
//   reversed_<same three>        … → pending → paid → reversed (same reason, source and code)
//
// The two `cancelled_for_*` outcomes end `cancelled`, as their names say (and as this project's
// issue asks). Straddle's own agent guides record its real sandbox ending them `failed`; should a
// live integration see that, the gateway maps it to FAILED all the same.
// `scheduled` → `pending` happens only once `payment_date` (US Eastern) has come: a future-dated
// payout stays `scheduled` until the simulator's clock reaches that date.
import { randomUUID } from 'node:crypto';
import { newTraceNumber } from './bank.ts';
import type { StraddleContext } from './context.ts';
import { unprocessable } from './errors.ts';
import { serializePayoutEvent } from './serialize.ts';
import { currentStatus, type Account, type PaymentStatus, type Payout, type StatusChange } from './store.ts';

export type Change = Omit<StatusChange, 'changedAt'>;

const system = (status: PaymentStatus, message: string): Change => ({
  status,
  reason: 'ok',
  source: 'system',
  code: null,
  message,
});

// The created message is the spec's example for StatusDetailsV1.message.
export const CREATED = system('created', 'Payment successfully created and awaiting validation.');
const SCHEDULED = system('scheduled', 'Payment successfully validated and scheduled for processing.');
const PENDING = system('pending', 'Payment sent to the ACH network.');
const PAID = system('paid', 'Payment successfully completed.');

/** What the outcome does before the payout is scheduled (Straddle's risk checks, `watchtower`). */
const EARLY: Record<string, Change> = {
  on_hold_daily_limit: {
    status: 'on_hold',
    reason: 'amount_too_large',
    source: 'watchtower',
    code: null,
    message: 'Payment exceeds the daily payout limit and is on hold for review.',
  },
  cancelled_for_fraud_risk: {
    status: 'cancelled',
    reason: 'payment_blocked',
    source: 'watchtower',
    code: null,
    message: 'Payment blocked due to fraud risk.',
  },
  cancelled_for_balance_check: {
    status: 'cancelled',
    reason: 'insufficient_funds',
    source: 'watchtower',
    code: null,
    message: "Unable to retrieve balance information from customer's account.",
  },
};

/** The ACH return behind `failed_<x>` and `reversed_<x>`. */
const RETURNS: Record<string, Omit<Change, 'status'>> = {
  insufficient_funds: {
    reason: 'insufficient_funds',
    source: 'bank_decline',
    code: 'R01',
    message: 'R01: Insufficient funds.',
  },
  customer_dispute: {
    reason: 'disputed',
    source: 'customer_dispute',
    code: 'R05',
    message: 'R05: The payment was disputed by the account holder.',
  },
  closed_bank_account: {
    reason: 'closed_bank_account',
    source: 'bank_decline',
    code: 'R02',
    message: 'R02: Account closed.',
  },
};

function achReturn(outcome: string, prefix: 'failed_' | 'reversed_'): Omit<Change, 'status'> | undefined {
  return outcome.startsWith(prefix) ? RETURNS[outcome.slice(prefix.length)] : undefined;
}

const DISPLAY: Record<PaymentStatus, string> = {
  created: 'Created',
  scheduled: 'Scheduled',
  failed: 'Failed',
  cancelled: 'Cancelled',
  on_hold: 'On Hold',
  pending: 'Pending',
  paid: 'Paid',
  reversed: 'Reversed',
  validating: 'Validating',
};

export const displayStatus = (status: PaymentStatus) => DISPLAY[status];

/** Appends a change; `pending` originates (funding and trace ids), `paid` records effective_at. */
export function changeStatus(p: Payout, change: Change, now: number): void {
  p.history.push({ ...change, changedAt: now });
  p.updatedAt = now;
  if (change.status === 'on_hold' && change.reason === 'amount_too_large') p.limitHoldDone = true;
  if (change.status === 'pending' && p.processedAt === null) {
    p.processedAt = now;
    p.fundingIds.push(randomUUID());
    p.traceIds[randomUUID()] = newTraceNumber();
  }
  if (change.status === 'paid') p.effectiveAt = now;
}

/** The next step of the payout's outcome path; 422 naming the status when there is none. */
export function nextStep(p: Payout, today: string): Change {
  const status = currentStatus(p).status;
  const outcome = p.config.sandbox_outcome;
  switch (status) {
    case 'created':
    case 'validating': {
      const early = EARLY[outcome];
      if (early && !(outcome === 'on_hold_daily_limit' && p.limitHoldDone)) return early;
      return SCHEDULED;
    }
    case 'scheduled':
      if (p.paymentDate > today) {
        throw unprocessable(
          `Payout ${p.id} is Scheduled for ${p.paymentDate} (US Eastern) and is not sent before that date; today is ${today}.`,
        );
      }
      return PENDING;
    case 'pending': {
      const failure = achReturn(outcome, 'failed_');
      return failure ? { status: 'failed', ...failure } : PAID;
    }
    case 'paid': {
      const reversal = achReturn(outcome, 'reversed_');
      if (reversal) return { status: 'reversed', ...reversal };
      throw unprocessable(`Payout ${p.id} is Paid, the end of its sandbox_outcome '${outcome}'.`);
    }
    case 'on_hold':
      throw unprocessable(`Payout ${p.id} is On Hold: release or cancel it first.`);
    default:
      throw unprocessable(
        `Payout ${p.id} is ${displayStatus(status)}, a final status: it cannot change any more.`,
      );
  }
}

/** `payout.created.v1` (on create only) and `payout.event.v1`, with the payout as it is now. */
export function emitPayout(ctx: StraddleContext, account: Account, p: Payout, created = false): void {
  const data = serializePayoutEvent(p);
  if (created) ctx.webhooks.emit(account, 'payout.created.v1', data);
  ctx.webhooks.emit(account, 'payout.event.v1', data);
}
