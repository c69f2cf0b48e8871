import { tokenio } from '../../src/providers/tokenio/index.ts';
import type { CreateBankAccountCommand } from '../../src/providers/types.ts';
import { runAdapterContract } from './adapter-contract.ts';

const gbpAccount: Omit<CreateBankAccountCommand, 'idempotencyKey'> = {
  holderName: 'Contract Lettings Ltd',
  country: 'GB',
  currency: 'GBP',
  sortCode: '10-88-00',
  accountNumber: '87654321',
  iban: null,
  bic: null,
  routingNumber: null,
  metadata: null,
};

runAdapterContract(tokenio, {
  missingPayoutId: 'po:doesnotexist:00000000',
  bankAccountCommand: {
    ...gbpAccount,
    holderName: 'Contract Rentals BV',
    country: 'NL',
    currency: 'EUR',
    sortCode: null,
    accountNumber: null,
    iban: 'NL91 ABNA 0417 1643 00',
    bic: 'ABNANL2A',
  },
  async seed(adapter) {
    await adapter.createBankAccount!({ ...gbpAccount, idempotencyKey: 'contract-seed' });
  },
  async payoutCommand(adapter) {
    const balances = await adapter.listBalances!();
    const gbp = balances.find((b) => b.currency === 'GBP')!;
    const accounts = await adapter.listBankAccounts!({ afterId: null, limit: 10 });
    const destination = accounts.items.find((a) => a.currency === 'GBP')!;
    return {
      amount: { minor: 1234, currency: 'GBP' },
      destinationId: destination.providerBankAccountId,
      sourceId: gbp.providerBalanceId,
      description: 'Contract 0001',
      method: null,
      metadata: { suite: 'contract' },
    };
  },
});
