// Lifecycle actions agree with `allowedActions` for every provider and every status it can reach:
// an action the payout allows is carried out; one its provider has but not in this status is an
// InvalidStateError naming the status (and no provider call changes anything); one its provider
// does not have at all is an UnsupportedOperationError. Payouts are driven to each status through
// the simulators' own APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutAction, PayoutStatus } from '../gql/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  GetPayout,
  HoldPayout,
  ListBankAccounts,
  Providers,
  ReleasePayout,
  UpdatePayout,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
const key = () => `life-${Date.now()}-${n++}`;

async function post(url: string, auth: string, method = 'POST', body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${url}: ${await res.clone().text()}`).toBeLessThan(300);
}

async function create(input: Json): Promise<Json> {
  const r = (await t.exec(CreatePayout, { input: { idempotencyKey: key(), ...input } as never })).data!
    .createPayout as Json;
  expect(r.__typename, JSON.stringify(r)).toBe('CreatePayoutSuccess');
  return r.payout;
}

interface Driver {
  /** Creates a payout and brings it to `status` through the simulator. */
  payout(status: PayoutStatus): Promise<Json>;
  statuses: PayoutStatus[];
}

const drivers: Record<string, () => Promise<Driver>> = {
  async STRADDLE() {
    const headers = (k: string) => ({
      authorization: `Bearer ${t.app.sandboxCredentials.get('STRADDLE')!.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `lifecycle-${k}`,
    });
    const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
      const res = await fetch(`${t.straddle.url}${path}`, {
        method,
        headers: headers(key()),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Json;
      expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
      return json;
    };
    const account = (
      await t.exec(CreateBankAccount, {
        input: {
          provider: 'STRADDLE',
          holderName: 'Lifecycle Tenant',
          country: 'US',
          currency: 'USD',
          routingNumber: '021000021',
          accountNumber: '000123456789',
          email: `lifecycle-${key()}@example.com`,
          phone: '+12125550123',
          idempotencyKey: key(),
        },
      })
    ).data!.createBankAccount as Json;
    const paykeyId = Buffer.from(account.bankAccount.id, 'base64').toString().split(':').pop()!;
    const token = (await call('GET', `/v1/paykeys/${paykeyId}/reveal`)).data.paykey;
    const advance = async (id: string, times: number) => {
      for (let i = 0; i < times; i++) await call('POST', `/test-helpers/payouts/${id}/advance`);
    };
    /** A payout made at Straddle itself, for outcomes only its sandbox_outcome produces. */
    const direct = async (outcome: string) => {
      const data = (
        await call('POST', '/v1/payouts', {
          paykey: token,
          amount: 100,
          currency: 'USD',
          description: 'lifecycle',
          payment_date: new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date()),
          device: { ip_address: '0.0.0.0' },
          external_id: key(),
          config: { sandbox_outcome: outcome },
        })
      ).data;
      return { id: Buffer.from(`Payout:STRADDLE:${data.id}`).toString('base64'), providerPayoutId: data.id };
    };
    return {
      statuses: ['PENDING', 'ON_HOLD', 'PROCESSING', 'PAID', 'FAILED', 'REVERSED', 'CANCELED'],
      async payout(status) {
        if (status === 'FAILED') {
          const p = await direct('failed_insufficient_funds');
          await advance(p.providerPayoutId, 3);
          return p;
        }
        if (status === 'REVERSED') {
          const p = await direct('reversed_closed_bank_account');
          await advance(p.providerPayoutId, 4);
          return p;
        }
        const p = await create({
          provider: 'STRADDLE',
          amount: { amount: '1.00', currency: 'USD' },
          destinationId: account.bankAccount.id,
          description: 'Lifecycle check',
        });
        const id = p.providerPayoutId as string;
        if (status === 'ON_HOLD') await call('PUT', `/v1/payouts/${id}/hold`, { reason: 'test' });
        if (status === 'CANCELED') await call('PUT', `/v1/payouts/${id}/cancel`, { reason: 'test' });
        if (status === 'PROCESSING') await advance(id, 2);
        if (status === 'PAID') await advance(id, 3);
        return p;
      },
    };
  },
  async CASAPAY() {
    const auth = `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}`;
    const accounts = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
    const destinationId = accounts.find((e) => e.node.currency === 'GBP')!.node.id;
    const helper = (p: Json, step: string, body?: unknown) =>
      post(`${t.casapay.url}/v1/test_helpers/payouts/${p.providerPayoutId}/${step}`, auth, 'POST', body);
    return {
      statuses: ['PROCESSING', 'PAID', 'FAILED', 'CANCELED', 'PENDING'],
      async payout(status) {
        const p = await create({
          provider: 'CASAPAY',
          amount: { amount: '1.00', currency: 'GBP' },
          destinationId,
        });
        if (status === 'PROCESSING' || status === 'PAID') await helper(p, 'advance');
        if (status === 'PAID') await helper(p, 'advance');
        if (status === 'FAILED') await helper(p, 'fail', { failure_code: 'account_closed' });
        if (status === 'CANCELED')
          await post(`${t.casapay.url}/v1/payouts/${p.providerPayoutId}/cancel`, auth);
        return p;
      },
    };
  },
  async MOLLIE() {
    const auth = `Bearer ${t.app.sandboxCredentials.get('MOLLIE')!.apiKey}`;
    const sourceId = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes.find(
      (b) => b.currency === 'EUR',
    )!.id;
    const helper = (p: Json, step: string, body?: unknown) =>
      post(`${t.mollie.url}/v2/test-helpers/payouts/${p.providerPayoutId}/${step}`, auth, 'POST', body);
    return {
      // Mollie holds one requested payout per balance: PENDING last, where CANCEL frees the slot.
      statuses: ['PROCESSING', 'PAID', 'FAILED', 'CANCELED', 'PENDING'],
      async payout(status) {
        const p = await create({ provider: 'MOLLIE', amount: { amount: '1.00', currency: 'EUR' }, sourceId });
        if (status === 'CANCELED')
          await post(`${t.mollie.url}/v2/payouts/${p.providerPayoutId}`, auth, 'DELETE');
        if (['PROCESSING', 'PAID', 'FAILED'].includes(status)) await helper(p, 'advance');
        if (status === 'PAID') for (let i = 0; i < 2; i++) await helper(p, 'advance');
        if (status === 'FAILED') await helper(p, 'fail');
        return p;
      },
    };
  },
  async TOKENIO() {
    const auth = `Basic ${t.app.sandboxCredentials.get('TOKENIO')!.apiKey}`;
    const sourceId = (await t.exec(Balances, { provider: 'TOKENIO' })).data!.balances.nodes.find(
      (b) => b.currency === 'GBP',
    )!.id;
    const account = (
      await t.exec(CreateBankAccount, {
        input: {
          provider: 'TOKENIO',
          holderName: 'Lifecycle Ltd',
          country: 'GB',
          currency: 'GBP',
          sortCode: '404784',
          accountNumber: '70872490',
          idempotencyKey: key(),
        },
      })
    ).data!.createBankAccount as Json;
    const helper = (p: Json, step: string) =>
      post(`${t.tokenio.url}/test-helpers/payouts/${encodeURIComponent(p.providerPayoutId)}/${step}`, auth);
    return {
      statuses: ['PENDING', 'PROCESSING', 'PAID', 'FAILED'],
      async payout(status) {
        const p = await create({
          provider: 'TOKENIO',
          amount: { amount: '1.00', currency: 'GBP' },
          sourceId,
          destinationId: account.bankAccount.id,
          description: 'Lifecycle check',
        });
        if (status === 'PROCESSING' || status === 'PAID') await helper(p, 'advance');
        if (status === 'PAID') await helper(p, 'advance');
        if (status === 'FAILED') await helper(p, 'fail');
        return p;
      },
    };
  },
};

