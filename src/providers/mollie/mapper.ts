// Pure conversions between Mollie's wire shapes and the shared model, and Mollie's errors as the
// gateway's typed errors.
import { createHash } from 'node:crypto';
import type { Balance, BankAccount } from '../../domain/account.ts';
import {
  InsufficientFundsError,
  InvalidStateError,
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  ValidationError,
  type GatewayError,
} from '../../domain/errors.ts';
import { currencyExponent, formatAmount, moneyFromDecimal, type Money } from '../../domain/money.ts';
import {
  mapStatus,
  type Payout,
  type PayoutStatus,
  type PayoutStatusChange,
  type StatusLog,
} from '../../domain/payout.ts';
import type { WireAmount, WireBalance, WireError, WirePayout, WireStatus } from './wire.ts';

export const STATUS_TABLE: Record<WireStatus, PayoutStatus> = {
  requested: 'PENDING',
  initiated: 'PROCESSING',
  'processing-at-bank': 'PROCESSING',
  completed: 'PAID',
  failed: 'FAILED',
  canceled: 'CANCELED',
};

/**
 * Mollie writes every balance currency with two decimals, HUF included ("whole forints, .00"),
 * while ISO/ICU give HUF no minor unit: zero-exponent amounts get an explicit ".00".
 */
export function toWireAmount(money: Money): WireAmount {
  const value = formatAmount(money);
  return { currency: money.currency, value: currencyExponent(money.currency) === 0 ? `${value}.00` : value };
}

/**
 * Mollie wants a UUID v4 as `Idempotency-Key`; the gateway derives a 64-hex key per client key.
 * Its first 32 hex digits, shaped as a v4 UUID (version nibble 4, variant 10xx), keep the mapping
 * deterministic: the same client key always reaches Mollie as the same key. Anything that is not
 * hex is hashed first, so the shape holds whatever the caller passes.
 */
