// The Token.io simulator over raw HTTP: Basic-key accounts and their isolation, the seeded
// settlement accounts and their list/get/create, account verification outcomes, error bodies,
// fault injection. Every body is checked against Token.io's published spec (fixture extract).
import { createHash, randomBytes } from 'node:crypto';
import { isValidBIC, isValidIBAN } from 'ibantools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpec, expectTokenioError, newTokenioKey, tokenioCall } from '../helpers/tokenio-spec.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: TokenioSimulator;
beforeAll(async () => {
  sim = await startTokenioSimulator();
});
afterAll(() => sim.close());

const newKey = newTokenioKey;
const call = (key: string | null, method: string, path: string, body?: unknown, target = sim) =>
  tokenioCall(target.url, key, method, path, body);
const expectError = expectTokenioError;

async function accounts(key: string): Promise<{ gbp: Json; eur: Json }> {
  const list = (await call(key, 'GET', '/virtual-accounts')).body.virtualAccount as Json[];
  const gbp = list.find((v) => v.currency === 'GBP');
  const eur = list.find((v) => v.currency === 'EUR');
  if (!gbp || !eur) throw new Error('seeded settlement accounts missing');
  return { gbp, eur };
}

const gbpPayout = (accountId: string, refId: string) => ({
  initiation: {
    refId,
    description: 'Invoice 2025-001',
    amount: { value: '25.00', currency: 'GBP' },
    debtor: { accountId },
    creditor: { name: 'Jane Doe', sortCode: '040004', accountNumber: '12345678' },
  },
});

describe('authentication and account isolation', () => {
  it('answers 401 UNAUTHENTICATED in Token.io body for missing or malformed credentials', async () => {
    for (const header of [null, 'Basic', 'Basic    ', 'Token abc', 'Bearer', 'Bearer not-a-jws', 'abc']) {
      for (const [method, path] of [
        ['GET', '/payouts?limit=1'],
        ['GET', '/virtual-accounts'],
        ['POST', '/account-verifications'],
        ['POST', '/test-helpers/payouts/po:x:y/advance'],
      ] as const) {
        const res = await fetch(`${sim.url}${path}`, {
          method,
          headers: header === null ? {} : { authorization: header },
        });
        const body = (await res.json()) as Json;
        expectSpec(method, path, res.status, body);
        expectError({ status: res.status, body }, 401, 'UNAUTHENTICATED');
      }
    }
  });

  it('derives the member id from a Token.io sandbox key, or from a hash of any other key', async () => {
    const key = newKey('3jxhKzjF4RXT5tvKNXLAMxro4wA5');
    const { gbp } = await accounts(key);
    const created = await call(key, 'POST', '/payouts', gbpPayout(gbp.accountId, 'member-1'));
    expect(created.body.payout.memberId).toBe('m:3jxhKzjF4RXT5tvKNXLAMxro4wA5');

    const opaque = `opaque-${randomBytes(6).toString('hex')}`;
    const other = await accounts(opaque);
    const res = await call(opaque, 'POST', '/payouts', gbpPayout(other.gbp.accountId, 'member-2'));
    const hash = createHash('sha256').update(opaque).digest('hex').slice(0, 16);
    expect(res.body.payout.memberId).toBe(`m:${hash}`);
  });

  it('keeps each key its own account: another account’s ids are 404 and its lists are its own', async () => {
    const a = newKey();
    const b = newKey();
    const { gbp } = await accounts(a);
    const payout = (await call(a, 'POST', '/payouts', gbpPayout(gbp.accountId, 'iso-1'))).body.payout;

    const bAccounts = await accounts(b);
    expect(bAccounts.gbp.accountId).not.toBe(gbp.accountId);
    expectError(await call(b, 'GET', `/payouts/${payout.id}`), 404, 'NOT_FOUND', undefined, payout.id);
    expectError(
      await call(b, 'GET', `/virtual-accounts/${gbp.accountId}`),
      404,
      'NOT_FOUND',
      undefined,
      gbp.accountId,
    );
    expectError(
      await call(b, 'POST', '/payouts', gbpPayout(gbp.accountId, 'iso-2')),
      404,
      'NOT_FOUND',
      undefined,
      gbp.accountId,
    );
    expectError(
      await call(b, 'POST', `/test-helpers/payouts/${payout.id}/advance`),
      404,
      'NOT_FOUND',
      undefined,
      payout.id,
    );
    expect((await call(b, 'GET', '/payouts?limit=10')).body.payouts).toEqual([]);
    // The owner still sees it, untouched.
    expect((await call(a, 'GET', `/payouts/${payout.id}`)).body.payout.status).toBe('INITIATION_PENDING');
  });
});

