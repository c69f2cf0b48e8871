import { casapay } from '../../src/providers/casapay/index.ts';
import { runAdapterContract } from './adapter-contract.ts';

runAdapterContract(casapay, {
  missingPayoutId: 'po_doesnotexist',
  bankAccountCommand: {
    holderName: 'Contract Lettings Ltd',
    country: 'GB',
    currency: 'GBP',
    sortCode: '108800',
    accountNumber: '87654321',
    iban: null,
    bic: null,
    routingNumber: null,
    metadata: null,
  },
  async payoutCommand(adapter) {
    const accounts = await adapter.listBankAccounts!({ afterId: null, limit: 10 });
    const gbp = accounts.items.find((a) => a.currency === 'GBP')!;
    return {
      amount: { minor: 1234, currency: 'GBP' },
      destinationId: gbp.providerBankAccountId,
      sourceId: null,
      description: 'contract',
      method: null,
      metadata: { suite: 'contract' },
    };
  },
});
