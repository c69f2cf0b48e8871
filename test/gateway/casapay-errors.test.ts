// Every typed error CasaPay can produce through createPayout / cancelPayout / createBankAccount,
// and the money rules. Bad input must change nothing at the provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import { startCasaPaySimulator } from '../../src/sandbox/casapay/index.ts';
import { CancelPayout, CreateBankAccount, CreatePayout, ListBankAccounts } from './operations.ts';

let t: TestApp;
let gbp: string;
let eur: string;
let n = 0;
const key = () => `err-${Date.now()}-${n++}`;

beforeAll(async () => {
  t = await startTestApp();
  const edges = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
  gbp = edges.find((e) => e.node.currency === 'GBP')!.node.id;
  eur = edges.find((e) => e.node.currency === 'EUR')!.node.id;
});
afterAll(() => t.close());

async function create(input: Record<string, unknown>, app: TestApp = t) {
  const res = await app.exec(CreatePayout, {
    input: { provider: 'CASAPAY', destinationId: gbp, idempotencyKey: key(), ...input } as never,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.createPayout;
}

const gbpAmount = (amount: string) => ({ amount: { amount, currency: 'GBP' } });

describe('money rules', () => {
  it.each([
    ['1.5', 'JPY', 'JPY has 0 decimal places'],
    ['1.0001', 'KWD', 'KWD has 3 decimal places'],
    ['1.001', 'GBP', 'GBP has 2 decimal places'],
    ['1.000', 'GBP', 'GBP has 2 decimal places'],
    ['100.0', 'JPY', 'JPY has 0 decimal places'],
    ['0', 'GBP', 'greater than zero'],
    ['0.00', 'GBP', 'greater than zero'],
    ['-5.00', 'GBP', 'greater than zero'],
    ['abc', 'GBP', 'not a decimal number'],
    ['1e3', 'GBP', 'not a decimal number'],
    ['', 'GBP', 'not a decimal number'],
  ])(
    'refuses %s %s as a ValidationError on amount.amount, sending nothing',
    async (amount, currency, why) => {
      const from = t.casapay.requests.length;
      const result = await create({ amount: { amount, currency } });
      expect(result).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
        field: 'amount.amount',
      });
      expect((result as { message: string }).message).toContain(why);
      expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(0);
    },
  );

  it('accepts the exact decimals of each currency, then checks the provider pays in it', async () => {
    // 1500 JPY and 1.500 KWD are well-formed amounts; CasaPay just doesn't pay out in them.
    for (const [amount, currency] of [
      ['1500', 'JPY'],
      ['1.500', 'KWD'],
    ]) {
      expect(await create({ amount: { amount, currency } })).toMatchObject({
        __typename: 'ValidationError',
        field: 'amount.currency',
        message: expect.stringContaining('GBP, EUR'),
      });
    }
    const ok = await create(gbpAmount('11500.5'));
    expect(ok).toMatchObject({
      payout: { amount: { amount: '11500.50', currency: 'GBP', minorUnits: 1150050 } },
    });
  });

  it('refuses a float for Decimal and an unknown currency at the scalar', async () => {
    const res = await t.exec(CreatePayout, {
      input: {
        provider: 'CASAPAY',
        amount: { amount: 1.5 as never, currency: 'GBP' },
        destinationId: gbp,
        idempotencyKey: key(),
      },
    });
    expect(res.errors?.[0]?.message).toMatch(/Decimal must be a string/);
    const bad = await t.exec(CreatePayout, {
      input: {
        provider: 'CASAPAY',
        amount: { amount: '1.00', currency: 'XXQ' },
        destinationId: gbp,
        idempotencyKey: key(),
      },
    });
    expect(bad.errors?.[0]?.message).toMatch(/CurrencyCode|currency/i);
  });
});

