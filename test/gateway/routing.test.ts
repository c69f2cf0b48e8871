// A payout created without naming a provider: the ids decide (their owner), else the currency's
// routing rule, choosing only a provider whose capabilities fit; `Payout.routing` says which rule
// decided; a contradiction is a ValidationError that reaches no provider.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../../src/domain/ids.ts';
import { graphql } from '../gql/index.ts';
import type { CreatePayoutInput } from '../gql/graphql.ts';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import { payoutInputFor } from '../helpers/payouts.ts';
import { Balances } from './operations.ts';

const RoutedCreate = graphql(`
  mutation RoutedCreate($input: CreatePayoutInput!) {
    createPayout(input: $input) {
      __typename
      ... on CreatePayoutSuccess {
        payout {
          id
          provider
          amount {
            amount
            currency
          }
          routing {
            rule
            reason
          }
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

const PayoutRouting = graphql(`
  query PayoutRouting($id: ID!) {
    payout(id: $id) {
      id
      routing {
        rule
        reason
      }
    }
  }
`);

let t: TestApp;
/** Creates (no provider unless given) and answers the result union. */
async function create(input: Partial<CreatePayoutInput>) {
  const res = await t.exec(RoutedCreate, {
    input: { idempotencyKey: `r-${randomBytes(6).toString('hex')}`, ...input } as CreatePayoutInput,
  });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createPayout;
}

/** Provider calls that create payouts or read balances, everywhere. */
function providerCalls(): number {
  return (
    countRequests(t.casapay, 'POST', /^\/v1\/payouts$/) +
    countRequests(t.casapay, 'GET', /^\/v1\/balance$/) +
    countRequests(t.mollie, 'POST', /^\/v2\/balances\/[^/]+\/payouts$|^\/v2\/payouts$/) +
    countRequests(t.mollie, 'GET', /^\/v2\/balances$/) +
    countRequests(t.tokenio, 'POST', /^\/v2\/payouts$|^\/payouts$/) +
    countRequests(t.tokenio, 'GET', /^\/virtual-accounts$/) +
    countRequests(t.straddle, 'POST', /^\/v1\/payouts$/)
  );
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('routing by the ids given', () => {
  it('sends a payout to the provider holding its destination', async () => {
    const { destinationId, amount } = await payoutInputFor(t, 'CASAPAY');
    const r = await create({ destinationId, amount });
    expect(r).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: {
        provider: 'CASAPAY',
        routing: { rule: 'DESTINATION', reason: 'destinationId is a CasaPay bank account.' },
      },
    });
  });

  it('sends a payout to the provider holding its source', async () => {
    const { sourceId } = await payoutInputFor(t, 'MOLLIE');
    const r = await create({ sourceId, amount: { amount: '2.00', currency: 'EUR' } });
    expect(r).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: { provider: 'MOLLIE', routing: { rule: 'SOURCE' } },
    });
  });

  it('chooses the source a routed provider needs: its one balance in the currency, read once', async () => {
    const { destinationId, description } = await payoutInputFor(t, 'TOKENIO');
    const key = `tokenio-routed-${randomBytes(4).toString('hex')}`;
    const input = {
      destinationId,
      description,
      amount: { amount: '3.00', currency: 'GBP' },
      idempotencyKey: key,
    };
    const balancesFrom = countRequests(t.tokenio, 'GET', /^\/virtual-accounts$/);
    const before = providerCalls();
    const r = await create(input);
    // The balance read and the create: what the repeat below must not cost again.
    expect(providerCalls() - before).toBe(2);
    expect(r).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: {
        provider: 'TOKENIO',
        amount: { amount: '3.00', currency: 'GBP' },
        routing: { rule: 'DESTINATION', reason: expect.stringContaining('Source: its GBP balance.') },
      },
    });
    expect(countRequests(t.tokenio, 'GET', /^\/virtual-accounts$/) - balancesFrom).toBe(1);
    // The payout is paid from that balance.
    const gbp = (await t.exec(Balances, { provider: 'TOKENIO' })).data!.balances.nodes.find(
      (b) => b.currency === 'GBP',
    )!;
    expect(gbp.available.minorUnits).toBeLessThan(10_000_00);

    // A repeat is answered from the gateway's record: no provider call, the same payout and routing.
    const calls = providerCalls();
    const again = await create(input);
    expect(again).toEqual(r);
    expect(providerCalls()).toBe(calls);
  });

  it('refuses a contradiction before any provider call', async () => {
    const straddle = await payoutInputFor(t, 'STRADDLE');
    const casapay = await payoutInputFor(t, 'CASAPAY');
    const mollie = await payoutInputFor(t, 'MOLLIE');
    const calls = providerCalls();
    // A GBP payout to a Straddle paykey.
    expect(
      await create({ destinationId: straddle.destinationId, amount: { amount: '1.00', currency: 'GBP' } }),
    ).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount.currency',
      message: 'Straddle pays out in USD, not GBP.',
    });
    // A CasaPay destination with a Mollie source.
    expect(
      await create({
        destinationId: casapay.destinationId,
        sourceId: mollie.sourceId,
        amount: casapay.amount,
      }),
    ).toMatchObject({ __typename: 'ValidationError', field: 'sourceId' });
    // A provider named that does not hold the destination.
    expect(
      await create({ provider: 'CASAPAY', destinationId: straddle.destinationId, amount: casapay.amount }),
    ).toMatchObject({ __typename: 'ValidationError', field: 'destinationId' });
    expect(providerCalls()).toBe(calls);
  });
});

describe('routing by currency (GATEWAY_ROUTING)', () => {
  it('chooses the first provider of the rule whose capabilities fit, and says why', async () => {
    // GBP: CasaPay and Token.io need a destinationId; Mollie pays its GBP balance out.
    const r = await create({ amount: { amount: '4.00', currency: 'GBP' } });
    expect(r).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: {
        provider: 'MOLLIE',
        amount: { amount: '4.00', currency: 'GBP' },
        routing: {
          rule: 'CURRENCY',
          reason:
            'Mollie: the first of CasaPay, Token.io, Mollie (routing for GBP) that can make this payout (CasaPay needs a destinationId; Token.io needs a destinationId). Source: its GBP balance.',
        },
      },
    });
    // The routing is kept with the payout: a later read says the same.
    const id = (r as { payout: { id: string } }).payout.id;
    const read = (await t.exec(PayoutRouting, { id })).data!.payout!;
    expect(read.routing).toEqual((r as { payout: { routing: unknown } }).payout.routing);
  });

  it('refuses when no provider of the rule fits, naming why each does not', async () => {
    const calls = providerCalls();
    // USD goes to Straddle, which pays only to a paykey.
    expect(await create({ amount: { amount: '1.00', currency: 'USD' } })).toMatchObject({
      __typename: 'ValidationError',
      field: 'provider',
      message: expect.stringContaining('Straddle needs a destinationId'),
    });
    // No rule for CHF; and no amount at all.
    expect(await create({ amount: { amount: '1.00', currency: 'CHF' } })).toMatchObject({
      __typename: 'ValidationError',
      field: 'provider',
    });
    expect(await create({ description: 'no amount' })).toMatchObject({
      __typename: 'ValidationError',
      field: 'provider',
    });
    // A method no provider of the rule offers for a payout with no destination.
    expect(await create({ amount: { amount: '1.00', currency: 'EUR' }, method: 'INSTANT' })).toMatchObject({
      __typename: 'ValidationError',
      field: 'provider',
      message: expect.stringContaining('Mollie does not offer INSTANT payouts'),
    });
    expect(providerCalls()).toBe(calls);
  });

  it('follows a configured rule', async () => {
    const other = await startTestApp('memory', {
      GATEWAY_ROUTING: JSON.stringify({ EUR: ['TOKENIO', 'CASAPAY'] }),
    });
    try {
      const res = await other.exec(RoutedCreate, {
        input: { amount: { amount: '1.00', currency: 'EUR' }, idempotencyKey: 'configured' },
      });
      expect(res.data!.createPayout).toMatchObject({
        __typename: 'ValidationError',
        field: 'provider',
        message:
          'No provider routed for EUR can make this payout: Token.io needs a destinationId; CasaPay needs a destinationId. Give provider or destinationId.',
      });
    } finally {
      await other.close();
    }
  });

  it('says null for a payout the gateway did not create', async () => {
    const { destinationId } = await payoutInputFor(t, 'CASAPAY');
    // Made straight at CasaPay's API, as another system sharing the account would.
    const res = await fetch(`${t.casapay.url}/v1/payouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        amount: 100,
        currency: 'gbp',
        destination: decodeGlobalId(destinationId!, ['BankAccount'], 'id').id,
      }),
    });
    const id = encodeGlobalId('Payout', 'CASAPAY', ((await res.json()) as { id: string }).id);
    expect((await t.exec(PayoutRouting, { id })).data!.payout).toEqual({ id, routing: null });
  });
});
