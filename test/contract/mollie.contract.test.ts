import { mollie } from '../../src/providers/mollie/index.ts';
import { runAdapterContract } from './adapter-contract.ts';

runAdapterContract(mollie, {
  missingPayoutId: 'payout_doesnotexist',
  async payoutCommand(adapter) {
    const balances = await adapter.listBalances!();
    const eur = balances.find((b) => b.currency === 'EUR')!;
    return {
      amount: { minor: 1234, currency: 'EUR' },
      destinationId: null,
      sourceId: eur.providerBalanceId,
      description: 'contract',
      method: null,
      metadata: null,
    };
  },
});
