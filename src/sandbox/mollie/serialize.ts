// Wire shapes of the two entities, following the spec's `entity-payout-response`,
// `list-entity-payout`, `entity-balance` and `list-entity-balance`. List items carry only
// `_links.self`; single entities also carry `_links.documentation`.
import { HAL_JSON } from './errors.ts';
import { isoTime, money, type BalanceState, type PayoutState } from './store.ts';
import type { MollieContext } from './context.ts';

/** `statusReason.message` texts, taken from the spec's `x-enumDescriptions` for each code. */
export const REASON_MESSAGES: Record<string, string> = {
  requested: 'The payout has been requested.',
  initiated: 'The payout has been initiated.',
  processing_at_bank: 'The payout is being processed by the bank.',
  completed: 'The payout has been completed successfully.',
  canceled: 'The payout has been canceled.',
  failed: 'The payout has failed for an unknown reason.',
  insufficient_funds: 'Insufficient funds on the balance to complete the payout.',
  returned: 'The payout has been returned by the bank.',
  invalid_request: 'The payout request contained invalid data.',
  organization_inactive: 'The organization has been deactivated.',
  payouts_blocked: 'Payouts have been blocked for this organization.',
  bank_processing_failed: 'The payout could not be completed due to a processing error.',
  balance_not_found: 'The balance associated with this payout has been deleted.',
  expired: 'The payout expired before it could be processed.',
};

const at = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

export function payoutUrl(ctx: MollieContext, id: string): string {
  return `${ctx.baseUrl()}/v2/payouts/${id}`;
}

export function serializePayout(
  ctx: MollieContext,
  p: PayoutState,
  listItem = false,
): Record<string, unknown> {
  const self = { href: payoutUrl(ctx, p.id), type: HAL_JSON };
  return {
    resource: 'payout',
    id: p.id,
    balanceId: p.balanceId,
    // `amount-nullable`: null until a payout requested without an amount is initiated.
    amount: p.amount === null ? null : money(p.currency, p.amount),
    // Absent rather than null when the request had none, as in the spec's list example.
    ...(p.description === undefined ? {} : { description: p.description }),
    status: p.status,
    statusReason: { code: p.reasonCode, message: REASON_MESSAGES[p.reasonCode] ?? REASON_MESSAGES.failed },
    createdAt: isoTime(p.createdAt),
    initiatedAt: at(p.initiatedAt),
    completedAt: at(p.completedAt),
    canceledAt: at(p.canceledAt),
    mode: 'test',
    _links: listItem
      ? { self }
      : { self, documentation: { href: 'https://docs.mollie.com/reference/get-payout', type: 'text/html' } },
  };
}

export function serializeBalance(
  ctx: MollieContext,
  b: BalanceState,
  listItem = false,
): Record<string, unknown> {
  const self = { href: `${ctx.baseUrl()}/v2/balances/${b.id}`, type: HAL_JSON };
  return {
    resource: 'balance',
    id: b.id,
    mode: 'test',
    createdAt: isoTime(b.createdAt),
    currency: b.currency,
    description: b.description,
    availableAmount: money(b.currency, b.available),
    pendingAmount: money(b.currency, b.pending),
    transferFrequency: b.transferFrequency,
    transferThreshold: money(b.currency, b.transferThreshold),
    transferReference: b.transferReference,
    transferDestination: b.transferDestination === null ? null : { ...b.transferDestination },
    status: b.status,
    _links: listItem
      ? { self }
      : { self, documentation: { href: 'https://docs.mollie.com/reference/get-balance', type: 'text/html' } },
  };
}
