// Pure conversions between Straddle's wire shapes and the shared model, Straddle's input rules,
// and its errors as the gateway's typed errors.
import { createHash } from 'node:crypto';
import type { BankAccount } from '../../domain/account.ts';
import {
  InvalidStateError,
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  ValidationError,
  type GatewayError,
} from '../../domain/errors.ts';
import { mapStatus, type Payout, type PayoutStatus, type StatusLog } from '../../domain/payout.ts';
import type { WireError, WirePaykey, WirePayout, WireStatus } from './wire.ts';

export const STATUS_TABLE: Record<WireStatus, PayoutStatus> = {
  created: 'PENDING',
  scheduled: 'PENDING',
  validating: 'PENDING',
  on_hold: 'ON_HOLD',
  pending: 'PROCESSING',
  // Not final: a late ACH return turns it `reversed`.
  paid: 'PAID',
  failed: 'FAILED',
  cancelled: 'CANCELED',
  reversed: 'REVERSED',
};

export function wireStatusesFor(statuses: readonly PayoutStatus[]): WireStatus[] {
  return (Object.keys(STATUS_TABLE) as WireStatus[]).filter((w) => statuses.includes(STATUS_TABLE[w]));
}

/**
 * Straddle's `Idempotency-Key` (10–40 characters) and `external_id` (unique across payouts), both
 * derived from the gateway's key: a retry reaches Straddle as the same request, and a create in
 * doubt can be found by its external_id.
 */
export function straddleKeys(key: string): { idempotencyKey: string; externalId: string } {
  const hex = createHash('sha256').update(key).digest('hex');
  return { idempotencyKey: `po-${hex.slice(0, 32)}`, externalId: `pg-${hex.slice(32, 64)}` };
}

/** ABA routing numbers carry a checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
export function isValidRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

/** The US Eastern calendar date of `now`: Straddle's `payment_date` is an Eastern date. */
export function easternDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(now);
}

const date = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

export function toPayout(w: WirePayout, log: StatusLog): Payout {
  const status = mapStatus(STATUS_TABLE, w.status, 'STRADDLE', log);
  const d = w.status_details;
  return {
    provider: 'STRADDLE',
    providerPayoutId: w.id,
    status,
    providerStatus: w.status,
    amount: { minor: w.amount, currency: w.currency.toUpperCase() },
    description: w.description ?? null,
    method: null,
    destinationId: w.paykey_details?.id ?? null,
    failure:
      status === 'FAILED' || status === 'REVERSED'
        ? { code: d.code || d.reason, message: d.message || d.reason }
        : null,
    expectedArrivalAt: null,
    createdAt: date(w.created_at) ?? new Date(d.changed_at),
    updatedAt: date(w.updated_at) ?? new Date(d.changed_at),
    metadata: w.metadata ?? null,
    // Straddle's own history; a search summary carries only the current status's details.
    statusHistory: (w.status_history ?? [{ ...d, status: w.status }]).map((h) => ({
      status: mapStatus(STATUS_TABLE, h.status, 'STRADDLE', log),
      providerStatus: h.status,
      reason: [h.code, h.message || h.reason].filter(Boolean).join(': ') || null,
      occurredAt: new Date(h.changed_at),
    })),
  };
}

/**
 * The paykey as a bank account. Straddle masks the number; a paykey has no holder name (its
 * customer has), so the gateway keeps the name it was created with.
 */
export function toBankAccount(w: WirePaykey, holderName: string | null): BankAccount {
  const digits = (w.bank_data?.account_number ?? w.label).replace(/\D/g, '');
  return {
    provider: 'STRADDLE',
    providerBankAccountId: w.id,
    holderName,
    last4: digits.slice(-4) || null,
    country: 'US',
    currency: 'USD',
    status: w.status,
    bankName: w.institution_name ?? null,
  };
}

/** Straddle's field names as the gateway's input fields. */
const FIELDS: Record<string, string> = {
  amount: 'amount.amount',
  currency: 'amount.currency',
  payment_date: 'scheduledFor',
  paykey: 'destinationId',
  metadata: 'metadata',
  description: 'description',
  routing_number: 'routingNumber',
  account_number: 'accountNumber',
  account_type: 'accountType',
  email: 'email',
  phone: 'phone',
  name: 'holderName',
};

export function toGatewayError(status: number, error: WireError | null): GatewayError {
  const detail = error?.detail || error?.title || `Straddle answered HTTP ${status}.`;
  const reference = error?.items?.find((i) => i.reference)?.reference ?? undefined;
  if (status === 429 || status >= 500 || !error) return new ProviderUnavailableError('STRADDLE', detail);
  if (status === 404) return new NotFoundError(detail);
  if (status === 401 || status === 403) {
    return new ProviderRejectedError(
      'STRADDLE',
      'authentication_failed',
      'Straddle refused the gateway’s credentials (STRADDLE_API_KEY).',
    );
  }
  if (status === 409) return new ValidationError('idempotencyKey', detail);
  if (status === 400) return new ValidationError((reference && FIELDS[reference]) ?? 'input', detail);
  if (status === 422) {
    if (reference && FIELDS[reference]) return new ValidationError(FIELDS[reference]!, detail);
    return new InvalidStateError(detail);
  }
  return new ProviderRejectedError('STRADDLE', String(status), detail);
}
