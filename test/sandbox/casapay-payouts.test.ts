// Payout create/retrieve/list/cancel and the balance they move, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, type CasaPayList } from '../helpers/casapay-client.ts';
import {
  startCasaPaySimulator,
  type CasaPayPayout,
  type CasaPaySimulator,
} from '../../src/sandbox/casapay/index.ts';

const DAY = 86_400;

let sim: CasaPaySimulator;
beforeAll(async () => {
  sim = await startCasaPaySimulator();
});
afterAll(() => sim.close());

const client = () => new SandboxClient(sim.url);

describe('create and retrieve', () => {
  it('returns the full Stripe payout shape and debits the balance', async () => {
    const api = client();
    const gb = await api.seededAccount('gbp');
    const before = Math.floor(Date.now() / 1000);
    const res = await api.post<CasaPayPayout>('/v1/payouts', {
      amount: 1_150_000,
      currency: 'gbp',
      destination: gb.id,
      description: 'January 2025 rent disbursement',
      metadata: { landlord_id: 'll_789', period: '2025-01' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const payout = res.body;
    expect(payout).toEqual({
      id: expect.stringMatching(/^po_[A-Za-z0-9]{24}$/),
      object: 'payout',
      amount: 1_150_000,
      arrival_date: payout.created + 2 * DAY,
      automatic: false,
      balance_transaction: expect.stringMatching(/^txn_/),
      created: expect.any(Number),
      currency: 'gbp',
      description: 'January 2025 rent disbursement',
      destination: gb.id,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { landlord_id: 'll_789', period: '2025-01' },
      method: 'standard',
      original_payout: null,
      reconciliation_status: 'not_applicable',
      reversed_by: null,
      source_type: 'bank_account',
      statement_descriptor: null,
      status: 'pending',
      type: 'bank_account',
    });
    expect(payout.created).toBeGreaterThanOrEqual(before);
    expect(payout.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(await api.available('gbp')).toBe(50_000);
    expect(await api.available('eur')).toBe(4_500_000);
    expect((await api.get(`/v1/payouts/${payout.id}`)).body).toEqual(payout);
  });

  it('arrives the same day for instant payouts and keeps optional fields', async () => {
    const api = client();
    const payout = await api.createPayout({
      currency: 'eur',
      amount: 250,
      method: 'instant',
      statement_descriptor: 'RENT JAN',
    });
    expect(payout).toMatchObject({ method: 'instant', currency: 'eur', statement_descriptor: 'RENT JAN' });
    expect(payout.arrival_date).toBe(payout.created);
    expect(payout.destination).toBe((await api.seededAccount('eur')).id);
    expect(await api.available('eur')).toBe(4_499_750);
  });

  it('answers 404 resource_missing for an unknown payout', async () => {
    const api = client();
    for (const res of [await api.get('/v1/payouts/po_x'), await api.post('/v1/payouts/po_x/cancel')]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          message: "No such payout: 'po_x'",
          param: 'id',
        },
      });
    }
  });

  it.each([
    [{ amount: undefined }, 'amount', 'parameter_missing'],
    [{ amount: 0 }, 'amount', 'parameter_invalid_integer'],
    [{ amount: -5 }, 'amount', 'parameter_invalid_integer'],
    [{ amount: 10.5 }, 'amount', 'parameter_invalid_integer'],
    [{ amount: '1000' }, 'amount', 'parameter_invalid_integer'],
    [{ currency: undefined }, 'currency', 'parameter_missing'],
    [{ currency: 'usd' }, 'currency', undefined],
    [{ currency: 'eur' }, 'currency', undefined],
    [{ destination: undefined }, 'destination', 'parameter_missing'],
    [{ method: 'wire' }, 'method', undefined],
    [{ description: 'x'.repeat(5001) }, 'description', undefined],
    [{ statement_descriptor: 'x'.repeat(23) }, 'statement_descriptor', undefined],
    [{ metadata: 'nope' }, 'metadata', undefined],
    [{ metadata: { ['k'.repeat(41)]: 'v' } }, 'metadata', undefined],
    [{ metadata: { k: 'v'.repeat(501) } }, 'metadata', undefined],
    [{ metadata: { k: 7 } }, 'metadata', undefined],
    [
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
      undefined,
    ],
    [{ speed: 'fast' }, 'speed', 'parameter_unknown'],
  ])('rejects %j with param %s and executes nothing', async (override, param, code) => {
    const api = client();
    const destination = (await api.seededAccount('gbp')).id;
    const res = await api.post('/v1/payouts', { amount: 1000, currency: 'gbp', destination, ...override });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(res.body.error.code).toBe(code);
    expect((await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts')).body.data).toEqual([]);
    expect(await api.available('gbp')).toBe(1_200_000);
  });

  it('rejects a destination that is not one of the account bank accounts', async () => {
    const res = await client().post('/v1/payouts', { amount: 1000, currency: 'gbp', destination: 'ba_x' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: "No such bank account: 'ba_x'",
        param: 'destination',
      },
    });
  });

  it('refuses a payout above the available balance, and allows exactly the balance', async () => {
    const api = client();
    const destination = (await api.seededAccount('gbp')).id;
    const res = await api.post('/v1/payouts', { amount: 1_200_001, currency: 'gbp', destination });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'balance_insufficient' });
    expect(res.body.error.message).toMatch(/^You have insufficient funds in your CasaPay account/);
    expect(res.body.error.param).toBeUndefined();
    expect(await api.available('gbp')).toBe(1_200_000);
    await api.createPayout({ amount: 1_200_000 });
    expect(await api.available('gbp')).toBe(0);
    const again = await api.post('/v1/payouts', { amount: 1, currency: 'gbp', destination });
    expect(again.body.error.code).toBe('balance_insufficient');
  });
});

