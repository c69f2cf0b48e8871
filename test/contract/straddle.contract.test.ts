import { straddle } from '../../src/providers/straddle/index.ts';
import type { CreateBankAccountCommand } from '../../src/providers/types.ts';
import { runAdapterContract } from './adapter-contract.ts';

const account: Omit<CreateBankAccountCommand, 'idempotencyKey'> = {
  holderName: 'Contract Tenant',
  country: 'US',
  currency: 'USD',
  sortCode: null,
  accountNumber: '123456789',
  iban: null,
  bic: null,
  routingNumber: '021000021',
  email: 'tenant@example.com',
  phone: '+12125550123',
  customerType: 'INDIVIDUAL',
  accountType: 'CHECKING',
  metadata: null,
};

runAdapterContract(straddle, {
  missingPayoutId: '00000000-0000-4000-8000-000000000000',
  bankAccountCommand: {
    ...account,
    holderName: 'Contract Landlord LLC',
    customerType: 'BUSINESS',
    email: 'landlord@example.com',
  },
  async seed(adapter) {
    await adapter.createBankAccount!({ ...account, idempotencyKey: 'contract-seed-0001' });
  },
  async payoutCommand(adapter) {
    const accounts = await adapter.listBankAccounts!({ afterId: null, limit: 10 });
    return {
      amount: { minor: 1234, currency: 'USD' },
      destinationId: accounts.items[0]!.providerBankAccountId,
      sourceId: null,
      description: 'contract',
      method: null,
      metadata: { suite: 'contract' },
    };
  },
});
