// Pure conversions between Token.io's wire shapes and the shared model, Token.io's input rules,
// and its errors as the gateway's typed errors.
import { createHash } from 'node:crypto';
import type { Balance } from '../../domain/account.ts';
import {
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type GatewayError,
} from '../../domain/errors.ts';
import { formatAmount, moneyFromDecimal, type Money } from '../../domain/money.ts';
import { mapStatus, type Payout, type PayoutStatus, type StatusLog } from '../../domain/payout.ts';
import type { WireAmount, WireError, WirePayout, WireStatus, WireVirtualAccount } from './wire.ts';

export const STATUS_TABLE: Record<WireStatus, PayoutStatus> = {
  INITIATION_PENDING: 'PENDING',
  INITIATION_PROCESSING: 'PROCESSING',
  // "Initiated", which Token.io says does not guarantee settlement; it is the last word it gives.
  INITIATION_COMPLETED: 'PAID',
  INITIATION_REJECTED: 'FAILED',
  INITIATION_FAILED: 'FAILED',
};

/** The wire statuses that filter to each shared status (the inverse of STATUS_TABLE). */
export function wireStatusesFor(statuses: readonly PayoutStatus[]): WireStatus[] {
  return (Object.keys(STATUS_TABLE) as WireStatus[]).filter((w) => statuses.includes(STATUS_TABLE[w]));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Token.io's recommended refId limit: at most 18 characters of `[A-Za-z0-9-]`. */
export const REF_ID_LENGTH = 18;

/**
 * The payout's `refId`, derived from the gateway's idempotency key: the same client key always
 * reaches Token.io as the same refId (about 107 bits of a SHA-256), and Token.io refuses a
 * duplicate refId, so a retry can never pay twice.
 */
export function refIdFor(key: string): string {
  let n = BigInt(`0x${createHash('sha256').update(key).digest('hex')}`);
  let out = '';
  while (out.length < REF_ID_LENGTH) {
    out += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return out;
}

const DESCRIPTION_CHARS = /^[A-Za-z0-9 .&/-]*$/;
/** Token.io's description limits: sort-code (SCAN) payouts and IBAN payouts. */
export const DESCRIPTION_MAX = { SCAN: 18, IBAN: 140 } as const;

/** Why Token.io would refuse `description` as a payment reference, or null when it is fine. */
export function descriptionProblem(description: string, scheme: keyof typeof DESCRIPTION_MAX): string | null {
  if (!DESCRIPTION_CHARS.test(description)) {
    return 'Token.io payment references allow only letters, digits, space, hyphen, full stop, ampersand and slash.';
  }
  const alnum = description.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  if (alnum.length < 6) return 'Token.io payment references need at least 6 letters or digits.';
  if (new Set(alnum).size === 1) return 'Token.io payment references must not be one repeated character.';
  const max = DESCRIPTION_MAX[scheme];
  if (description.length > max) {
    const kind = scheme === 'SCAN' ? 'sort-code' : 'IBAN';
    return `Token.io payment references are at most ${max} characters for ${kind} payouts; this one has ${description.length}.`;
  }
  return null;
}

export function toWireAmount(money: Money): WireAmount {
  return { value: formatAmount(money), currency: money.currency };
}

/** What the gateway keeps beside a Token.io payout, which has neither metadata nor a beneficiary id. */
export interface PayoutExtras {
  metadata: Record<string, string> | null;
  destinationId: string | null;
  /** A hash of the initiation and metadata the refId was first used for. */
  fingerprint?: string;
}

export function toPayout(w: WirePayout, extras: PayoutExtras | null, log: StatusLog): Payout {
  const status = mapStatus(STATUS_TABLE, w.status, 'TOKENIO', log);
  const failed = status === 'FAILED';
  const amount = w.initiation?.amount;
  return {
    provider: 'TOKENIO',
    providerPayoutId: w.id,
    status,
    // The bank's own code (ISO 20022, e.g. ACSC, RJCT) says more than Token.io's status alone.
    providerStatus: w.bankPaymentStatus ? `${w.status} (${w.bankPaymentStatus})` : w.status,
    amount: amount ? moneyFromDecimal(amount.value, amount.currency) : null,
    description: w.initiation?.description ?? null,
    method: null,
    destinationId: extras?.destinationId ?? null,
    failure: failed
      ? {
          code: w.bankPaymentStatus || w.status,
          message: w.statusReasonInformation || 'The bank did not accept the payout.',
        }
      : null,
    expectedArrivalAt: null,
    createdAt: new Date(w.createdDateTime),
    updatedAt: new Date(w.updatedDateTime),
    metadata: extras?.metadata ?? null,
    // Token.io reports when a payout was created (INITIATION_PENDING) and when its status last
    // changed; the steps between are not reported.
    statusHistory: [
      {
        status: 'PENDING',
        providerStatus: 'INITIATION_PENDING',
        reason: null,
        occurredAt: new Date(w.createdDateTime),
      },
      ...(w.status === 'INITIATION_PENDING'
        ? []
        : [
            {
              status,
              providerStatus: w.status,
              reason: w.statusReasonInformation || null,
              occurredAt: new Date(w.updatedDateTime),
            },
          ]),
    ],
  };
}

/**
 * A settlement account as a Balance: `available` is Token.io's availableBalance; `pending` is
 * booked minus cleared, the booked items that have not cleared yet.
 */
export function toBalance(w: WireVirtualAccount): Balance {
  const currency = w.currency.toUpperCase();
  const money = (v: string | undefined) => moneyFromDecimal(v ?? '0', currency);
  const booked = money(w.bookedBalance);
  const cleared = money(w.clearedBalance);
  return {
    provider: 'TOKENIO',
    providerBalanceId: w.accountId,
    currency,
    available: money(w.availableBalance),
    pending: { minor: booked.minor - cleared.minor, currency },
  };
}

export function toGatewayError(status: number, error: WireError | null): GatewayError {
  const message = error?.message || `Token.io answered HTTP ${status}.`;
  const code = error?.errorCode ?? String(status);
  // 501: the bank does not support this; not transient, so not "unavailable".
  if (status === 501) return new ProviderRejectedError('TOKENIO', code, message);
  // Rate limits, outages and bodies that are not Token.io's (a proxy's HTML page) are transient.
  if (status === 429 || status >= 500 || !error) return new ProviderUnavailableError('TOKENIO', message);
  if (status === 404) return new NotFoundError(message);
  if (status === 401 || status === 403) {
    return new ProviderRejectedError(
      'TOKENIO',
      'authentication_failed',
      'Token.io refused the gateway’s credentials (TOKENIO_API_KEY in sandbox, the signing key in live).',
    );
  }
  return new ProviderRejectedError('TOKENIO', code, message);
}
