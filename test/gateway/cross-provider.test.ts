// One connection over several providers: newest first, paged by a cursor that remembers each
// provider's position, with no gaps and no repeats across the providers' own pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListBankAccountsQuery, ListPayoutsQuery } from '../gql/graphql.ts';

import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Balances, CreateBankAccount, CreatePayout, ListBankAccounts, ListPayouts } from './operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('across CasaPay, Mollie and Token.io', () => {
  it('merges payouts newest first, page by page, without gaps or repeats', async () => {
    const accounts = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
    const gbp = accounts.find((e) => e.node.currency === 'GBP')!.node.id;
    const balances = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes;
    const created: string[] = [];
    const pay = async (input: object) => {
      const r = (await t.exec(CreatePayout, { input: input as never })).data!.createPayout;
      if (r.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(r));
      created.push(r.payout.id);
    };
    // Both providers stamp creation to the second: a pause makes every payout's time distinct, so
    // the merged order is fully determined (and a merge that ignored time would interleave wrongly).
    const pause = () => new Promise((r) => setTimeout(r, 1100));
    const eur = balances.find((b) => b.currency === 'EUR')!;
    await pay({
      provider: 'CASAPAY',
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: gbp,
      idempotencyKey: 'x1',
    });
    await pause();
    await pay({
      provider: 'MOLLIE',
      sourceId: eur.id,
      amount: { amount: '1.00', currency: 'EUR' },
      idempotencyKey: 'x2',
    });
    await pause();
    // Token.io pages by opaque offsets: its cursor position is not an id, and mixes in all the same.
    const tokenioSource = (await t.exec(Balances, { provider: 'TOKENIO' })).data!.balances.nodes.find(
      (b) => b.currency === 'GBP',
    )!;
    const beneficiary = (
      await t.exec(CreateBankAccount, {
        input: {
          provider: 'TOKENIO',
          holderName: 'Cross Provider Ltd',
          country: 'GB',
          currency: 'GBP',
          sortCode: '404784',
          accountNumber: '70872490',
          idempotencyKey: 'b1',
        },
      })
    ).data!.createBankAccount as { bankAccount: { id: string } };
    const tokenio = (n: string) => ({
      provider: 'TOKENIO',
      sourceId: tokenioSource.id,
      destinationId: beneficiary.bankAccount.id,
      amount: { amount: '1.00', currency: 'GBP' },
      description: `Cross provider ${n}`,
      idempotencyKey: `t${n}`,
    });
    await pay(tokenio('1'));
    await pause();
    await pay({
      provider: 'CASAPAY',
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: gbp,
      idempotencyKey: 'x3',
    });
    await pause();
    await pay(tokenio('2'));

    const seen: ListPayoutsQuery['payouts']['edges'] = [];
    let after: string | null | undefined = null;
    for (let pages = 0; pages < 10; pages++) {
      const conn: ListPayoutsQuery['payouts'] = (await t.exec(ListPayouts, { first: 2, after })).data!
        .payouts;
      seen.push(...conn.edges);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // Newest first across providers, one page at a time: exactly the reverse of creation.
    expect(seen.map((e) => e.node.id)).toEqual([...created].reverse());
  });

  it('lists balances and bank accounts of every enabled provider', async () => {
    const balances = (await t.exec(Balances, {})).data!.balances.nodes;
    expect(new Set(balances.map((b) => b.provider))).toEqual(new Set(['CASAPAY', 'MOLLIE', 'TOKENIO']));
    const all: string[] = [];
    let after: string | null | undefined = null;
    for (let pages = 0; pages < 10; pages++) {
      const conn: ListBankAccountsQuery['bankAccounts'] = (
        await t.exec(ListBankAccounts, { first: 1, after })
      ).data!.bankAccounts;
      all.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // Two CasaPay accounts, the two Mollie balances' destinations, the Token.io beneficiary.
    expect(all).toHaveLength(5);
    expect(new Set(all).size).toBe(5);
  });

  it('refuses a cursor it did not issue and a page size out of range', async () => {
    const bad = await t.exec(ListPayouts, { first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'after' } });
    const big = await t.exec(ListPayouts, { first: 1000 });
    expect(big.errors?.[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'first' } });
  });
});
