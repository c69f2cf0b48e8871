import type { Money } from './money.ts';
import type { ProviderName } from './provider.ts';

export interface Balance {
  provider: ProviderName;
  /** The provider's id of the balance; providers without balance ids use the currency. */
  providerBalanceId: string;
  currency: string;
  available: Money;
  pending: Money;
}

/** Verification of Payee: does the name match the account's holder at the bank? */
export const VERIFICATION_STATUSES = ['MATCH', 'CLOSE_MATCH', 'NO_MATCH', 'NOT_POSSIBLE'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export interface BankAccountVerification {
  status: VerificationStatus;
  /** The provider's reasons, verbatim (EXACT_MATCH, NAME_MISMATCH, ACCOUNT_MISMATCH, UNKNOWN). */
  reasons: string[];
  /** The holder's name as the bank has it, on a close match. */
  matchedName: string | null;
  checkedAt: Date;
}

export interface BankAccount {
  provider: ProviderName;
  providerBankAccountId: string;
  holderName: string | null;
  last4: string | null;
  country: string | null;
  currency: string | null;
  /** The provider's own status word (e.g. `new`, `verified`); null where there is none. */
  status: string | null;
  bankName?: string | null;
  /** Null where the account was not checked (providers without Verification of Payee, GBP at Token.io). */
  verification?: BankAccountVerification | null;
}
