// The one interface every payout provider implements. Operations a provider cannot do are left
// out (optional methods) and the service answers them with UnsupportedOperationError; the
// capabilities declare the same list, and the contract suite checks the two agree.
import type { Balance, BankAccount } from '../domain/account.ts';
import type { Money } from '../domain/money.ts';
import type { ActionRules, Payout, PayoutMethod, PayoutStatus, SandboxOutcome } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { TransportHealth } from './http.ts';

export interface CreatePayoutCommand {
  /** Null where the provider may pay the full available balance (Mollie). */
  amount: Money | null;
  /** Provider id of the balance to pay from, for providers with several sources. */
  sourceId: string | null;
  /** Provider id of the destination bank account. */
  destinationId: string | null;
  description: string | null;
  method: PayoutMethod | null;
  metadata: Record<string, string> | null;
  /** A calendar date (YYYY-MM-DD) to send the payout on, for providers that schedule (Straddle). */
  scheduledFor?: string | null;
  /** The IP address of the client's request (Straddle records the authorising device). */
  clientIp?: string | null;
  /** Sandbox only: the outcome the provider's simulator should drive this payout to. */
  sandboxOutcome?: SandboxOutcome | null;
  /** Derived deterministically from the client's key: a retry can never create a second payout. */
  idempotencyKey: string;
}

/** What updatePayout may change; absent fields stay as they are. */
export interface UpdatePayoutCommand {
  amount?: Money;
  description?: string;
  /** A calendar date (YYYY-MM-DD) the provider should send the payout on. */
  scheduledFor?: string;
}

export interface CreateBankAccountCommand {
  holderName: string;
  country: string;
  currency: string;
  sortCode: string | null;
  accountNumber: string | null;
  iban: string | null;
  bic: string | null;
  routingNumber: string | null;
  /** Straddle's customer: email, E.164 phone, INDIVIDUAL or BUSINESS; CHECKING or SAVINGS. */
  email?: string | null;
  phone?: string | null;
  customerType?: 'INDIVIDUAL' | 'BUSINESS' | null;
  accountType?: 'CHECKING' | 'SAVINGS' | null;
  clientIp?: string | null;
  metadata: Record<string, string> | null;
  idempotencyKey: string;
}

