// Payout state machine. Real Mollie moves a payout on its own schedule (next business day); the
// simulator only moves it when told (cancel via the API, or the test-helper endpoints), so tests
// are deterministic. Every change emits the matching next-gen webhook event; `requested` has none.
//
//   requested ─▶ initiated ─▶ processing-at-bank ─▶ completed
//       │            │                │                 │ (returned)
//       ├─▶ canceled └────────────────┴──────▶ failed ◀─┘
//       └─────────────────(expired, …)───────▶ failed
//
// A payout created with the sandbox-only X-Sandbox-Outcome header (sandbox-outcome.ts) takes a
// shorter path when advanced: `canceled` cancels from requested, failed_* fail from initiated.
import type { MollieContext } from './context.ts';
import { MollieHttpError } from './errors.ts';
import { OUTCOME_FAILURE_REASON } from './sandbox-outcome.ts';
import { findBalance, type Account, type PayoutState } from './store.ts';

/** `statusReason` codes that describe a failure (the rest of the spec enum name ordinary states). */
export const FAILURE_CODES = [
  'failed',
  'insufficient_funds',
  'returned',
  'invalid_request',
  'organization_inactive',
  'payouts_blocked',
  'bank_processing_failed',
  'balance_not_found',
  'expired',
] as const;

export function cancelPayout(ctx: MollieContext, p: PayoutState): void {
  if (p.status !== 'requested') {
    throw new MollieHttpError(409, 'The payout cannot be canceled in its current state.');
  }
  p.status = 'canceled';
  p.reasonCode = 'canceled';
  p.canceledAt = ctx.now();
  ctx.emit('payout.canceled', p);
}

/**
 * One step forward. Initiation reserves the funds, or fails the payout when they are short. A payout
 * requested without an amount takes its amount here: the balance's whole available amount at this
 * moment (Mollie's "full available balance minus any configured balance reserve"; sandbox balances
 * have no reserve). An empty balance then has nothing to pay out: `insufficient_funds`, amount null.
 */
export function advancePayout(ctx: MollieContext, account: Account, p: PayoutState): void {
  if (p.status === 'requested' && p.sandboxOutcome === 'canceled') return cancelPayout(ctx, p);
  const failure = OUTCOME_FAILURE_REASON[p.sandboxOutcome];
  if (p.status === 'initiated' && failure !== undefined) return fail(ctx, account, p, failure);
  switch (p.status) {
    case 'requested': {
      p.initiatedAt = ctx.now();
      const balance = findBalance(account, p.balanceId);
      if (!balance) return fail(ctx, account, p, 'balance_not_found');
      const amount = p.amount ?? balance.available;
      if (amount <= 0 || balance.available < amount) return fail(ctx, account, p, 'insufficient_funds');
      p.amount = amount;
      balance.available -= amount;
      p.debited = true;
      p.status = 'initiated';
      p.reasonCode = 'initiated';
      ctx.emit('payout.initiated', p);
      return;
    }
    case 'initiated':
      p.status = 'processing-at-bank';
      p.reasonCode = 'processing_at_bank';
      ctx.emit('payout.processing-at-bank', p);
      return;
    case 'processing-at-bank':
      p.status = 'completed';
      p.reasonCode = 'completed';
      p.completedAt = ctx.now();
      ctx.emit('payout.completed', p);
      return;
    default:
      throw new MollieHttpError(409, `The payout cannot be advanced from status '${p.status}'.`);
  }
}

/**
 * Fails a payout with a spec `statusReason` code. Allowed while requested (e.g. `expired`),
 * initiated or processing-at-bank; from `completed` only as `returned` (the bank sent the money
 * back). Funds debited at initiation are credited back to the balance.
 */
export function failPayout(ctx: MollieContext, account: Account, p: PayoutState, code: string): void {
  const open = p.status === 'requested' || p.status === 'initiated' || p.status === 'processing-at-bank';
  if (!open && !(p.status === 'completed' && code === 'returned')) {
    throw new MollieHttpError(409, `The payout cannot fail with '${code}' from status '${p.status}'.`);
  }
  fail(ctx, account, p, code);
}

function fail(ctx: MollieContext, account: Account, p: PayoutState, code: string): void {
  // Debited only at initiation, which has fixed the amount.
  if (p.debited && p.amount !== null) {
    const balance = findBalance(account, p.balanceId);
    if (balance) balance.available += p.amount;
    p.debited = false;
  }
  p.status = 'failed';
  p.reasonCode = code;
  ctx.emit('payout.failed', p);
}
