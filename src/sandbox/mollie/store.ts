// In-memory state of the Mollie simulator. Each distinct credential suffix is its own account
// (`test_<suffix>` and `access_<suffix>` share it, see auth.ts), so tests (and gateway tenants)
// never see each other's balances or payouts. Money is kept in integer
// minor units and converted to Mollie's exact decimal strings only at the wire.
import { randomAlnum } from '../../util/random.ts';
import type { SimResponse } from '../http.ts';
import type { SandboxOutcome } from './sandbox-outcome.ts';

export type BalanceStatus = 'active' | 'inactive';
export type PayoutStatus =
  'requested' | 'initiated' | 'processing-at-bank' | 'completed' | 'failed' | 'canceled';

export interface TransferDestination {
  type: 'bank-account';
  bankAccount: string;
  beneficiaryName: string;
}

export interface BalanceState {
  id: string;
  currency: string;
  description: string;
  createdAt: number;
  status: BalanceStatus;
  available: number;
  pending: number;
  transferFrequency: string;
  transferThreshold: number;
  transferReference: string | null;
  transferDestination: TransferDestination | null;
}

export interface PayoutState {
  id: string;
  /** Creation order; breaks ties between payouts created in the same clock second. */
  seq: number;
  balanceId: string;
  currency: string;
  /**
   * Minor units; null while a payout requested without an amount is not initiated yet (and forever
   * if it never is): Mollie only fixes "the full available balance" when it executes the payout.
   */
  amount: number | null;
  description: string | undefined;
  status: PayoutStatus;
  reasonCode: string;
  createdAt: number;
  initiatedAt: number | null;
  completedAt: number | null;
  canceledAt: number | null;
  /** True while the amount is debited from the balance (between initiation and a failure/return). */
  debited: boolean;
  /** Sandbox only (X-Sandbox-Outcome): where the test-helper advances take it. Never serialised. */
  sandboxOutcome: SandboxOutcome;
}

export interface IdempotentEntry {
  fingerprint: string;
  response: SimResponse;
}

export interface Account {
  /** Seed order; the first one is the primary balance. */
  balances: BalanceState[];
  payouts: PayoutState[];
  idempotency: Map<string, IdempotentEntry>;
}

/** Mollie-looking token: prefix plus random alphanumerics (Mollie's own ids are 21 characters long). */
export function newId(prefix: string, length = 21): string {
  return prefix + randomAlnum(length);
}

/** Mollie timestamps are second-precision ISO 8601 with an explicit `+00:00` offset. */
export function isoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

// Every currency a Mollie balance can hold (spec `currencies`) is written with two decimals on the
// wire; Mollie documents HUF as whole forints but still with ".00".
const DECIMALS = 2;

export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** DECIMALS;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(DECIMALS, '0')}`;
}

/** Parses an exact decimal string with exactly the currency's decimals; null when malformed. */
export function parseMinor(value: string): number | null {
  const m = /^(-?)(0|[1-9]\d{0,12})\.(\d{2})$/.exec(value);
  if (!m) return null;
  const minor = Number(m[2]) * 10 ** DECIMALS + Number(m[3]);
  return m[1] === '-' ? -minor : minor;
}

export function money(currency: string, minor: number): { currency: string; value: string } {
  return { currency, value: formatMinor(minor) };
}

export class MollieStore {
  private readonly accounts = new Map<string, Account>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  nextSeq(): number {
    return ++this.seq;
  }

  /** The test-mode account of a credential suffix, seeded on first use with a primary EUR and a GBP balance. */
  account(suffix: string): Account {
    let account = this.accounts.get(suffix);
    if (!account) {
      account = { balances: this.seed(), payouts: [], idempotency: new Map() };
      this.accounts.set(suffix, account);
    }
    return account;
  }

  /**
   * What an access token sees in live mode: the sandbox has no live data, so a fresh empty account
   * per request (nothing can be created in it: a payout needs one of its balances).
   */
  liveAccount(): Account {
    return { balances: [], payouts: [], idempotency: new Map() };
  }

  private seed(): BalanceState[] {
    const now = this.now();
    // The EUR balance is created first (and a day earlier) so "primary" and list order are stable.
    return [
      {
        id: newId('bal_'),
        currency: 'EUR',
        description: 'Primary balance',
        createdAt: now - 86_400_000,
        status: 'active',
        available: 250_000,
        pending: 1_250,
        transferFrequency: 'daily',
        transferThreshold: 500,
        transferReference: 'RF12-3456-7890-1234',
        transferDestination: {
          type: 'bank-account',
          bankAccount: 'NL55INGB0000000000',
          beneficiaryName: 'Sandbox Merchant B.V.',
        },
      },
      {
        id: newId('bal_'),
        currency: 'GBP',
        description: 'GBP balance',
        createdAt: now,
        status: 'active',
        available: 180_000,
        pending: 0,
        transferFrequency: 'daily',
        transferThreshold: 500,
        transferReference: null,
        transferDestination: {
          type: 'bank-account',
          bankAccount: 'GB33BUKB20201555555555',
          beneficiaryName: 'Sandbox Merchant Ltd',
        },
      },
    ];
  }
}

export function findBalance(account: Account, id: string): BalanceState | undefined {
  return account.balances.find((b) => b.id === id);
}

export function findPayout(account: Account, id: string): PayoutState | undefined {
  return account.payouts.find((p) => p.id === id);
}
