// In-memory state. Like a provider's test mode, each distinct secret key is its own account, so
// tests that each use a fresh key never see one another's payouts or balance movements.
import { createHash } from 'node:crypto';
import { randomAlnum } from '../../util/random.ts';
import type { SimResponse } from '../http.ts';
import type { SandboxOutcome } from './sandbox-outcome.ts';

export const CURRENCIES = ['eur', 'gbp'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export interface Payout {
  id: string;
  object: 'payout';
  amount: number;
  arrival_date: number;
  automatic: false;
  balance_transaction: string;
  created: number;
  currency: Currency;
  description: string | null;
  destination: string;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: false;
  metadata: Record<string, string>;
  method: 'standard' | 'instant';
  original_payout: null;
  reconciliation_status: 'not_applicable' | 'in_progress' | 'completed';
  reversed_by: null;
  source_type: 'bank_account';
  statement_descriptor: string | null;
  status: PayoutStatus;
  type: 'bank_account';
}

export interface BankAccount {
  id: string;
  object: 'bank_account';
  account_holder_name: string;
  account_holder_type: 'individual' | 'company' | null;
  account_type: null;
  available_payout_methods: ['standard', 'instant'];
  bank_name: string;
  country: string;
  currency: Currency;
  default_for_currency: false;
  fingerprint: string;
  last4: string;
  metadata: Record<string, string>;
  routing_number: string | null;
  status: 'new';
}

/** `seq` orders objects created within the same second; it is never part of a response. */
export interface Stored<T> {
  seq: number;
  object: T;
}

/** A payout with where the test-helper advances take it; the outcome is never in a response. */
export interface StoredPayout extends Stored<Payout> {
  outcome: SandboxOutcome;
}

export interface IdempotencyEntry {
  fingerprint: string;
  response: SimResponse;
}

export interface Account {
  payouts: Map<string, StoredPayout>;
  bankAccounts: Map<string, Stored<BankAccount>>;
  available: Map<Currency, number>;
  pending: Map<Currency, number>;
  idempotency: Map<string, IdempotencyEntry>;
}

export function newId(prefix: string, length = 24): string {
  return prefix + randomAlnum(length);
}

export interface BankAccountInput {
  holderName: string;
  holderType: 'individual' | 'company' | null;
  /** Normalised: 8 digits for GB, compact upper-case IBAN otherwise. */
  number: string;
  sortCode: string | null;
  currency: Currency;
  country: string;
  metadata: Record<string, string>;
}

/** The full number is consumed here and never stored: only last4 and a fingerprint survive. */
export function makeBankAccount(input: BankAccountInput): BankAccount {
  // Same number (and sort code) gives the same fingerprint in every account, as in Stripe.
  const fingerprint = createHash('sha256')
    .update(`casapay-sandbox:${input.country}:${input.sortCode ?? ''}:${input.number}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
  return {
    id: newId('ba_'),
    object: 'bank_account',
    account_holder_name: input.holderName,
    account_holder_type: input.holderType,
    account_type: null,
    available_payout_methods: ['standard', 'instant'],
    bank_name: 'SANDBOX BANK',
    country: input.country,
    currency: input.currency,
    default_for_currency: false,
    fingerprint,
    last4: input.number.slice(-4),
    metadata: input.metadata,
    routing_number: input.sortCode,
    status: 'new',
  };
}

export class Store {
  private readonly accounts = new Map<string, Account>();
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  /** Returns the key's account, seeding it on first use with the quickstart's balance. */
  account(apiKey: string): Account {
    let account = this.accounts.get(apiKey);
    if (!account) {
      account = {
        payouts: new Map(),
        bankAccounts: new Map(),
        available: new Map<Currency, number>([
          ['eur', 4_500_000],
          ['gbp', 1_200_000],
        ]),
        pending: new Map<Currency, number>([['eur', 250_000]]),
        idempotency: new Map(),
      };
      this.seedBankAccounts(account);
      this.accounts.set(apiKey, account);
    }
    return account;
  }

  private seedBankAccounts(account: Account): void {
    const seeds: BankAccountInput[] = [
      {
        holderName: 'Property Management Ltd',
        holderType: null,
        number: '00012345',
        sortCode: '108800',
        currency: 'gbp',
        country: 'GB',
        metadata: {},
      },
      {
        holderName: 'Hausverwaltung Berlin GmbH',
        holderType: null,
        number: 'DE89370400440532013000',
        sortCode: null,
        currency: 'eur',
        country: 'DE',
        metadata: {},
      },
    ];
    for (const seed of seeds) {
      const object = makeBankAccount(seed);
      account.bankAccounts.set(object.id, { seq: this.nextSeq(), object });
    }
  }
}