export function mollieIdempotencyKey(key: string): string {
  const hex = /^[0-9a-f]{32,}$/i.test(key)
    ? key.slice(0, 32).toLowerCase()
    : createHash('sha256').update(key).digest('hex').slice(0, 32);
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const date = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

export function toPayout(w: WirePayout, log: StatusLog): Payout {
  const status = mapStatus(STATUS_TABLE, w.status, 'MOLLIE', log);
  const changes = [w.initiatedAt, w.completedAt, w.canceledAt]
    .map(date)
    .filter((d): d is Date => d !== null)
    .sort((a, b) => b.getTime() - a.getTime());
  return {
    provider: 'MOLLIE',
    providerPayoutId: w.id,
    status,
    providerStatus: w.status,
    // A payout requested without an amount pays "the full available balance", which Mollie fixes
    // only when it initiates the payout: until then (and if it is canceled first) the amount is
    // null, and stays null here rather than being guessed from the balance.
    amount: w.amount ? moneyFromDecimal(w.amount.value, w.amount.currency) : null,
    description: w.description ?? null,
    // Mollie offers no payout speed to choose.
    method: null,
    // A Mollie payout always goes to its balance's own bank account, which getBankAccount serves
    // under the balance id.
    destinationId: w.balanceId,
    // `statusReason` is set in every state ("requested", "completed", …); only a failed one is a failure.
    failure:
      w.status === 'failed'
        ? {
            code: w.statusReason?.code ?? 'failed',
            message: w.statusReason?.message ?? 'The payout failed.',
          }
        : null,
    expectedArrivalAt: null,
    createdAt: new Date(w.createdAt),
    updatedAt: changes[0] ?? null,
    metadata: null,
    statusHistory: mollieHistory(w),
  };
}

/** What Mollie's timestamps tell: requested, initiated, then completed or canceled. */
function mollieHistory(w: WirePayout): PayoutStatusChange[] {
  const steps: [string, PayoutStatus, string | null | undefined][] = [
    ['requested', 'PENDING', w.createdAt],
    ['initiated', 'PROCESSING', w.initiatedAt],
    ['completed', 'PAID', w.completedAt],
    ['canceled', 'CANCELED', w.canceledAt],
  ];
  return steps.flatMap(([providerStatus, status, at]) =>
    at ? [{ status, providerStatus, reason: null, occurredAt: new Date(at) }] : [],
  );
}

export function toBalance(w: WireBalance): Balance {
  const currency = w.currency.toUpperCase();
  return {
    provider: 'MOLLIE',
    providerBalanceId: w.id,
    currency,
    available: moneyFromDecimal(w.availableAmount.value, w.availableAmount.currency),
    pending: moneyFromDecimal(w.pendingAmount.value, w.pendingAmount.currency),
  };
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/**
 * A balance's read-only transfer destination as the bank account its payouts go to, under the
 * balance's id (Mollie has no bank-account ids); null when none is configured. The account has no
 * status of its own: it carries the balance's (`active`, or `inactive`: being validated or blocked).
 */
export function toBankAccount(w: WireBalance): BankAccount | null {
  const dest = w.transferDestination;
  if (!dest) return null;
  const number = dest.bankAccount.replace(/\s+/g, '').toUpperCase();
  return {
    provider: 'MOLLIE',
    providerBankAccountId: w.id,
    holderName: dest.beneficiaryName ?? null,
    // Never more than the last four characters of the account number leave this function.
    last4: number ? number.slice(-4) : null,
    country: IBAN.test(number) ? number.slice(0, 2) : null,
    currency: w.currency.toUpperCase(),
    status: w.status,
  };
}

/** Mollie request fields as the gateway's input fields (createPayout and list arguments). */
const FIELDS: Record<string, string> = {
  balanceId: 'sourceId',
  amount: 'amount.amount',
  description: 'description',
  from: 'after',
  limit: 'first',
};

interface Rule {
  status: number;
  /** The error's `field`; undefined matches any field (or none). */
  field?: string;
  detail?: RegExp;
  error: (detail: string, e: WireError) => GatewayError;
}

/**
 * Mollie answers every immediate payout refusal as a 422, most of them on `balanceId`, and tells
 * them apart only by `detail`. First match wins, so the order below is the decision.
 */
const RULES: readonly Rule[] = [
  { status: 422, detail: /insufficient funds/i, error: (d) => new InsufficientFundsError(d) },
  // Business rules about the balance: the input is well-formed, the balance's state refuses it.
  {
    status: 422,
    field: 'balanceId',
    detail: /already scheduled/i,
    error: (d) => new InvalidStateError(d, 'PAYOUT_ALREADY_SCHEDULED'),
  },
  {
    status: 422,
    field: 'balanceId',
    detail: /not active/i,
    error: (d) => new InvalidStateError(d, 'BALANCE_NOT_ACTIVE'),
  },
  {
    status: 422,
    field: 'balanceId',
    detail: /destination|bank account/i,
    error: (d) => new InvalidStateError(d, 'NO_PAYOUT_DESTINATION'),
  },
  // "The 'balanceId' field is invalid.": malformed, or not a balance of this account.
  {
    status: 422,
    field: 'balanceId',
    detail: /invalid|does not exist|not found|unknown|required|missing/i,
    error: (d) => new ValidationError('sourceId', d),
  },
  // The rest of the spec's list (payouts blocked, queued refunds, negative-balance threshold).
  { status: 422, field: 'balanceId', error: (d) => new InvalidStateError(d) },
  {
    status: 422,
    field: 'amount',
    detail: /currency.*(match|differ)/i,
    error: (d) => new ValidationError('amount.currency', d),
  },
  { status: 422, detail: /idempotency key/i, error: (d) => new ValidationError('idempotencyKey', d) },
  { status: 422, error: (d, e) => new ValidationError(fieldOf(e.field) ?? 'input', d) },
  { status: 400, field: 'from', error: (d) => new ValidationError('after', d) },
  { status: 400, field: 'limit', error: (d) => new ValidationError('first', d) },
  { status: 404, error: (d) => new NotFoundError(d) },
  { status: 409, error: (d) => new InvalidStateError(d) },
  ...[401, 403].map((status) => ({
    status,
    error: () =>
      new ProviderRejectedError(
        'MOLLIE',
        'authentication_failed',
        'Mollie refused the gateway’s credentials (MOLLIE_API_KEY, or MOLLIE_ACCESS_TOKEN for balances).',
      ),
  })),
];

const fieldOf = (field: string | undefined) => (field === undefined ? undefined : (FIELDS[field] ?? field));

export function toGatewayError(status: number, error: WireError | null): GatewayError {
  // Rate limits, outages and bodies that are not Mollie's (a proxy's HTML page) are transient.
  if (status === 429 || status >= 500 || !error) {
    return new ProviderUnavailableError('MOLLIE', error?.detail ?? `Mollie answered HTTP ${status}.`);
  }
  const rule = RULES.find(
    (r) =>
      r.status === status &&
      (r.field === undefined || r.field === error.field) &&
      (r.detail === undefined || r.detail.test(error.detail)),
  );
  return rule
    ? rule.error(error.detail, error)
    : new ProviderRejectedError('MOLLIE', String(status), error.detail);
}