describe('settlement accounts', () => {
  it('seeds one GBP and one EUR ACTIVE account with 10000.00 available and 250.00 not yet cleared', async () => {
    const at = Date.parse('2025-04-05T10:43:07.000Z');
    const fixed = await startTokenioSimulator({ now: () => at });
    try {
      const key = newKey();
      const res = await call(key, 'GET', '/virtual-accounts', undefined, fixed);
      expect(res.status).toBe(200);
      const [gbp, eur] = res.body.virtualAccount as Json[];
      const balances = {
        availableBalance: '10000.00',
        clearedBalance: '10000.00',
        bookedBalance: '10250.00',
        status: 'ACTIVE',
        createdDateTime: '2025-04-05T10:43:07.000+00:00',
        updatedDateTime: '2025-04-05T10:43:07.000+00:00',
      };
      const accountId = expect.stringMatching(/^pa:[1-9A-HJ-NP-Za-km-z]{44}:[1-9A-HJ-NP-Za-km-z]{8}$/);
      expect(gbp).toEqual({
        accountId,
        accountName: 'Sandbox GBP settlement',
        currency: 'GBP',
        country: 'GB',
        sortCode: expect.stringMatching(/^\d{6}$/),
        accountNumber: expect.stringMatching(/^\d{8}$/),
        ...balances,
      });
      expect(eur).toEqual({
        accountId,
        accountName: 'Sandbox EUR settlement',
        currency: 'EUR',
        country: 'NL',
        iban: expect.stringMatching(/^NL/),
        bic: expect.any(String),
        ...balances,
      });
      expect(isValidIBAN(eur?.iban)).toBe(true);
      expect(isValidBIC(eur?.bic)).toBe(true);
      expect(res.body.pageInfo).toEqual({
        limit: 200,
        offset: expect.any(String),
        nextOffset: '',
        haveMore: false,
      });
      // Seeding happens once: the same key sees the same accounts again.
      const again = await call(key, 'GET', `/virtual-accounts/${gbp?.accountId}`, undefined, fixed);
      expect(again.body).toEqual({ virtualAccount: gbp });
    } finally {
      await fixed.close();
    }
  });

  it('pages with opaque offsets and PageInfo semantics, and filters by currency, country and nickname', async () => {
    const key = newKey();
    const { gbp, eur } = await accounts(key);
    const first = await call(key, 'GET', '/virtual-accounts?limit=1');
    expect(first.body.virtualAccount).toEqual([gbp]);
    expect(first.body.pageInfo).toEqual({
      limit: 1,
      offset: expect.stringMatching(/.+/),
      nextOffset: expect.stringMatching(/.+/),
      haveMore: true,
    });
    const next = first.body.pageInfo.nextOffset as string;
    const second = await call(key, 'GET', `/virtual-accounts?limit=1&offset=${next}`);
    expect(second.body.virtualAccount).toEqual([eur]);
    expect(second.body.pageInfo).toEqual({ limit: 1, offset: next, nextOffset: '', haveMore: false });

    for (const limit of ['0', '500']) {
      expect((await call(key, 'GET', `/virtual-accounts?limit=${limit}`)).body.pageInfo.limit).toBe(200);
    }
    expectError(await call(key, 'GET', '/virtual-accounts?limit=-1'), 400, 'INVALID_ARGUMENT');
    expectError(await call(key, 'GET', '/virtual-accounts?offset=bogus'), 400, 'INVALID_ARGUMENT');

    const created = await call(key, 'POST', '/virtual-accounts', {
      currency: 'EUR',
      country: 'DE',
      accountNickName: 'Payroll pot',
    });
    const filtered = async (q: string) =>
      ((await call(key, 'GET', `/virtual-accounts?${q}`)).body.virtualAccount as Json[]).map(
        (v) => v.accountId,
      );
    expect(await filtered('currency=EUR')).toEqual([eur.accountId, created.body.virtualAccount.accountId]);
    expect(await filtered('country=GB')).toEqual([gbp.accountId]);
    expect(await filtered('nickname=Payroll%20pot')).toEqual([created.body.virtualAccount.accountId]);
    expect(await filtered('currency=USD')).toEqual([]);
  });

  it('creates settlement accounts with zero balances and refuses invalid ones', async () => {
    const key = newKey();
    const eur = await call(key, 'POST', '/virtual-accounts', { currency: 'EUR', country: 'IE' });
    expect(eur.status).toBe(200);
    expect(eur.body.virtualAccount).toMatchObject({
      currency: 'EUR',
      country: 'IE',
      status: 'ACTIVE',
      availableBalance: '0.00',
      clearedBalance: '0.00',
      bookedBalance: '0.00',
    });
    expect(isValidIBAN(eur.body.virtualAccount.iban)).toBe(true);
    const gbp = await call(key, 'POST', '/virtual-accounts', { currency: 'GBP', country: 'GB' });
    expect(gbp.body.virtualAccount.sortCode).toMatch(/^\d{6}$/);
    const got = await call(key, 'GET', `/virtual-accounts/${gbp.body.virtualAccount.accountId}`);
    expect(got.body.virtualAccount).toEqual(gbp.body.virtualAccount);

    for (const body of [
      {},
      { currency: 'USD', country: 'US' },
      { currency: 'EUR', country: 'de' },
      { currency: 'EUR', country: 'DEU' },
      { currency: 'GBP', country: 'NL' },
      { currency: 'EUR', country: 'US' },
      { currency: 'EUR', country: 'NL', accountNickName: 'x'.repeat(51) },
      { currency: 'EUR', country: 'NL', accountNickName: 'bad!name' },
    ]) {
      expectError(await call(key, 'POST', '/virtual-accounts', body), 400, 'INVALID_ARGUMENT');
    }
    expect((await call(key, 'GET', '/virtual-accounts')).body.virtualAccount).toHaveLength(4);
    expectError(
      await call(key, 'GET', '/virtual-accounts/pa:nope:nope'),
      404,
      'NOT_FOUND',
      undefined,
      'pa:nope:nope',
    );
  });
});

