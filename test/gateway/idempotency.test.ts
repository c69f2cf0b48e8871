// A create runs at most once per idempotencyKey, whichever state store backs the gateway, and a
// provider timeout after sending never turns into a second payout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  ListBankAccounts,
  ListPayouts,
} from './operations.ts';

describe.each(stateKinds())('idempotency with %s state', (state) => {
  let t: TestApp;
  let gbp: string;
  beforeAll(async () => {
    t = await startTestApp(state, { PROVIDER_TIMEOUT_MS: '300' });
    const edges = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
    gbp = edges.find((e) => e.node.currency === 'GBP')!.node.id;
  });
  afterAll(() => t.close());

  const input = (idempotencyKey: string, amount = '5.00') => ({
    provider: 'CASAPAY' as const,
    amount: { amount, currency: 'GBP' },
    destinationId: gbp,
    idempotencyKey,
  });

  async function payoutIdsSince(createdAfter: string) {
    const res = await t.exec(ListPayouts, { first: 100, filter: { provider: 'CASAPAY', createdAfter } });
    return res.data!.payouts.edges.map((e) => e.node.id);
  }

  it('returns the same payout for a repeated key, with one provider create', async () => {
    const key = `same-${state}-${Date.now()}`;
    const from = t.casapay.requests.length;
    const first = (await t.exec(CreatePayout, { input: input(key) })).data!.createPayout;
    const second = (await t.exec(CreatePayout, { input: input(key) })).data!.createPayout;
    if (first.__typename !== 'CreatePayoutSuccess' || second.__typename !== 'CreatePayoutSuccess') {
      throw new Error(JSON.stringify([first, second]));
    }
    expect(second.payout.id).toBe(first.payout.id);
    expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(1);
  });

  it('refuses the same key with different parameters and changes nothing', async () => {
    const key = `diff-${state}-${Date.now()}`;
    const first = (await t.exec(CreatePayout, { input: input(key, '6.00') })).data!.createPayout;
    expect(first.__typename).toBe('CreatePayoutSuccess');
    const from = t.casapay.requests.length;
    const second = (await t.exec(CreatePayout, { input: input(key, '7.00') })).data!.createPayout;
    expect(second).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(0);
  });

  it('keeps keys of different API clients apart; a write-only key gets its payout back', async () => {
    const key = `shared-${state}-${Date.now()}`;
    const from = t.casapay.requests.length;
    const a = (await t.exec(CreatePayout, { input: input(key) }, 'full')).data!.createPayout;
    const b = await t.exec(CreatePayout, { input: input(key, '8.00') }, 'writeOnly');
    if (a.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(a));
    // The payout itself needs no read scope here; only its destination (bank_accounts:read) does.
    expect(b.data!.createPayout).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: { amount: { amount: '8.00' }, destination: null },
    });
    expect(b.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['bank_accounts:read'],
    });
    expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(2);
  });

  it('treats the same key sent to another provider as a different request, not a second payout', async () => {
    const key = `cross-${state}-${Date.now()}`;
    expect((await t.exec(CreatePayout, { input: input(key) })).data!.createPayout.__typename).toBe(
      'CreatePayoutSuccess',
    );
    const eur = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.find(
      (b) => b.currency === 'EUR',
    )!;
    const from = t.mollie.requests.length;
    const other = await t.exec(CreatePayout, {
      input: {
        provider: 'MOLLIE',
        sourceId: eur.id,
        amount: { amount: '5.00', currency: 'EUR' },
        idempotencyKey: key,
      },
    });
    expect(other.data!.createPayout).toMatchObject({
      __typename: 'ValidationError',
      field: 'idempotencyKey',
    });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(0);
  });

  it('does not care about the key order of metadata', async () => {
    const key = `order-${state}-${Date.now()}`;
    const first = await t.exec(CreatePayout, { input: { ...input(key), metadata: { a: '1', b: '2' } } });
    const second = await t.exec(CreatePayout, { input: { ...input(key), metadata: { b: '2', a: '1' } } });
    const [p, q] = [first.data!.createPayout, second.data!.createPayout];
    if (p.__typename !== 'CreatePayoutSuccess' || q.__typename !== 'CreatePayoutSuccess')
      throw new Error(JSON.stringify([p, q]));
    expect(q.payout.id).toBe(p.payout.id);
  });

  it('lets concurrent duplicates through exactly once', async () => {
    const key = `race-${state}-${Date.now()}`;
    const from = t.casapay.requests.length;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.exec(CreatePayout, { input: input(key, '9.00') })),
    );
    const kinds = results.map((r) => r.data!.createPayout.__typename);
    expect(kinds.filter((k) => k === 'CreatePayoutSuccess').length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      const p = r.data!.createPayout;
      if (p.__typename !== 'CreatePayoutSuccess')
        expect(p).toMatchObject({ __typename: 'InvalidStateError', code: 'IDEMPOTENCY_KEY_IN_USE' });
    }
    expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(1);
  });

  it('resolves a create that timed out after sending by re-sending the same provider key: one payout', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const before = await payoutIdsSince(since);
    const key = `doubt-${state}-${Date.now()}`;
    // CasaPay executes the create but answers well after the gateway's 300 ms timeout (undici's
    // timers are coarse, so the margin is wide).
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', delayMs: 2000, count: 1 });
    const from = t.casapay.requests.length;
    const result = (await t.exec(CreatePayout, { input: input(key, '4.00') })).data!.createPayout;
    expect(result.__typename).toBe('CreatePayoutSuccess');
    await expect
      .poll(() => countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from), { timeout: 4000 })
      .toBe(2);
    const after = await payoutIdsSince(since);
    expect(after.length - before.length).toBe(1);
  });

  it('answers a bank-account create still in flight with InvalidStateError, inside the union', async () => {
    const key = `ba-race-${state}-${Date.now()}`;
    const make = () =>
      t.exec(CreateBankAccount, {
        input: {
          provider: 'CASAPAY',
          holderName: 'Race Ltd',
          country: 'GB',
          currency: 'GBP',
          sortCode: '108800',
          accountNumber: '33334444',
          idempotencyKey: key,
        },
      });
    // CasaPay holds the first create's answer (well inside the timeout): the others arrive meanwhile.
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/bank_accounts', delayMs: 200, count: 1 });
    const first = make();
    await new Promise((r) => setTimeout(r, 50));
    const results = [await make(), await make(), await first];
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(results.map((r) => r.data!.createBankAccount.__typename)).toEqual([
      'InvalidStateError',
      'InvalidStateError',
      'CreateBankAccountSuccess',
    ]);
    expect(results[0]!.data!.createBankAccount).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
  });

  it('reports a cancel whose answer was lost as done, not as "not cancelable"', async () => {
    const created = (
      await t.exec(CreatePayout, { input: input(`lost-cancel-${state}-${Date.now()}`, '3.00') })
    ).data!.createPayout;
    if (created.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(created));
    // CasaPay cancels, but answers after the gateway has given up; the retry must not be refused.
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts/', delayMs: 2000, count: 1 });
    const from = t.casapay.requests.length;
    const result = (await t.exec(CancelPayout, { id: created.payout.id })).data!.cancelPayout;
    expect(result).toMatchObject({ __typename: 'CancelPayoutSuccess', payout: { status: 'CANCELED' } });
    await expect
      .poll(() => countRequests(t.casapay, 'POST', /^\/v1\/payouts\/po_\w+\/cancel$/, from), {
        timeout: 4000,
      })
      .toBe(2);
  });

  it('applies to bank accounts too', async () => {
    const key = `ba-${state}-${Date.now()}`;
    const make = () =>
      t.exec(CreateBankAccount, {
        input: {
          provider: 'CASAPAY',
          holderName: 'Idem Ltd',
          country: 'GB',
          currency: 'GBP',
          sortCode: '108800',
          accountNumber: '11112222',
          idempotencyKey: key,
        },
      });
    const a = (await make()).data!.createBankAccount;
    const b = (await make()).data!.createBankAccount;
    if (a.__typename !== 'CreateBankAccountSuccess' || b.__typename !== 'CreateBankAccountSuccess')
      throw new Error('expected success');
    expect(b.bankAccount.id).toBe(a.bankAccount.id);
  });
});
