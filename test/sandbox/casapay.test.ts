// The CasaPay simulator over real HTTP: auth, seeded accounts, bank accounts, payouts, lists and
// the balance. Every test uses its own sk_test_ key, i.e. its own isolated sandbox account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newTestKey,
  SandboxClient,
  type CasaPayBalance,
  type CasaPayErrorBody,
  type CasaPayList,
} from '../helpers/casapay-client.ts';
import {
  startCasaPaySimulator,
  type CasaPayBankAccount,
  type CasaPayPayout,
  type CasaPaySimulator,
} from '../../src/sandbox/casapay/index.ts';

let sim: CasaPaySimulator;
beforeAll(async () => {
  sim = await startCasaPaySimulator();
});
afterAll(() => sim.close());

const client = () => new SandboxClient(sim.url);

async function rawAuth(authorization?: string) {
  const res = await fetch(`${sim.url}/v1/balance`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as CasaPayErrorBody };
}

describe('authentication', () => {
  it('rejects a missing key', async () => {
    const res = await rawAuth();
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toMatch(/^You did not provide an API key/);
  });

  it('rejects malformed keys without echoing them', async () => {
    for (const key of ['sk_test_has space!1234', 'pk_test_abcdefghijkl', 'nonsense-value-5678']) {
      const res = await rawAuth(`Bearer ${key}`);
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('invalid_request_error');
      expect(res.body.error.message).toMatch(/^Invalid API Key provided: .*\*\*\*\*/);
      expect(res.body.error.message).not.toContain(key);
    }
    const masked = await rawAuth('Bearer pk_test_abcdefghijkl');
    expect(masked.body.error.message).toBe('Invalid API Key provided: pk_test_****ijkl');
  });

  it('accepts test keys only', async () => {
    const live = 'sk_live_0123456789abcdef';
    const res = await rawAuth(`Bearer ${live}`);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('test mode keys');
    expect(res.body.error.message).toContain('sk_live_****cdef');
    expect(res.body.error.message).not.toContain(live);
  });

  it('also takes the key as the Basic-auth user name, like Stripe', async () => {
    const basic = Buffer.from(`${newTestKey()}:`).toString('base64');
    expect((await rawAuth(`Basic ${basic}`)).status).toBe(200);
  });

  it('gives every test key its own account', async () => {
    const a = client();
    const b = client();
    const payout = await a.createPayout({ amount: 5000 });
    expect((await b.get(`/v1/payouts/${payout.id}`)).status).toBe(404);
    expect((await b.get<CasaPayList<CasaPayPayout>>('/v1/payouts')).body.data).toEqual([]);
    expect(await b.available('gbp')).toBe(1_200_000);
    expect(await a.available('gbp')).toBe(1_195_000);
    const aAccounts = (await a.bankAccounts()).map((x) => x.id);
    expect((await b.get(`/v1/bank_accounts/${aAccounts[0]}`)).status).toBe(404);
  });
});

describe('seeded account', () => {
  it('starts with the quickstart balance, two bank accounts and no payouts', async () => {
    const api = client();
    const balance = await api.get<CasaPayBalance>('/v1/balance');
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({
      object: 'balance',
      livemode: false,
      available: [
        { amount: 4_500_000, currency: 'eur', source_types: { bank_account: 4_500_000 } },
        { amount: 1_200_000, currency: 'gbp', source_types: { bank_account: 1_200_000 } },
      ],
      pending: [{ amount: 250_000, currency: 'eur', source_types: { bank_account: 250_000 } }],
    });
    const accounts = await api.bankAccounts();
    expect(accounts).toHaveLength(2);
    expect(await api.seededAccount('gbp')).toMatchObject({
      object: 'bank_account',
      account_holder_name: 'Property Management Ltd',
      country: 'GB',
      currency: 'gbp',
      last4: '2345',
      routing_number: '108800',
      status: 'new',
    });
    const eur = await api.seededAccount('eur');
    expect(eur.routing_number).toBeNull();
    expect(['DE', 'NL']).toContain(eur.country);
    const payouts = await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts');
    expect(payouts.body).toEqual({ object: 'list', data: [], has_more: false, url: '/v1/payouts' });
  });
});

