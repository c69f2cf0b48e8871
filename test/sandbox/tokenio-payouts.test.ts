// Payout initiation against the Token.io simulator: the happy GBP and EUR paths, every validation
// rule at its limits, duplicate refIds, insufficient funds, the balances a payout moves and the
// lifecycle driven by the test helpers. Every body is checked against Token.io's spec extract.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTokenioError, newTokenioKey, tokenioCall } from '../helpers/tokenio-spec.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let clock = Date.parse('2025-03-03T09:00:00.000Z');
let sim: TokenioSimulator;
beforeAll(async () => {
  sim = await startTokenioSimulator({ now: () => clock });
});
afterAll(() => sim.close());

const newKey = () => newTokenioKey();
const call = (key: string, method: string, path: string, body?: unknown) =>
  tokenioCall(sim.url, key, method, path, body);
const expectInvalid = (res: { status: number; body: Json }, message: string | RegExp) =>
  expectTokenioError(res, 400, 'INVALID_ARGUMENT', message);

interface Fixture {
  key: string;
  gbp: string;
  eur: string;
}

async function fixture(): Promise<Fixture> {
  const key = newKey();
  const list = (await call(key, 'GET', '/virtual-accounts')).body.virtualAccount as Json[];
  const id = (currency: string) => list.find((v) => v.currency === currency)?.accountId as string;
  return { key, gbp: id('GBP'), eur: id('EUR') };
}

const balances = async (f: Fixture, accountId: string) => {
  const v = (await call(f.key, 'GET', `/virtual-accounts/${accountId}`)).body.virtualAccount;
  return [v.availableBalance, v.clearedBalance, v.bookedBalance];
};

const gbpInitiation = (f: Fixture, over: Json = {}, creditor: Json = {}) => ({
  initiation: {
    refId: `ref-${randomBytes(6).toString('hex')}`,
    description: 'Invoice 2025-001',
    amount: { value: '12.50', currency: 'GBP' },
    debtor: { accountId: f.gbp },
    creditor: { name: 'Jane Doe', sortCode: '040004', accountNumber: '12345678', ...creditor },
    ...over,
  },
});

const IBAN = 'DE89370400440532013000';

async function verification(f: Fixture, iban = IBAN): Promise<string> {
  const res = await call(f.key, 'POST', '/account-verifications', {
    account: { name: 'Max M', currency: 'EUR', iban },
  });
  return res.body.id as string;
}

const eurInitiation = (f: Fixture, verificationId: string, over: Json = {}, creditor: Json = {}) => ({
  initiation: {
    refId: `ref-${randomBytes(6).toString('hex')}`,
    description: 'Refund for order 4471 & shipping costs',
    amount: { value: '40.00', currency: 'EUR' },
    debtor: { accountId: f.eur },
    creditor: { name: 'Max Mustermann', iban: IBAN, accountVerificationId: verificationId, ...creditor },
    ...over,
  },
});

const payoutCount = async (f: Fixture) =>
  (await call(f.key, 'GET', '/payouts?limit=200')).body.payouts.length;