describe('account verifications (sandbox rule: the holder name picks the outcome)', () => {
  const iban = 'NL91ABNA0417164300';
  const verify = (key: string, name: string, extra: Json = {}) =>
    call(key, 'POST', '/account-verifications', { account: { name, currency: 'EUR', iban }, ...extra });
  const ID = expect.stringMatching(/^avr-[0-9A-HJKMNP-TV-Z]{26}$/);

  it('answers the spec’s four example outcomes', async () => {
    const key = newKey();
    expect((await verify(key, 'Hans Christian Andersen')).body).toEqual({
      id: ID,
      result: { status: 'MATCH', reasons: ['EXACT_MATCH'], details: 'The account details match.' },
    });
    expect((await verify(key, 'H. C. Andersen close')).body).toEqual({
      id: ID,
      result: {
        status: 'CLOSE_MATCH',
        reasons: ['NAME_MISMATCH'],
        details: 'The name provided is a close match.',
        matched: { name: 'H. C. Andersen' },
      },
    });
    expect((await verify(key, 'Name MISMATCH Ltd')).body).toEqual({
      id: ID,
      result: {
        status: 'NO_MATCH',
        reasons: ['ACCOUNT_MISMATCH', 'NAME_MISMATCH'],
        details: 'The account and name do not match.',
      },
    });
    expect((await verify(key, 'Unverifiable GmbH')).body).toEqual({
      id: ID,
      result: {
        status: 'VERIFICATION_NOT_POSSIBLE',
        reasons: ['UNKNOWN'],
        details: 'The check cannot be completed.',
      },
    });
  });

  it('takes an own settlement account id and refuses invalid requests with 400', async () => {
    const key = newKey();
    const { eur } = await accounts(key);
    expect((await verify(key, 'Jane Doe', { virtualAccountId: eur.accountId })).status).toBe(200);
    expectError(await verify(key, 'Jane Doe', { virtualAccountId: 'pa:unknown:x' }), 400, 'INVALID_ARGUMENT');
    for (const body of [
      {},
      { account: { currency: 'EUR', iban } },
      { account: { name: 'Jane', currency: 'GBP', iban } },
      { account: { name: 'Jane', currency: 'EUR' } },
      { account: { name: 'Jane', currency: 'EUR', iban: 'NL91ABNA0417164301' } },
      'not json',
    ]) {
      expectError(await call(key, 'POST', '/account-verifications', body), 400, 'INVALID_ARGUMENT');
    }
  });
});

