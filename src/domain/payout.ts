// The provider-neutral payout model: one status vocabulary, and the actions a UI may offer.
import type { Money } from './money.ts';
import type { ProviderName } from './provider.ts';

export const PAYOUT_STATUSES = [
  'PENDING',
  'ON_HOLD',
  'PROCESSING',
  'PAID',
  'FAILED',
  'CANCELED',
  'REVERSED',
  'UNKNOWN',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const PAYOUT_ACTIONS = ['CANCEL', 'HOLD', 'RELEASE', 'UPDATE'] as const;
export type PayoutAction = (typeof PAYOUT_ACTIONS)[number];

/** Outcomes a sandbox payout can be asked to end in (`CreatePayoutInput.sandboxOutcome`). */
export const SANDBOX_OUTCOMES = [
  'PAID',
  'ON_HOLD',
  'CANCELED',
  'FAILED_INSUFFICIENT_FUNDS',
  'FAILED_CLOSED_ACCOUNT',
  'REVERSED',
] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

export const PAYOUT_METHODS = ['STANDARD', 'INSTANT'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

export interface PayoutFailure {
  code: string;
  message: string;
}

/** One status a payout had, and since when. */
export interface PayoutStatusChange {
  status: PayoutStatus;
  providerStatus: string;
  /** The provider's reason or message for the change, where it gives one. */
  reason: string | null;
  occurredAt: Date;
}

export interface Payout {
  provider: ProviderName;
  providerPayoutId: string;
  status: PayoutStatus;
  /** The provider's own word for the status, kept verbatim. */
  providerStatus: string;
  /**
   * Null while the provider has not fixed it: a Mollie payout requested without an amount pays
   * "the full available balance", which is only known once Mollie initiates it.
   */
  amount: Money | null;
  description: string | null;
  method: PayoutMethod | null;
  /** The provider's id of the destination bank account, resolved lazily through a DataLoader. */
  destinationId: string | null;
  failure: PayoutFailure | null;
  expectedArrivalAt: Date | null;
  createdAt: Date;
  updatedAt: Date | null;
  metadata: Record<string, string> | null;
  /**
   * Oldest first: what the provider reports (its own history, or the times it stamps), completed by
   * the service with the statuses the gateway observed (services/observed.ts).
   */
  statusHistory: PayoutStatusChange[];
}

/** Which statuses each action is allowed in, per provider (declared in its capabilities). */
export type ActionRules = Partial<Record<PayoutAction, readonly PayoutStatus[]>>;

export function allowedActions(status: PayoutStatus, rules: ActionRules): PayoutAction[] {
  return PAYOUT_ACTIONS.filter((action) => rules[action]?.includes(status) ?? false);
}

export interface StatusLog {
  warn(obj: object, msg: string): void;
}

/**
 * Maps a provider status through its exhaustive table. A status the table does not know becomes
 * UNKNOWN and is logged: guessing a money state is worse than admitting we don't know it.
 */
export function mapStatus<W extends string>(
  table: Record<W, PayoutStatus>,
  raw: string,
  provider: ProviderName,
  log: StatusLog,
): PayoutStatus {
  if (Object.hasOwn(table, raw)) return table[raw as W];
  log.warn({ provider, providerStatus: raw }, 'unmapped provider payout status; reporting UNKNOWN');
  return 'UNKNOWN';
}
