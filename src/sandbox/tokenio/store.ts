// In-memory state of the Token.io simulator. Each credential is its own sandbox account (auth.ts):
// its settlement accounts, payouts and account verifications are invisible to every other one, so
// tests and gateway tenants never see each other's data. Money is integer minor units (money.ts).
import type { KeyObject } from 'node:crypto';
import { newAccountId, newAccountNumber, newIban, newSortCode, sandboxBic } from './ids.ts';
import type { SandboxOutcome } from './sandbox-outcome.ts';

export const PAYOUT_STATUSES = [
  'INITIATION_PENDING',
  'INITIATION_PROCESSING',
  'INITIATION_COMPLETED',
  'INITIATION_REJECTED',
  'INITIATION_FAILED',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const FINAL_STATUSES: readonly PayoutStatus[] = [
  'INITIATION_COMPLETED',
  'INITIATION_REJECTED',
  'INITIATION_FAILED',
];

export type VirtualAccountStatus = 'INVALID' | 'ACTIVE' | 'CLOSED' | 'BLOCKED' | 'CLIENT_BLOCKED';

export interface VirtualAccountState {
  accountId: string;
  accountName: string;
  accountNickName?: string;
  onBehalfOfId?: string;
  currency: string;
  country: string;
  sortCode?: string;
  accountNumber?: string;
  iban?: string;
  bic?: string;
  status: VirtualAccountStatus;
  /** Minor units. available ≤ cleared ≤ booked while payouts are in flight. */
  available: number;
  cleared: number;
  booked: number;
  createdAt: number;
  updatedAt: number;
}

/** The initiation as the TPP sent it (echoed back on every read), plus what the simulator derived. */
export interface PayoutState {
  id: string;
  memberId: string;
  createdAt: number;
  updatedAt: number;
  status: PayoutStatus;
  bankPaymentStatus?: string;
  statusReasonInformation?: string;
  bankTransactionId?: string;
  initiation: {
    refId: string;
    description: string;
    amount: { value: string; currency: string };
    debtor: { accountId: string };
    creditor: Record<string, string>;
    onBehalfOfId?: string;
  };
  /** Minor units of `initiation.amount`. */
  minor: number;
  /** True while the amount is held out of the available balance (created, not failed). */
  debited: boolean;
  /** Sandbox only (X-Sandbox-Outcome): where the test-helper advances take it. Never serialised. */
  sandboxOutcome: SandboxOutcome;
}

export interface VerificationState {
  id: string;
  iban: string;
  name: string;
  status: string;
}

export interface Account {
  /** `m:…`, reported as every payout's memberId. */
  memberId: string;
  /** Creation order, which is also the list order. */
  virtualAccounts: VirtualAccountState[];
  payouts: PayoutState[];
  verifications: Map<string, VerificationState>;
}

/** Token.io's timestamp form, e.g. `2017-04-05T10:43:07.000+00:00`. */
export const isoTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '+00:00');

export class TokenioStore {
  private readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly now: () => number) {}

  /** The account of a credential, seeded on first use. `key` separates Basic keys from JWT members. */
  account(key: string, memberId: string): Account {
    let account = this.accounts.get(key);
    if (!account) {
      account = { memberId, virtualAccounts: this.seed(), payouts: [], verifications: new Map() };
      this.accounts.set(key, account);
    }
    return account;
  }

  registerKey(memberId: string, keyId: string, key: KeyObject): void {
    this.keys.set(`${memberId}\u0000${keyId}`, key);
  }

  memberKey(memberId: string, keyId: string): KeyObject | undefined {
    return this.keys.get(`${memberId}\u0000${keyId}`);
  }

  /**
   * Two ACTIVE settlement accounts. Booked is 250.00 above cleared: money received but not cleared
   * yet, which is how the gateway reads a pending balance (booked − cleared).
   */
  private seed(): VirtualAccountState[] {
    const t = this.now();
    const funded = { status: 'ACTIVE' as const, available: 1_000_000, cleared: 1_000_000, booked: 1_025_000 };
    return [
      {
        accountId: newAccountId(),
        accountName: 'Sandbox GBP settlement',
        currency: 'GBP',
        country: 'GB',
        sortCode: newSortCode(),
        accountNumber: newAccountNumber(),
        ...funded,
        createdAt: t,
        updatedAt: t,
      },
      {
        accountId: newAccountId(),
        accountName: 'Sandbox EUR settlement',
        currency: 'EUR',
        country: 'NL',
        iban: newIban('NL') ?? 'NL91ABNA0417164300',
        bic: sandboxBic('NL'),
        ...funded,
        createdAt: t,
        updatedAt: t,
      },
    ];
  }
}

export function findVirtualAccount(account: Account, id: string): VirtualAccountState | undefined {
  return account.virtualAccounts.find((v) => v.accountId === id);
}

export function findPayout(account: Account, id: string): PayoutState | undefined {
  return account.payouts.find((p) => p.id === id);
}
