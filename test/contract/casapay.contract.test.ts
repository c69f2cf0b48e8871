import { casapay } from '../../src/providers/casapay/index.ts';
import { runAdapterContract } from './adapter-contract.ts';

runAdapterContract(casapay, {
  missingPayoutId: 'po_doesnotexist',
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