describe('createPayout errors', () => {
  it('ValidationError for inputs CasaPay requires or does not take', async () => {
    expect(await create({ ...gbpAmount('1.00'), destinationId: null })).toMatchObject({
      __typename: 'ValidationError',
      field: 'destinationId',
    });
    expect(await create({ destinationId: gbp })).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount',
    });
    const balanceId = Buffer.from('Balance:CASAPAY:GBP').toString('base64');
    expect(await create({ ...gbpAmount('1.00'), sourceId: balanceId })).toMatchObject({
      __typename: 'ValidationError',
      field: 'sourceId',
    });
    expect(await create({ ...gbpAmount('1.00'), destinationId: 'not-an-id' })).toMatchObject({
      __typename: 'ValidationError',
      field: 'destinationId',
    });
    expect(await create({ ...gbpAmount('1.00'), metadata: { n: 1 } })).toMatchObject({
      __typename: 'ValidationError',
      field: 'metadata',
    });
    expect(await create({ ...gbpAmount('1.00'), idempotencyKey: '' })).toMatchObject({
      __typename: 'ValidationError',
      field: 'idempotencyKey',
    });
  });

  it('ValidationError from CasaPay itself names the gateway field (param → field)', async () => {
    // CasaPay refuses a GBP payout to a EUR account with param "currency".
    expect(await create({ ...gbpAmount('1.00'), destinationId: eur })).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount.currency',
    });
    expect(await create({ ...gbpAmount('1.00'), description: 'x'.repeat(5001) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'description',
    });
  });

  it('NotFoundError for a bank account CasaPay does not know', async () => {
    const ghost = Buffer.from('BankAccount:CASAPAY:ba_ghost').toString('base64');
    expect(await create({ ...gbpAmount('1.00'), destinationId: ghost })).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });

  it('InsufficientFundsError when the balance cannot cover it', async () => {
    expect(await create(gbpAmount('999999.00'))).toMatchObject({
      __typename: 'InsufficientFundsError',
      code: 'INSUFFICIENT_FUNDS',
    });
  });

  it('UnsupportedOperationError for a provider that is not enabled', async () => {
    // Live mode with only CasaPay configured: every other provider is disabled (nothing is called).
    const live = await startTestApp('memory', {
      GATEWAY_MODE: 'live',
      CASAPAY_API_KEY: 'sk_live_only_casapay',
      CASAPAY_BASE_URL: 'http://127.0.0.1:9',
    });
    try {
      const result = await create({ provider: 'STRADDLE', ...gbpAmount('1.00') }, live);
      expect(result).toMatchObject({ __typename: 'UnsupportedOperationError', code: 'PROVIDER_NOT_ENABLED' });
    } finally {
      await live.close();
    }
  });

  it('ProviderUnavailableError when CasaPay keeps failing, and no payout is created', async () => {
    const from = t.casapay.requests.length;
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', status: 503, count: 2 });
    expect(await create(gbpAmount('1.00'))).toMatchObject({
      __typename: 'ProviderUnavailableError',
      provider: 'CASAPAY',
    });
    // One try and one retry (PROVIDER_RETRIES=1), both refused before executing.
    expect(countRequests(t.casapay, 'POST', /^\/v1\/payouts$/, from)).toBe(2);
    t.casapay.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', status: 429, count: 2 });
    expect(await create(gbpAmount('1.00'))).toMatchObject({ __typename: 'ProviderUnavailableError' });
  });

  it('ProviderRejectedError when CasaPay refuses the gateway’s own credentials', async () => {
    const sim = await startCasaPaySimulator();
    const live = await startTestApp('memory', {
      GATEWAY_MODE: 'live',
      CASAPAY_API_KEY: 'sk_live_not_accepted_by_the_sandbox',
      CASAPAY_BASE_URL: sim.url,
    });
    try {
      const result = await create({ ...gbpAmount('1.00') }, live);
      expect(result).toMatchObject({
        __typename: 'ProviderRejectedError',
        provider: 'CASAPAY',
        providerCode: 'authentication_failed',
      });
    } finally {
      await live.close();
      await sim.close();
    }
  });
});

describe('cancelPayout errors', () => {
  it('InvalidStateError once the payout has left, NotFoundError for an unknown one', async () => {
    const created = await create(gbpAmount('2.00'));
    if (created.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(created));
    const res = await fetch(
      `${t.casapay.url}/v1/test_helpers/payouts/${created.payout.providerPayoutId}/advance`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}` },
      },
    );
    expect(res.status).toBe(200);
    expect((await t.exec(CancelPayout, { id: created.payout.id })).data!.cancelPayout).toMatchObject({
      __typename: 'InvalidStateError',
      code: 'INVALID_STATE',
    });
    const ghost = Buffer.from('Payout:CASAPAY:po_ghost').toString('base64');
    expect((await t.exec(CancelPayout, { id: ghost })).data!.cancelPayout).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect((await t.exec(CancelPayout, { id: 'garbage' })).data!.cancelPayout).toMatchObject({
      __typename: 'ValidationError',
      field: 'id',
    });
  });
});

describe('createBankAccount errors', () => {
  const account = (input: Record<string, unknown>) =>
    t.exec(CreateBankAccount, {
      input: {
        provider: 'CASAPAY',
        holderName: 'A Landlord',
        country: 'GB',
        currency: 'GBP',
        idempotencyKey: key(),
        ...input,
      } as never,
    });

  it('names the missing or malformed field for each country’s subset', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ accountNumber: '00012345' }, 'sortCode'],
      [{ sortCode: '108800' }, 'accountNumber'],
      [{ sortCode: '1088', accountNumber: '00012345' }, 'sortCode'],
      [{ sortCode: '108800', accountNumber: '123' }, 'accountNumber'],
      [{ sortCode: '108800', accountNumber: '00012345', iban: 'GB33BUKB20201555555555' }, 'iban'],
      [{ country: 'DE', currency: 'EUR' }, 'iban'],
      [{ country: 'DE', currency: 'EUR', iban: 'DE00370400440532013000' }, 'iban'],
      [{ country: 'DE', currency: 'EUR', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, 'bic'],
      [{ currency: 'USD', sortCode: '108800', accountNumber: '00012345' }, 'currency'],
      [{ holderName: '  ', sortCode: '108800', accountNumber: '00012345' }, 'holderName'],
    ];
    for (const [input, field] of cases) {
      const result = (await account(input)).data!.createBankAccount;
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', field });
    }
  });

  it('registers a SEPA account by IBAN and never returns the full number', async () => {
    const res = await account({ country: 'DE', currency: 'EUR', iban: 'DE89370400440532013000' });
    expect(res.data!.createBankAccount).toMatchObject({
      __typename: 'CreateBankAccountSuccess',
      bankAccount: { country: 'DE', currency: 'EUR', last4: '3000' },
    });
    expect(JSON.stringify(res)).not.toContain('370400440532013000');
  });
});
