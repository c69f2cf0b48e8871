// A create runs at most once per idempotencyKey, whichever state store backs the gateway, and a
// provider timeout after sending never turns into a second payout.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countRequests, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  ListBankAccounts,
  ListPayouts,
} from './operations.ts';
import { SimulatePayoutStatus } from '../events/operations.ts';

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
    expect(second).toMatchObject({
      __typename: 'IdempotencyConflictError',
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'idempotencyKey',
    });
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
    const eur = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes.find(
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
    expect(other.data!.createPayout).toMatchObject({ __typename: 'IdempotencyConflictError' });
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

  it('answers 50 concurrent identical creates with one provider call and fifty identical answers', async () => {
    const key = `race-${state}-${Date.now()}`;
    const since = new Date(Date.now() - 1000).toISOString();
    const before = await payoutIdsSince(since);
    const from = t.casapay.requests.length;
    // The provider takes its time, so that every duplicate arrives while the first is in flight.
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', delayMs: 150, count: 1 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => t.exec(CreatePayout, { input: input(key, '9.00') })),
    );
    const answers = results.map((r) => {
      const p = r.data!.createPayout;
      if (p.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(r));
      return p.payout;
    });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // One payout call of any kind: the duplicates were answered from the gateway's own record
    // (each request still reads the destination it asked for).
    const payoutCalls = t.casapay.requests.slice(from).filter((r) => r.path.startsWith('/v1/payouts'));
    expect(payoutCalls.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/payouts']);
    expect((await payoutIdsSince(since)).length - before.length).toBe(1);
  });

  it('answers a repeat after the payout moved with the payout as it is now, without a provider call', async () => {
    const key = `moved-${state}-${Date.now()}`;
    const first = (await t.exec(CreatePayout, { input: input(key, '2.50') })).data!.createPayout;
    if (first.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(first));
    expect(first.payout.status).toBe('PENDING');
    const moved = await t.exec(SimulatePayoutStatus, { id: first.payout.id, status: 'PAID' });
    expect(moved.data!.simulatePayoutStatus.__typename).toBe('SimulatePayoutStatusSuccess');
    await t.casapay.idle(); // the simulator's webhook has reached the gateway's ledger
    const from = t.casapay.requests.length;
    const again = (await t.exec(CreatePayout, { input: input(key, '2.50') })).data!.createPayout;
    expect(again).toMatchObject({
      __typename: 'CreatePayoutSuccess',
      payout: { id: first.payout.id, status: 'PAID' },
    });
    // No payout call (the destination the operation asks for is read as always).
    expect(t.casapay.requests.slice(from).filter((r) => r.path.startsWith('/v1/payouts'))).toEqual([]);
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

  it('answers bank-account creates arriving while the first is in flight with the same account', async () => {
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
    const from = t.casapay.requests.length;
    const first = make();
    await new Promise((r) => setTimeout(r, 50));
    const results = await Promise.all([make(), make(), first]);
    const ids = results.map((r) => {
      const b = r.data!.createBankAccount;
      if (b.__typename !== 'CreateBankAccountSuccess') throw new Error(JSON.stringify(r));
      return b.bankAccount.id;
    });
    expect(new Set(ids).size).toBe(1);
    expect(countRequests(t.casapay, 'POST', /^\/v1\/bank_accounts$/, from)).toBe(1);
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

describe.runIf(stateKinds().includes('redis'))('idempotency across instances on one Redis', () => {
  const statePrefix = `test:${randomBytes(6).toString('hex')}:`;
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    // Instances of one deployment share the vault key, which also keys the requests' fingerprints.
    const shared = { GATEWAY_VAULT_KEY: randomBytes(32).toString('base64') };
    [a, b] = await Promise.all([
      startTestApp('redis', shared, undefined, { statePrefix, noPoller: true }),
      startTestApp('redis', { ...shared, GATEWAY_IDEMPOTENCY_RETENTION_HOURS: '48' }, undefined, {
        statePrefix,
        noPoller: true,
      }),
    ]);
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  it('makes a duplicate on another instance wait for the first outcome instead of calling again', async () => {
    const gbp = (await a.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges.find(
      (e) => e.node.currency === 'GBP',
    )!.node.id;
    const input = {
      provider: 'CASAPAY' as const,
      amount: { amount: '1.25', currency: 'GBP' },
      destinationId: gbp,
      idempotencyKey: `instances-${Date.now()}`,
    };
    a.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', delayMs: 300, count: 1 });
    const [fromA, fromB] = [a.casapay.requests.length, b.casapay.requests.length];
    const first = a.exec(CreatePayout, { input });
    await new Promise((r) => setTimeout(r, 100));
    const results = await Promise.all([b.exec(CreatePayout, { input }), first]);
    const ids = results.map((r) => {
      const p = r.data!.createPayout;
      if (p.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(r));
      return p.payout.id;
    });
    expect(ids[0]).toBe(ids[1]);
    expect(countRequests(a.casapay, 'POST', /^\/v1\/payouts$/, fromA)).toBe(1);
    // B created nothing; it only read the destination its operation asked for.
    expect(countRequests(b.casapay, 'POST', /./, fromB)).toBe(0);
  });

  it('keeps a finished create for the configured retention: 7 days by default', async () => {
    const createWith = async (app: TestApp, key: string) => {
      const gbp = (await app.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges.find(
        (e) => e.node.currency === 'GBP',
      )!.node.id;
      const r = await app.exec(CreatePayout, {
        input: {
          provider: 'CASAPAY',
          amount: { amount: '1.00', currency: 'GBP' },
          destinationId: gbp,
          idempotencyKey: key,
        },
      });
      expect(r.data!.createPayout.__typename).toBe('CreatePayoutSuccess');
    };
    const before = new Set(await redis.keys(`${statePrefix}idem:*`));
    const day = 24 * 3600;
    await createWith(a, `ttl-a-${Date.now()}`);
    const [aKey] = (await redis.keys(`${statePrefix}idem:*`)).filter((k) => !before.has(k));
    expect(await redis.ttl(aKey!)).toBeGreaterThan(7 * day - 60);
    expect(await redis.ttl(aKey!)).toBeLessThanOrEqual(7 * day);
    before.add(aKey!);
    await createWith(b, `ttl-b-${Date.now()}`);
    const [bKey] = (await redis.keys(`${statePrefix}idem:*`)).filter((k) => !before.has(k));
    expect(await redis.ttl(bKey!)).toBeGreaterThan(2 * day - 60);
    expect(await redis.ttl(bKey!)).toBeLessThanOrEqual(2 * day);
  });
});
