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

export interface BankAccount {
  provider: ProviderName;
  providerBankAccountId: string;
  holderName: string | null;
  last4: string | null;
  country: string | null;
  currency: string | null;
  /** The provider's own status word (e.g. `new`, `verified`); null where there is none. */
  status: string | null;
}