describe('bank accounts', () => {
  it('creates a GB account, strips sort-code hyphens, and never returns the number', async () => {
    const api = client();
    const res = await api.post<CasaPayBankAccount>('/v1/bank_accounts', {
      account_holder_name: 'Property Management Ltd',
      account_number: '00012345',
      sort_code: '10-88-00',
      currency: 'GBP',
      country: 'GB',
      metadata: { landlord_id: 'll_789' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ba_[A-Za-z0-9]{24}$/),
      object: 'bank_account',
      account_holder_name: 'Property Management Ltd',
      account_holder_type: null,
      account_type: null,
      available_payout_methods: ['standard', 'instant'],
      bank_name: 'SANDBOX BANK',
      country: 'GB',
      currency: 'gbp',
      default_for_currency: false,
      fingerprint: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      last4: '2345',
      metadata: { landlord_id: 'll_789' },
      routing_number: '108800',
      status: 'new',
    });
    expect(JSON.stringify(res.body)).not.toContain('00012345');
    // Same number, same fingerprint: it matches the seeded account with those details.
    expect(res.body.fingerprint).toBe((await api.seededAccount('gbp')).fingerprint);
    expect((await api.get(`/v1/bank_accounts/${res.body.id}`)).body).toEqual(res.body);
  });

  it('creates a SEPA account from an IBAN, spaces allowed', async () => {
    const api = client();
    const res = await api.post<CasaPayBankAccount>('/v1/bank_accounts', {
      account_holder_name: 'Verhuur BV',
      account_number: 'NL91 ABNA 0417 1643 00',
      currency: 'eur',
      country: 'nl',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ country: 'NL', currency: 'eur', last4: '4300', routing_number: null });
    expect(JSON.stringify(res.body)).not.toContain('0417164300');
  });

  it.each([
    [{ account_holder_name: undefined }, 'account_holder_name', 'parameter_missing'],
    [{ account_holder_name: '' }, 'account_holder_name', 'parameter_invalid_empty'],
    [{ account_number: undefined }, 'account_number', 'parameter_missing'],
    [{ sort_code: undefined }, 'sort_code', 'parameter_missing'],
    [{ sort_code: '10880' }, 'sort_code', 'routing_number_invalid'],
    [{ account_number: '0001234' }, 'account_number', 'account_number_invalid'],
    [{ currency: 'usd' }, 'currency', undefined],
    [{ currency: undefined }, 'currency', 'parameter_missing'],
    [{ country: 'GBR' }, 'country', undefined],
    [{ country: 'US' }, 'country', 'country_unsupported'],
    [{ metadata: { n: 1 } }, 'metadata', undefined],
    [{ nickname: 'x' }, 'nickname', 'parameter_unknown'],
    [
      { country: 'DE', sort_code: undefined, account_number: 'DE89370400440532013001' },
      'account_number',
      'account_number_invalid',
    ],
    [
      { country: 'DE', sort_code: undefined, account_number: 'NL91ABNA0417164300' },
      'account_number',
      'account_number_invalid',
    ],
    [
      { country: 'DE', sort_code: undefined, account_number: 'DE8937040044053201300' },
      'account_number',
      'account_number_invalid',
    ],
    [{ country: 'DE', account_number: 'DE89370400440532013000' }, 'sort_code', undefined],
  ])('rejects %j with param %s', async (override, param, code) => {
    const api = client();
    const body = {
      account_holder_name: 'Someone',
      account_number: '12345678',
      sort_code: '108800',
      currency: 'gbp',
      country: 'GB',
      ...override,
    };
    const res = await api.post('/v1/bank_accounts', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(res.body.error.code).toBe(code);
    expect(await api.bankAccounts()).toHaveLength(2);
  });

  it('rejects a malformed JSON body', async () => {
    const res = await client().post('/v1/bank_accounts', '{"account_holder_name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.param).toBeUndefined();
  });

  it('answers 404 resource_missing for an unknown id', async () => {
    const res = await client().get('/v1/bank_accounts/ba_nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: "No such bank account: 'ba_nope'",
        param: 'id',
      },
    });
  });

  it('lists newest first with cursor paging', async () => {
    const api = client();
    const [gb, eur] = [await api.seededAccount('gbp'), await api.seededAccount('eur')];
    const created: string[] = [];
    for (const n of ['11111111', '22222222', '33333333']) {
      const res = await api.post<CasaPayBankAccount>('/v1/bank_accounts', {
        account_holder_name: `Holder ${n}`,
        account_number: n,
        sort_code: '200000',
        currency: 'gbp',
        country: 'GB',
      });
      created.push(res.body.id);
    }
    const [c1, c2, c3] = created;
    const ids = async (query: string) => {
      const res = await api.get<CasaPayList<CasaPayBankAccount>>(`/v1/bank_accounts${query}`);
      expect(res.status).toBe(200);
      expect(res.body.url).toBe('/v1/bank_accounts');
      return { ids: res.body.data.map((b) => b.id), more: res.body.has_more };
    };
    expect(await ids('')).toEqual({ ids: [c3, c2, c1, eur.id, gb.id], more: false });
    expect(await ids('?limit=2')).toEqual({ ids: [c3, c2], more: true });
    expect(await ids(`?limit=2&starting_after=${c2}`)).toEqual({ ids: [c1, eur.id], more: true });
    expect(await ids(`?limit=2&starting_after=${eur.id}`)).toEqual({ ids: [gb.id], more: false });
    expect(await ids(`?ending_before=${c1}`)).toEqual({ ids: [c3, c2], more: false });
    expect(await ids(`?limit=1&ending_before=${c1}`)).toEqual({ ids: [c2], more: true });
    const badCursor = await api.get('/v1/bank_accounts?starting_after=ba_gone');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
    for (const limit of ['0', '101', 'ten']) {
      const res = await api.get(`/v1/bank_accounts?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe('limit');
    }
  });
});

describe('unknown routes', () => {
  it('answers 404 with the request line', async () => {
    const res = await client().get('/v1/x');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { type: 'invalid_request_error', message: 'Unrecognized request URL (GET: /v1/x)' },
    });
  });
});
