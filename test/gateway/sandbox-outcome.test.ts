// CreatePayoutInput.sandboxOutcome: each provider's simulator drives the payout to the outcome asked
// for (one step per test-helper advance), through GraphQL; an outcome a provider's sandbox cannot
// produce is a ValidationError, and live mode refuses the field; neither calls a provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxOutcome } from '../gql/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CreateBankAccount,
  CreatePayout,
  GetPayout,
  ListBankAccounts,
  Providers,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
const key = () => `outcome-${Date.now()}-${n++}`;

interface Setup {
  input: Json;
  advanceUrl(providerPayoutId: string): string;
  auth: string;
}

async function bankAccount(input: Json): Promise<string> {
  const r = (await t.exec(CreateBankAccount, { input: { ...input, idempotencyKey: key() } as never })).data!
    .createBankAccount as Json;
  expect(r.__typename, JSON.stringify(r)).toBe('CreateBankAccountSuccess');
  return r.bankAccount.id;
}

const setups: Record<string, () => Promise<Setup>> = {
  async CASAPAY() {
    const accounts = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
    return {
      input: {
        provider: 'CASAPAY',
        amount: { amount: '1.00', currency: 'GBP' },
        destinationId: accounts.find((e) => e.node.currency === 'GBP')!.node.id,
      },
      advanceUrl: (id) => `${t.casapay.url}/v1/test_helpers/payouts/${id}/advance`,
      auth: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}`,
    };
  },
  async MOLLIE() {
    const balances = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes;
    return {
      input: {
        provider: 'MOLLIE',
        amount: { amount: '1.00', currency: 'EUR' },
        sourceId: balances.find((b) => b.currency === 'EUR')!.id,
      },
      advanceUrl: (id) => `${t.mollie.url}/v2/test-helpers/payouts/${id}/advance`,
      auth: `Bearer ${t.app.sandboxCredentials.get('MOLLIE')!.apiKey}`,
    };
  },
  async TOKENIO() {
    const balances = (await t.exec(Balances, { provider: 'TOKENIO' })).data!.balances.nodes;
    const destinationId = await bankAccount({
      provider: 'TOKENIO',
      holderName: 'Outcome Ltd',
      country: 'GB',
      currency: 'GBP',
      sortCode: '404784',
      accountNumber: '70872490',
    });
    return {
      input: {
        provider: 'TOKENIO',
        amount: { amount: '1.00', currency: 'GBP' },
        sourceId: balances.find((b) => b.currency === 'GBP')!.id,
        destinationId,
        description: 'Outcome check',
      },
      advanceUrl: (id) => `${t.tokenio.url}/test-helpers/payouts/${encodeURIComponent(id)}/advance`,
      auth: `Basic ${t.app.sandboxCredentials.get('TOKENIO')!.apiKey}`,
    };
  },
  async STRADDLE() {
    const destinationId = await bankAccount({
      provider: 'STRADDLE',
      holderName: 'Outcome Tenant',
      country: 'US',
      currency: 'USD',
      routingNumber: '021000021',
      accountNumber: '000123456789',
      email: `outcome-${key()}@example.com`,
      phone: '+12125550123',
    });
    return {
      input: { provider: 'STRADDLE', amount: { amount: '1.00', currency: 'USD' }, destinationId },
      advanceUrl: (id) => `${t.straddle.url}/test-helpers/payouts/${id}/advance`,
      auth: `Bearer ${t.app.sandboxCredentials.get('STRADDLE')!.apiKey}`,
    };
  },
};

const FINAL: Record<SandboxOutcome, string> = {
  PAID: 'PAID',
  ON_HOLD: 'ON_HOLD',
  CANCELED: 'CANCELED',
  FAILED_INSUFFICIENT_FUNDS: 'FAILED',
  FAILED_CLOSED_ACCOUNT: 'FAILED',
  REVERSED: 'REVERSED',
};

/** Each provider's own words for the failure outcomes (its code, or its reason text). */
const FAILURES: Record<string, Partial<Record<SandboxOutcome, RegExp>>> = {
  CASAPAY: { FAILED_INSUFFICIENT_FUNDS: /^insufficient_funds /, FAILED_CLOSED_ACCOUNT: /^account_closed / },
  MOLLIE: { FAILED_INSUFFICIENT_FUNDS: /^insufficient_funds /, FAILED_CLOSED_ACCOUNT: /^returned / },
  TOKENIO: { FAILED_INSUFFICIENT_FUNDS: /^RJCT .*AM04/, FAILED_CLOSED_ACCOUNT: /^RJCT .*AC04/ },
  STRADDLE: { FAILED_INSUFFICIENT_FUNDS: /^R01 /, FAILED_CLOSED_ACCOUNT: /^R02 /, REVERSED: /^R02 / },
};

describe.each(Object.keys(setups))('%s sandbox outcomes', (provider) => {
  it('reaches every outcome its sandbox declares, and refuses the others before calling it', async () => {
    const setup = await setups[provider]!();
    const info = (await t.exec(Providers)).data!.providers.find((p) => p.provider === provider)!;
    expect(info.sandboxOutcomes.length).toBeGreaterThan(0);
    for (const outcome of Object.keys(FINAL) as SandboxOutcome[]) {
      const before = t.app.simulators.get(provider as never)!.requests.length;
      const res = (
        await t.exec(CreatePayout, {
          input: { ...setup.input, sandboxOutcome: outcome, idempotencyKey: key() } as never,
        })
      ).data!.createPayout as Json;
      if (!info.sandboxOutcomes.includes(outcome)) {
        expect(res, `${provider} ${outcome}`).toMatchObject({
          __typename: 'ValidationError',
          field: 'sandboxOutcome',
        });
        expect(t.app.simulators.get(provider as never)!.requests.length).toBe(before);
        continue;
      }
      expect(res.__typename, `${provider} ${outcome}: ${JSON.stringify(res)}`).toBe('CreatePayoutSuccess');
      // Advance until the simulator has no next step for it.
      for (let step = 0; step < 6; step++) {
        const r = await fetch(setup.advanceUrl(res.payout.providerPayoutId), {
          method: 'POST',
          headers: {
            authorization: setup.auth,
            'content-type': 'application/json',
            'idempotency-key': key(),
          },
        });
        if (r.status >= 300) break;
      }
      const read = (await t.exec(GetPayout, { id: res.payout.id })).data!.payout!;
      expect(read.status, `${provider} ${outcome}`).toBe(FINAL[outcome]);
      const expected = FAILURES[provider]![outcome];
      if (expected)
        expect(`${read.failure?.code} ${read.failure?.message}`, `${provider} ${outcome}`).toMatch(expected);
    }
  });
});

it('refuses sandboxOutcome in live mode, calling nothing', async () => {
  const live = await startTestApp('memory', {
    GATEWAY_MODE: 'live',
    CASAPAY_API_KEY: 'sk_live_only_casapay',
    CASAPAY_BASE_URL: 'http://127.0.0.1:9',
  });
  try {
    const res = (
      await live.exec(CreatePayout, {
        input: {
          provider: 'CASAPAY',
          amount: { amount: '1.00', currency: 'GBP' },
          destinationId: Buffer.from('BankAccount:CASAPAY:ba_1').toString('base64'),
          sandboxOutcome: 'PAID',
          idempotencyKey: key(),
        },
      })
    ).data!.createPayout;
    expect(res).toMatchObject({ __typename: 'ValidationError', field: 'sandboxOutcome' });
  } finally {
    await live.close();
  }
});