export interface PayoutFilter {
  status?: readonly PayoutStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export interface PageQuery<F = undefined> {
  /** The position of the last item already seen (its id, or its Page.positions entry); the page starts after it. */
  afterId: string | null;
  limit: number;
  filter?: F;
}

export interface PayoutPageQuery extends PageQuery<PayoutFilter> {
  /**
   * Set when the caller will read each payout's destination. A provider that can send the bank
   * accounts with the list (CasaPay's `expand[]`) hands each one here, sparing a read per account;
   * the others ignore it.
   */
  destinations?: (account: BankAccount) => void;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
  /**
   * For providers paged by opaque offsets (Token.io): the position after each item, which a later
   * PageQuery.afterId starts from. Without it the position is the item's id.
   */
  positions?: string[];
  /**
   * Set when a filter applied on our side left the page short while the provider has more: the
   * position of the last item the provider was read up to, so the next page starts there rather
   * than after the last item returned.
   */
  resumeAfterId?: string;
  /** That last item read (matched or not): how far the provider's list has been looked at. */
  scanned?: T;
}

export type Requirement = 'REQUIRED' | 'OPTIONAL' | 'FORBIDDEN';

export interface ProviderCapabilities {
  operations: readonly Operation[];
  /** Currencies the provider can pay out in. */
  currencies: readonly string[];
  payoutActions: ActionRules;
  /** How createPayout's inputs apply to this provider. */
  createPayout: {
    amount: Requirement;
    sourceId: Requirement;
    destinationId: Requirement;
    scheduledFor: Requirement;
    methods: readonly PayoutMethod[];
  };
  webhooks: boolean;
  /** The outcomes its sandbox simulator can drive a payout to. */
  sandboxOutcomes: readonly SandboxOutcome[];
  /** Where status changes come from: the provider's signed webhooks, or polling its API. */
  statusSource: 'WEBHOOK' | 'POLLING';
  /**
   * How often a payout that is not final is polled: first after `initialMs`, then doubling up to
   * `maxMs`. With webhooks it is the safety net for a lost delivery; without, the status source.
   */
  pollCadence: { initialMs: number; maxMs: number };
  /** The moves out of a final status this provider really makes (a late return: paid → failed). */
  terminalMoves: readonly (readonly [PayoutStatus, PayoutStatus])[];
  /** Plain words for what the shared model cannot say on its own. */
  notes: readonly string[];
}

/**
 * A status change a verified webhook reports: with the payout as the event shows it, or only the
 * payout's id where the event carries no snapshot (the gateway then reads the payout at once).
 */
export type WebhookEvent = {
  /** The provider's event id: deliveries are deduplicated by it. */
  eventId: string;
} & (
  | {
      payout: Payout;
      /** When the provider says the change happened (orders events that arrive out of order). */
      occurredAt: Date;
    }
  | { payoutId: string }
);

/** The sandbox simulator's own test-helper moves for a payout (sandbox mode only). */
export interface SandboxDrive {
  /** One step along the payout's path (its sandbox outcome, or paid). */
  advance(id: string): Promise<Payout>;
  /** Fails the payout, where the simulator can do that to any payout. */
  fail?(id: string): Promise<Payout>;
}

/** The drive of a simulator whose test helpers both advance and fail a payout by id. */
export function testHelperDrive(
  step: (id: string, step: 'advance' | 'fail') => Promise<Payout>,
): SandboxDrive {
  return { advance: (id) => step(id, 'advance'), fail: (id) => step(id, 'fail') };
}

export interface PayoutProviderAdapter {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /**
   * A verified webhook body as a status change; null for an event that is not about a payout's
   * status (Straddle's paykey events). Throws on a body the provider would not send.
   */
  webhookEvent?(body: unknown): WebhookEvent | null;
  /** Present for an adapter talking to its sandbox simulator. */
  sandbox?: SandboxDrive;
  createPayout?(command: CreatePayoutCommand): Promise<Payout>;
  /**
   * After a create ended in doubt: the payout this command (same idempotencyKey) created, or null
   * when the provider has none. CasaPay and Mollie replay the request with its idempotency key
   * (which also completes a create that never arrived); Token.io looks the refId up, Straddle the
   * external_id.
   */
  findCreatedPayout?(command: CreatePayoutCommand): Promise<Payout | null>;
  getPayout?(id: string): Promise<Payout>;
  /**
   * Many payouts in one provider call where the API allows it (Token.io's `ids` filter): one result
   * per id, in order, a NotFoundError for a miss. Used by the per-request DataLoader.
   */
  getPayouts?(ids: readonly string[]): Promise<(Payout | Error)[]>;
  listPayouts?(query: PayoutPageQuery): Promise<Page<Payout>>;
  cancelPayout?(id: string): Promise<Payout>;
  holdPayout?(id: string, reason: string): Promise<Payout>;
  releasePayout?(id: string, reason: string | null): Promise<Payout>;
  updatePayout?(id: string, changes: UpdatePayoutCommand): Promise<Payout>;
  listBalances?(): Promise<Balance[]>;
  getBalance?(id: string): Promise<Balance>;
  getBankAccount?(id: string): Promise<BankAccount>;
  listBankAccounts?(query: PageQuery): Promise<Page<BankAccount>>;
  createBankAccount?(command: CreateBankAccountCommand): Promise<BankAccount>;
  /** The full account number, for callers with `bank_accounts:unmask` (audited by the service). */
  unmaskAccountNumber?(bankAccountId: string): Promise<string | null>;
  /** Cheapest authenticated call, for /readyz. */
  ping(): Promise<void>;
  /** The transport's breaker state and recent latency (`providers { health }`). */
  health(): TransportHealth;
  close(): Promise<void>;
}

export const OPERATIONS = [
  'createPayout',
  'getPayout',
  'listPayouts',
  'cancelPayout',
  'holdPayout',
  'releasePayout',
  'updatePayout',
  'listBalances',
  'getBalance',
  'getBankAccount',
  'listBankAccounts',
  'createBankAccount',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The operations an adapter really implements (what its capabilities must declare). */
export function implementedOperations(adapter: PayoutProviderAdapter): Operation[] {
  return OPERATIONS.filter((op) => typeof adapter[op] === 'function');
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