/** Each action's mutation; CANCEL last, as it is the one that ends a payout. */
const ACTIONS: [PayoutAction, (id: string) => Promise<Json>][] = [
  ['HOLD', async (id) => (await t.exec(HoldPayout, { id, reason: 'compliance review' })).data!.holdPayout],
  ['RELEASE', async (id) => (await t.exec(ReleasePayout, { id, reason: 'reviewed' })).data!.releasePayout],
  [
    'UPDATE',
    async (id) =>
      (await t.exec(UpdatePayout, { input: { id, description: 'Updated reference' } })).data!.updatePayout,
  ],
  ['CANCEL', async (id) => (await t.exec(CancelPayout, { id })).data!.cancelPayout],
];

describe.each(Object.keys(drivers))('%s lifecycle actions agree with allowedActions', (provider) => {
  it('for every status the provider reaches', async () => {
    const driver = await drivers[provider]!();
    const info = (await t.exec(Providers)).data!.providers.find((p) => p.provider === provider)!;
    const rules = new Map(info.payoutActions.map((r) => [r.action, r.statuses]));
    for (const status of driver.statuses) {
      let made = await driver.payout(status);
      const read = (await t.exec(GetPayout, { id: made.id })).data!.payout!;
      expect(read.status, provider).toBe(status);
      // allowedActions is exactly what the provider's declared rules give for this status.
      const declared = ACTIONS.map(([a]) => a).filter((a) => rules.get(a)?.includes(status));
      expect([...read.allowedActions].sort(), `${provider} ${status}`).toEqual(declared.sort());
      let moved = false;
      for (const [action, run] of ACTIONS) {
        // An action that succeeded may have moved the payout on: the next one gets a fresh payout.
        if (moved) made = await driver.payout(status);
        const result = await run(made.id);
        moved = result.__typename.endsWith('Success');
        const where = `${provider} ${status} ${action}: ${JSON.stringify(result)}`;
        if (read.allowedActions.includes(action)) {
          expect(result.__typename, where).toMatch(/Success$/);
        } else if (rules.has(action)) {
          expect(result, where).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
          expect(result.message, where).toContain(status);
        } else {
          expect(result.__typename, where).toBe('UnsupportedOperationError');
        }
      }
    }
  });
});

it('refuses an update without changes, and a hold without a reason, before anything else', async () => {
  const id = Buffer.from('Payout:CASAPAY:po_anything').toString('base64');
  const update = (await t.exec(UpdatePayout, { input: { id } })).data!.updatePayout;
  expect(update).toMatchObject({ __typename: 'ValidationError', field: 'input' });
  const hold = (await t.exec(HoldPayout, { id, reason: ' ' })).data!.holdPayout;
  expect(hold).toMatchObject({ __typename: 'ValidationError', field: 'reason' });
});