describe('errors and faults', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    expectError(await call(newKey(), 'GET', '/nope'), 404, 'NOT_FOUND', undefined, '/nope');
    expectError(
      await call(newKey(), 'DELETE', '/payouts/po:x:y'),
      404,
      'NOT_FOUND',
      'No route for DELETE /payouts/po:x:y.',
      '/payouts/po:x:y',
    );
  });

  it('answers an injected error status in Token.io’s body without executing the request', async () => {
    const key = newKey();
    const { gbp } = await accounts(key);
    sim.injectFault({ method: 'POST', pathPrefix: '/payouts', status: 503, count: 1 });
    const res = await call(key, 'POST', '/payouts', gbpPayout(gbp.accountId, 'fault-1'));
    expectError(res, 503, 'UNAVAILABLE', undefined, 'Unavailable');
    expect((await call(key, 'GET', '/payouts?limit=10')).body.payouts).toEqual([]);
    // Used up: the retry executes.
    expect((await call(key, 'POST', '/payouts', gbpPayout(gbp.accountId, 'fault-1'))).status).toBe(200);

    const expected: [number, string, string?][] = [
      [429, 'RESOURCE_EXHAUSTED', 'Resource exhausted. Check quota.'],
      [500, 'InternalServerError'],
      [501, 'UNIMPLEMENTED', 'Not implemented.'],
      [504, 'DEADLINE_EXCEEDED', 'Deadline exceeded.'],
      [403, 'PermissionDenied'],
      [400, 'INVALID_ARGUMENT'],
    ];
    for (const [status, code, paymentId] of expected) {
      sim.injectFault({ method: 'GET', pathPrefix: '/virtual-accounts', status, count: 1 });
      expectError(await call(key, 'GET', '/virtual-accounts'), status, code, undefined, paymentId);
    }
  });

  it('delays a response while still executing it, and never faults the test helpers', async () => {
    const key = newKey();
    const { gbp } = await accounts(key);
    sim.injectFault({ pathPrefix: '/payouts', delayMs: 300, count: 1 });
    const started = Date.now();
    const res = await call(key, 'POST', '/payouts', gbpPayout(gbp.accountId, 'slow-1'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.status).toBe(200);

    sim.injectFault({ pathPrefix: '/test-helpers', status: 500, count: 1 });
    const advanced = await call(key, 'POST', `/test-helpers/payouts/${res.body.payout.id}/advance`);
    expect(advanced.body.payout.status).toBe('INITIATION_PROCESSING');
  });

  it('sends no webhooks: setWebhook is a no-op and idle resolves at once', async () => {
    sim.setWebhook({ url: 'http://127.0.0.1:9/hook', secret: 'x' });
    await expect(sim.idle()).resolves.toBeUndefined();
    sim.setWebhook(null);
  });
});
