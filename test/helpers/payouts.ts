// A payout at any of the four providers, created through GraphQL the way a frontend would: each
// provider's own sources and destinations are found (or made) first, once per test app.
import { randomBytes } from 'node:crypto';
import type { CreatePayoutInput, PayoutProvider } from '../gql/graphql.ts';
import { Balances, CreateBankAccount, CreatePayout, ListBankAccounts } from '../gateway/operations.ts';
import type { TestApp } from './app.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const setups = new WeakMap<TestApp, Promise<Record<PayoutProvider, Partial<CreatePayoutInput>>>>();

async function account(t: TestApp, input: Json): Promise<string> {
  const r = (await t.exec(CreateBankAccount, { input: input as never })).data!.createBankAccount as Json;
  if (r.__typename !== 'CreateBankAccountSuccess') throw new Error(JSON.stringify(r));
  return r.bankAccount.id;
}

async function setup(t: TestApp): Promise<Record<PayoutProvider, Partial<CreatePayoutInput>>> {
  const [casapayAccounts, balances] = await Promise.all([
    t.exec(ListBankAccounts, { provider: 'CASAPAY' }),
    t.exec(Balances, {}),
  ]);
  const balance = (provider: string, currency: string) =>
    balances.data!.balances.nodes.find((b) => b.provider === provider && b.currency === currency)!.id;
  const tag = randomBytes(4).toString('hex');
  return {
    CASAPAY: {
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: casapayAccounts.data!.bankAccounts.edges.find((e) => e.node.currency === 'GBP')!.node.id,
    },
    MOLLIE: { amount: { amount: '1.00', currency: 'EUR' }, sourceId: balance('MOLLIE', 'EUR') },
    TOKENIO: {
      amount: { amount: '1.00', currency: 'GBP' },
      sourceId: balance('TOKENIO', 'GBP'),
      description: 'Live status test',
      destinationId: await account(t, {
        provider: 'TOKENIO',
        holderName: 'Live Status Ltd',
        country: 'GB',
        currency: 'GBP',
        sortCode: '404784',
        accountNumber: '70872490',
        idempotencyKey: `tokenio-acct-${tag}`,
      }),
    },
    STRADDLE: {
      amount: { amount: '1.00', currency: 'USD' },
      description: 'Live status test',
      destinationId: await account(t, {
        provider: 'STRADDLE',
        holderName: 'Riley Tenant',
        country: 'US',
        currency: 'USD',
        routingNumber: '021000021',
        accountNumber: '000123456789',
        email: `live-${tag}@example.com`,
        phone: '+12125550123',
        idempotencyKey: `straddle-acct-${tag}`,
      }),
    },
  };
}

/** What createPayout needs at `provider` besides its idempotencyKey (sources, destinations made once). */
export async function payoutInputFor(
  t: TestApp,
  provider: PayoutProvider,
): Promise<Partial<CreatePayoutInput>> {
  if (!setups.has(t)) setups.set(t, setup(t));
  return { provider, ...(await setups.get(t)!)[provider] };
}

/** Creates a payout at `provider` and returns it (the PayoutFields fragment). */
export async function createPayoutAt(
  t: TestApp,
  provider: PayoutProvider,
  input: Partial<CreatePayoutInput> = {},
): Promise<Json> {
  const base = await payoutInputFor(t, provider);
  const r = (
    await t.exec(CreatePayout, {
      input: { provider, idempotencyKey: `p-${randomBytes(8).toString('hex')}`, ...base, ...input },
    })
  ).data!.createPayout as Json;
  if (r.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(r));
  return r.payout;
}