describe('create', () => {
  it('initiates a GBP payout to a sort code and account number and debits the available balance', async () => {
    const f = await fixture();
    clock += 1000;
    const body = gbpInitiation(
      f,
      { refId: 'gbp-happy-1', onBehalfOfId: 'sub-tpp-1' },
      { bankName: 'Barclays' },
    );
    const res = await call(f.key, 'POST', '/payouts', body);
    expect(res.status).toBe(200);
    const at = new Date(clock).toISOString().replace('Z', '+00:00');
    expect(res.body).toEqual({
      payout: {
        id: expect.stringMatching(/^po:[1-9A-HJ-NP-Za-km-z]{27}:[1-9A-HJ-NP-Za-km-z]{11}$/),
        memberId: expect.stringMatching(/^m:[0-9a-f]{16}$/),
        createdDateTime: at,
        updatedDateTime: at,
        status: 'INITIATION_PENDING',
        initiation: body.initiation,
      },
    });
    expect(await balances(f, f.gbp)).toEqual(['9987.50', '10000.00', '10250.00']);
    const got = await call(f.key, 'GET', `/payouts/${res.body.payout.id}`);
    expect(got.body).toEqual(res.body);
  });

  it('initiates a EUR payout to a verified IBAN, echoing every creditor field as sent', async () => {
    const f = await fixture();
    const id = await verification(f);
    const body = eurInitiation(
      f,
      id,
      {},
      { bic: 'COBADEFFXXX', ultimateCreditorName: 'Max GmbH', bankName: 'Commerzbank' },
    );
    const res = await call(f.key, 'POST', '/payouts', body);
    expect(res.status).toBe(200);
    expect(res.body.payout.initiation).toEqual(body.initiation);
    expect(await balances(f, f.eur)).toEqual(['9960.00', '10000.00', '10250.00']);
    // A verification can be used again for the same IBAN.
    expect((await call(f.key, 'POST', '/payouts', eurInitiation(f, id))).status).toBe(200);
  });

  it('accepts up to 4 decimals when the digits past the currency’s 2 are zeros', async () => {
    const f = await fixture();
    const res = await call(
      f.key,
      'POST',
      '/payouts',
      gbpInitiation(f, { amount: { value: '0.0100', currency: 'GBP' } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.payout.initiation.amount).toEqual({ value: '0.0100', currency: 'GBP' });
    expect(await balances(f, f.gbp)).toEqual(['9999.99', '10000.00', '10250.00']);
  });
});

describe('validation: 400 INVALID_ARGUMENT naming the rule, nothing created', () => {
  it('refId: required, [A-Za-z0-9-] only, at most 35 characters', async () => {
    const f = await fixture();
    expect(
      (await call(f.key, 'POST', '/payouts', gbpInitiation(f, { refId: 'A-'.repeat(17) + 'Z' }))).status,
    ).toBe(200);
    expectInvalid(
      await call(f.key, 'POST', '/payouts', gbpInitiation(f, { refId: 'B'.repeat(36) })),
      '`RefId` should not be longer than 35 symbols.',
    );
    for (const refId of ['ref_1', 'ref 1', 'réf', undefined, '', 42]) {
      expectInvalid(await call(f.key, 'POST', '/payouts', gbpInitiation(f, { refId })), /refId|RefId/);
    }
    expect(await payoutCount(f)).toBe(1);
  });

  it('description: 6+ alphanumerics not all the same, allowed characters, ≤18 for SCAN and ≤140 for IBAN', async () => {
    const f = await fixture();
    const gbp = (description: unknown) => call(f.key, 'POST', '/payouts', gbpInitiation(f, { description }));
    expect((await gbp('A1-B2.C3&D4/E5 F6G')).status).toBe(200); // 18 characters
    expect((await gbp('ab-cd-ef')).status).toBe(200); // exactly 6 alphanumerics
    expectInvalid(await gbp('A1-B2.C3&D4/E5 F6GH'), /at most 18 characters/);
    for (const bad of [
      'ab-cd-e',
      'aaaaaa',
      'AaAaAa',
      '111-111',
      'Invoice #123',
      'Zahlung für 2025',
      '',
      undefined,
    ]) {
      expectInvalid(await gbp(bad), /description/);
    }
    const id = await verification(f);
    const eur = (description: string) =>
      call(f.key, 'POST', '/payouts', eurInitiation(f, id, { description }));
    expect((await eur('x1'.repeat(70))).status).toBe(200);
    expectInvalid(await eur('x1'.repeat(70) + 'z'), /at most 140 characters/);
    expect(await payoutCount(f)).toBe(3);
  });

  it('amount: positive decimal string, ≤4 decimals, payable in cents, in the debtor account’s currency', async () => {
    const f = await fixture();
    const amount = (value: unknown, currency = 'GBP') =>
      call(f.key, 'POST', '/payouts', gbpInitiation(f, { amount: { value, currency } }));
    for (const value of [
      '12.3456',
      '12.001',
      '1.23456',
      '0',
      '0.00',
      '-1.00',
      '1e3',
      '12.',
      '.5',
      12,
      '',
      undefined,
    ]) {
      expectInvalid(await amount(value), /[Aa]mount/);
    }
    expectInvalid(await amount('10.00', 'EUR'), /does not match the GBP settlement account/);
    expectInvalid(await call(f.key, 'POST', '/payouts', gbpInitiation(f, { amount: undefined })), /amount/);
    expect(await payoutCount(f)).toBe(0);
    expect(await balances(f, f.gbp)).toEqual(['10000.00', '10000.00', '10250.00']);
  });

  it('debtor: must be one of the account’s settlement accounts (404 naming it)', async () => {
    const f = await fixture();
    const res = await call(
      f.key,
      'POST',
      '/payouts',
      gbpInitiation(f, { debtor: { accountId: 'pa:unknown:x' } }),
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ errorCode: 'NOT_FOUND', paymentId: 'pa:unknown:x' });
    expectInvalid(await call(f.key, 'POST', '/payouts', gbpInitiation(f, { debtor: undefined })), /debtor/);
    expectInvalid(
      await call(f.key, 'POST', '/payouts', gbpInitiation(f, { debtor: {} })),
      /debtor\.accountId/,
    );
    expectInvalid(await call(f.key, 'POST', '/payouts', {}), /initiation/);
    expect(await payoutCount(f)).toBe(0);
  });

  it('creditor: a name, and sort code + account number for GBP', async () => {
    const f = await fixture();
    const gbp = (creditor: Json) => call(f.key, 'POST', '/payouts', gbpInitiation(f, {}, creditor));
    expectInvalid(await gbp({ name: undefined }), /creditor\.name/);
    expectInvalid(await gbp({ sortCode: undefined }), /sortCode/);
    for (const sortCode of ['12345', '1234567', '12-34-56'])
      expectInvalid(await gbp({ sortCode }), /6 digits/);
    expectInvalid(await gbp({ accountNumber: undefined }), /accountNumber/);
    for (const accountNumber of ['1234567', '123456789'])
      expectInvalid(await gbp({ accountNumber }), /8 digits/);
    expectInvalid(await gbp({ bankName: 7 }), /bankName/);
    expect(await payoutCount(f)).toBe(0);
  });

  it('creditor: a valid IBAN, a valid BIC if any, and a verification of that IBAN by this account for EUR', async () => {
    const f = await fixture();
    const id = await verification(f);
    const eur = (creditor: Json, verificationId = id) =>
      call(f.key, 'POST', '/payouts', eurInitiation(f, verificationId, {}, creditor));
    expectInvalid(await eur({ iban: undefined }), /creditor\.iban/);
    expectInvalid(await eur({ iban: 'DE89370400440532013001' }), /not a valid IBAN/);
    expectInvalid(await eur({ bic: 'NOTABIC' }), /not a valid BIC/);
    expectInvalid(await eur({ accountVerificationId: undefined }), /accountVerificationId/);
    expectInvalid(await eur({}, 'avr-01K8R977E2Y0XE5CYQE1608N06'), /not found/);
    const otherIban = await verification(f, 'NL91ABNA0417164300');
    expectInvalid(await eur({}, otherIban), /another IBAN/);
    const stranger = await fixture();
    expectInvalid(await eur({}, await verification(stranger)), /not found/);
    expect(await payoutCount(f)).toBe(0);
  });

  it('refuses a second payout with a used refId, leaving the first one the only one', async () => {
    const f = await fixture();
    const body = gbpInitiation(f, { refId: 'dup-ref-1' });
    const first = await call(f.key, 'POST', '/payouts', body);
    expect(first.status).toBe(200);
    expectInvalid(
      await call(f.key, 'POST', '/payouts', body),
      "A payout with refId 'dup-ref-1' already exists.",
    );
    expectInvalid(
      await call(
        f.key,
        'POST',
        '/payouts',
        gbpInitiation(f, { refId: 'dup-ref-1', amount: { value: '1.00', currency: 'GBP' } }),
      ),
      /already exists/,
    );
    const listed = await call(f.key, 'GET', '/payouts?limit=10&refIds=dup-ref-1');
    expect(listed.body.payouts.map((p: Json) => p.id)).toEqual([first.body.payout.id]);
    expect(await balances(f, f.gbp)).toEqual(['9987.50', '10000.00', '10250.00']);
    // Another account may use the same refId.
    const other = await fixture();
    expect(
      (await call(other.key, 'POST', '/payouts', gbpInitiation(other, { refId: 'dup-ref-1' }))).status,
    ).toBe(200);
  });
});

describe('funds and lifecycle', () => {
  it('creates a payout above the available balance as INITIATION_REJECTED (RJCT, AM04) without debiting', async () => {
    const f = await fixture();
    const res = await call(
      f.key,
      'POST',
      '/payouts',
      gbpInitiation(f, { amount: { value: '10000.01', currency: 'GBP' } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.payout).toMatchObject({
      status: 'INITIATION_REJECTED',
      bankPaymentStatus: 'RJCT',
      statusReasonInformation: expect.stringContaining('AM04'),
    });
    expect(await balances(f, f.gbp)).toEqual(['10000.00', '10000.00', '10250.00']);
    expectInvalid(
      await call(f.key, 'POST', `/test-helpers/payouts/${res.body.payout.id}/fail`),
      /INITIATION_REJECTED/,
    );
    expect(await balances(f, f.gbp)).toEqual(['10000.00', '10000.00', '10250.00']);
    // The whole available balance is payable.
    const all = await call(
      f.key,
      'POST',
      '/payouts',
      gbpInitiation(f, { amount: { value: '10000.00', currency: 'GBP' } }),
    );
    expect(all.body.payout.status).toBe('INITIATION_PENDING');
    expect(await balances(f, f.gbp)).toEqual(['0.00', '10000.00', '10250.00']);
  });

  it('advances PENDING → PROCESSING (ACSP) → COMPLETED (ACSC), then debits booked and cleared', async () => {
    const f = await fixture();
    const created = (await call(f.key, 'POST', '/payouts', gbpInitiation(f))).body.payout;
    const advance = () => call(f.key, 'POST', `/test-helpers/payouts/${created.id}/advance`);
    clock += 60_000;
    const processing = (await advance()).body.payout;
    expect(processing).toMatchObject({ status: 'INITIATION_PROCESSING', bankPaymentStatus: 'ACSP' });
    expect(processing.updatedDateTime).not.toBe(created.updatedDateTime);
    expect(processing.createdDateTime).toBe(created.createdDateTime);
    expect(await balances(f, f.gbp)).toEqual(['9987.50', '10000.00', '10250.00']);
    clock += 60_000;
    const completed = (await advance()).body.payout;
    expect(completed).toMatchObject({
      status: 'INITIATION_COMPLETED',
      bankPaymentStatus: 'ACSC',
      bankTransactionId: expect.any(String),
    });
    expect(completed.updatedDateTime).not.toBe(processing.updatedDateTime);
    expect(await balances(f, f.gbp)).toEqual(['9987.50', '9987.50', '10237.50']);
    expect((await call(f.key, 'GET', `/payouts/${created.id}`)).body.payout).toEqual(completed);
    expectInvalid(await advance(), /INITIATION_COMPLETED/);
    expectInvalid(
      await call(f.key, 'POST', `/test-helpers/payouts/${created.id}/fail`),
      /INITIATION_COMPLETED/,
    );
  });

  it('fails a pending or processing payout and gives the amount back to available', async () => {
    const f = await fixture();
    const a = (await call(f.key, 'POST', '/payouts', gbpInitiation(f))).body.payout;
    clock += 1000;
    const rejected = (await call(f.key, 'POST', `/test-helpers/payouts/${a.id}/fail`)).body.payout;
    expect(rejected).toMatchObject({ status: 'INITIATION_REJECTED', bankPaymentStatus: 'RJCT' });
    expect(rejected.updatedDateTime).not.toBe(a.updatedDateTime);
    expect(await balances(f, f.gbp)).toEqual(['10000.00', '10000.00', '10250.00']);

    const b = (await call(f.key, 'POST', '/payouts', gbpInitiation(f))).body.payout;
    await call(f.key, 'POST', `/test-helpers/payouts/${b.id}/advance`);
    const failed = await call(f.key, 'POST', `/test-helpers/payouts/${b.id}/fail`, {
      status: 'INITIATION_FAILED',
      bankPaymentStatus: 'NOT_AVAILABLE',
      statusReasonInformation: 'Bank unavailable',
    });
    expect(failed.body.payout).toMatchObject({
      status: 'INITIATION_FAILED',
      bankPaymentStatus: 'NOT_AVAILABLE',
      statusReasonInformation: 'Bank unavailable',
    });
    expect(await balances(f, f.gbp)).toEqual(['10000.00', '10000.00', '10250.00']);
    expectInvalid(await call(f.key, 'POST', `/test-helpers/payouts/${b.id}/fail`), /INITIATION_FAILED/);

    const c = (await call(f.key, 'POST', '/payouts', gbpInitiation(f))).body.payout;
    expectInvalid(
      await call(f.key, 'POST', `/test-helpers/payouts/${c.id}/fail`, { status: 'INITIATION_COMPLETED' }),
      /status/,
    );
    expect((await call(f.key, 'GET', `/payouts/${c.id}`)).body.payout.status).toBe('INITIATION_PENDING');
  });

  it('answers 404 with the id for an unknown payout, on reads and on the helpers', async () => {
    const f = await fixture();
    for (const [method, path] of [
      ['GET', '/payouts/po:missing:1'],
      ['POST', '/test-helpers/payouts/po:missing:1/advance'],
      ['POST', '/test-helpers/payouts/po:missing:1/fail'],
    ] as const) {
      const res = await call(f.key, method, path);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ errorCode: 'NOT_FOUND', paymentId: 'po:missing:1' });
    }
  });
});