describe('cancel', () => {
  it('cancels a pending payout and credits the balance back', async () => {
    const api = client();
    const payout = await api.createPayout({ amount: 200_000 });
    expect(await api.available('gbp')).toBe(1_000_000);
    const res = await api.post<CasaPayPayout>(`/v1/payouts/${payout.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: payout.id,
      status: 'canceled',
      failure_code: null,
      failure_message: null,
    });
    expect(res.body.failure_balance_transaction).toMatch(/^txn_/);
    expect(await api.available('gbp')).toBe(1_200_000);

    const twice = await api.post(`/v1/payouts/${payout.id}/cancel`);
    expect(twice.status).toBe(400);
    expect(twice.body.error).toEqual({
      type: 'invalid_request_error',
      code: 'payout_not_cancelable',
      message: 'Payouts can only be canceled while they are pending. This payout is canceled.',
    });
    expect(await api.available('gbp')).toBe(1_200_000);
  });

  it('refuses once the payout is in transit', async () => {
    const api = client();
    const payout = await api.createPayout();
    expect((await api.post(`/v1/test_helpers/payouts/${payout.id}/advance`)).status).toBe(200);
    const res = await api.post(`/v1/payouts/${payout.id}/cancel`);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      type: 'invalid_request_error',
      code: 'payout_not_cancelable',
      message: 'Payouts can only be canceled while they are pending. This payout is in_transit.',
    });
    expect((await api.get<CasaPayPayout>(`/v1/payouts/${payout.id}`)).body.status).toBe('in_transit');
    expect(await api.available('gbp')).toBe(1_199_000);
  });
});

describe('list', () => {
  it('filters by status, destination, created and arrival_date, newest first with ties by creation order', async () => {
    // A hand-driven clock makes created/arrival_date exact and forces same-second ties.
    let clock = 1_706_140_800_000;
    const timed = await startCasaPaySimulator({ now: () => clock });
    try {
      const api = new SandboxClient(timed.url);
      const a = await api.createPayout({ amount: 100 });
      const b = await api.createPayout({ amount: 200 });
      clock += DAY * 1000;
      const c = await api.createPayout({ amount: 300, currency: 'eur' });
      clock += DAY * 1000;
      const d = await api.createPayout({ amount: 400, method: 'instant' });
      await api.post(`/v1/payouts/${b.id}/cancel`);
      expect(a.created).toBe(1_706_140_800);
      expect(b.created).toBe(a.created);

      const ids = async (query: string) => {
        const res = await api.get<CasaPayList<CasaPayPayout>>(`/v1/payouts${query}`);
        expect(res.status).toBe(200);
        expect(res.body.url).toBe('/v1/payouts');
        return res.body.data.map((p) => p.id);
      };
      const t0 = a.created;
      expect(await ids('')).toEqual([d.id, c.id, b.id, a.id]);
      expect(await ids('?status=canceled')).toEqual([b.id]);
      expect(await ids('?status=pending')).toEqual([d.id, c.id, a.id]);
      expect(await ids(`?destination=${c.destination}`)).toEqual([c.id]);
      expect(await ids(`?created=${t0}`)).toEqual([b.id, a.id]);
      expect(await ids(`?created[gt]=${t0}`)).toEqual([d.id, c.id]);
      expect(await ids(`?created[gte]=${t0 + DAY}&created[lte]=${t0 + DAY}`)).toEqual([c.id]);
      expect(await ids(`?created[lt]=${t0 + DAY}`)).toEqual([b.id, a.id]);
      // a, b and d all arrive at t0 + 2 days (d is instant, created then); c arrives a day later.
      expect(await ids(`?arrival_date=${t0 + 2 * DAY}`)).toEqual([d.id, b.id, a.id]);
      expect(await ids(`?arrival_date[gte]=${t0 + 3 * DAY}`)).toEqual([c.id]);
      expect(await ids(`?status=pending&limit=1&starting_after=${c.id}`)).toEqual([a.id]);
      expect(await ids(`?status=pending&ending_before=${a.id}`)).toEqual([d.id, c.id]);

      const page = await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts?limit=3');
      expect(page.body.has_more).toBe(true);
      const next = await api.get<CasaPayList<CasaPayPayout>>(`/v1/payouts?limit=3&starting_after=${b.id}`);
      expect(next.body).toMatchObject({ has_more: false, data: [{ id: a.id }] });
      const prev = await api.get<CasaPayList<CasaPayPayout>>(`/v1/payouts?limit=2&ending_before=${a.id}`);
      expect(prev.body.data.map((p) => p.id)).toEqual([c.id, b.id]);
      expect(prev.body.has_more).toBe(true);
    } finally {
      await timed.close();
    }
  });

  it('expands destination into its bank account (retrieve: destination, list: data.destination), as Stripe does', async () => {
    const api = client();
    const gb = await api.seededAccount('gbp');
    const created = await api.post<CasaPayPayout>('/v1/payouts', {
      amount: 100,
      currency: 'gbp',
      destination: gb.id,
    });
    const account = (await api.get<Record<string, unknown>>(`/v1/bank_accounts/${gb.id}`)).body;
    expect(account).toMatchObject({ id: gb.id, object: 'bank_account' });

    const one = await api.get<Record<string, unknown>>(`/v1/payouts/${created.body.id}?expand[]=destination`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...created.body, destination: account });
    expect((await api.get<unknown>(`/v1/payouts/${created.body.id}?expand[0]=destination`)).body).toEqual(
      one.body,
    );

    const list = await api.get<CasaPayList<Record<string, unknown>>>(
      '/v1/payouts?limit=3&expand[]=data.destination',
    );
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toEqual(one.body);
    for (const p of list.body.data) expect(p['destination']).toMatchObject({ object: 'bank_account' });
    const plain = await api.get<CasaPayList<Record<string, unknown>>>('/v1/payouts?limit=3');
    expect(plain.body.data[0]).toEqual(created.body);

    const refused: [string, string][] = [
      [
        '/v1/payouts?expand[]=destination',
        "This property cannot be expanded (destination). You may want to try expanding 'data.destination' instead.",
      ],
      ['/v1/payouts?expand[]=data.metadata', 'This property cannot be expanded (data.metadata).'],
      [`/v1/payouts/${created.body.id}?expand[]=metadata`, 'This property cannot be expanded (metadata).'],
      [
        `/v1/payouts/${created.body.id}?expand[]=data.destination`,
        'This property cannot be expanded (data.destination).',
      ],
    ];
    for (const [path, message] of refused) {
      const res = await api.get<unknown>(path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual({ error: { type: 'invalid_request_error', message } });
    }
  });

  it('validates list parameters', async () => {
    const api = client();
    const cases: [string, string, string | undefined][] = [
      ['status=done', 'status', undefined],
      ['limit=0', 'limit', undefined],
      ['limit=101', 'limit', undefined],
      ['limit=x', 'limit', 'parameter_invalid_integer'],
      ['created[gte]=yesterday', 'created[gte]', 'parameter_invalid_integer'],
      ['starting_after=po_missing', 'starting_after', 'resource_missing'],
      ['ending_before=po_missing', 'ending_before', 'resource_missing'],
      ['sort=asc', 'sort', 'parameter_unknown'],
    ];
    for (const [query, param, code] of cases) {
      const res = await api.get(`/v1/payouts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.param, query).toBe(param);
      expect(res.body.error.code, query).toBe(code);
    }
    expect((await api.get('/v1/payouts?limit=100')).status).toBe(200);
  });
});
