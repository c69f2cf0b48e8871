// Pure conversions between CasaPay's wire shapes and the shared model.
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
import { mapStatus, type Payout, type PayoutStatus, type StatusLog } from '../../domain/payout.ts';
import type { WireBalance, WireBankAccount, WireError, WirePayout, WireStatus } from './wire.ts';

export const STATUS_TABLE: Record<WireStatus, PayoutStatus> = {
  pending: 'PENDING',
  in_transit: 'PROCESSING',
  paid: 'PAID',
  failed: 'FAILED',
  canceled: 'CANCELED',
};

/** The wire statuses a set of shared statuses covers, for server-side list filtering. */
export function wireStatusesFor(statuses: readonly PayoutStatus[]): WireStatus[] {
  return (Object.keys(STATUS_TABLE) as WireStatus[]).filter((w) => statuses.includes(STATUS_TABLE[w]));
}

const fromUnix = (s: number) => new Date(s * 1000);

export function toPayout(w: WirePayout, log: StatusLog): Payout {
  const status = mapStatus(STATUS_TABLE, w.status, 'CASAPAY', log);
  return {
    provider: 'CASAPAY',
    providerPayoutId: w.id,
    status,
    providerStatus: w.status,
    amount: { minor: w.amount, currency: w.currency.toUpperCase() },
    description: w.description ?? null,
    method: w.method === 'instant' ? 'INSTANT' : w.method === 'standard' ? 'STANDARD' : null,
    destinationId:
      typeof w.destination === 'object' && w.destination !== null ? w.destination.id : w.destination,
    failure: w.failure_code ? { code: w.failure_code, message: w.failure_message ?? w.failure_code } : null,
    expectedArrivalAt: w.arrival_date === null ? null : fromUnix(w.arrival_date),
    createdAt: fromUnix(w.created),
    // CasaPay's payout carries no last-changed time; the status ledger will know it, we don't guess.
    updatedAt: null,
    metadata: w.metadata ?? null,
    // Every CasaPay payout starts pending; later changes carry no time CasaPay reports.
    statusHistory: [
      { status: 'PENDING', providerStatus: 'pending', reason: null, occurredAt: fromUnix(w.created) },
    ],
  };
}

export function toBankAccount(w: WireBankAccount): BankAccount {
  return {
    provider: 'CASAPAY',
    providerBankAccountId: w.id,
    holderName: w.account_holder_name ?? null,
    last4: w.last4,
    country: w.country.toUpperCase(),
    currency: w.currency.toUpperCase(),
    status: w.status,
  };
}

/** CasaPay has one balance per currency and no balance ids: the currency is the id. */
export function toBalances(w: WireBalance): Balance[] {
  const currencies = [...new Set([...w.available, ...w.pending].map((a) => a.currency.toUpperCase()))].sort();
  const sum = (list: WireBalance['available'], currency: string) =>
    list.filter((a) => a.currency.toUpperCase() === currency).reduce((n, a) => n + a.amount, 0);
  return currencies.map((currency) => ({
    provider: 'CASAPAY',
    providerBalanceId: currency,
    currency,
    available: { minor: sum(w.available, currency), currency },
    pending: { minor: sum(w.pending, currency), currency },
  }));
}

/** Which gateway input field a CasaPay `param` names, per operation. */
export type ParamFields = Record<string, string>;

export function toGatewayError(status: number, error: WireError | null, fields: ParamFields): GatewayError {
  const message = error?.message ?? `CasaPay answered HTTP ${status}.`;
  if (status === 429 || status >= 500 || !error) return new ProviderUnavailableError('CASAPAY', message);
  // CasaPay's own text quotes (part of) the key: say what to check instead.
  if (status === 401) {
    return new ProviderRejectedError(
      'CASAPAY',
      'authentication_failed',
      'CasaPay refused the gateway’s credentials (CASAPAY_API_KEY).',
    );
  }

  if (error.code === 'resource_missing') return new NotFoundError(message);
  if (error.code === 'balance_insufficient') return new InsufficientFundsError(message);
  if (error.code === 'payout_not_cancelable') return new InvalidStateError(message);
  if (error.type === 'idempotency_error') return new ValidationError('idempotencyKey', message);
  if (error.type === 'invalid_request_error' && error.param && fields[error.param]) {
    return new ValidationError(fields[error.param] ?? error.param, message);
  }
  return new ProviderRejectedError('CASAPAY', error.code ?? error.type, message);
}
