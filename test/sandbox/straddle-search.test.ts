// GET /v1/payments (Straddle's payment search, the only way to list payouts) against the Straddle
// simulator: the PaymentSummaryV1 items, page-number paging and its limits, sorting, every filter
// the gateway relies on, include_metadata and per-account isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  easternDateOf,
  linkedPaykey,
  newStraddleKey,
  payoutBody,
  straddleCall,
} from '../helpers/straddle-spec.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const START = Date.parse('2025-03-03T15:00:00.000Z');
let clock = START;
let sim: StraddleSimulator;

/** One account with five payouts a minute apart (amounts 100, 500, 300, 200, 400) on two paykeys. */
const world = { key: '', ids: [] as string[], customers: [] as string[], paykeys: [] as string[], token: '' };

beforeAll(async () => {
  sim = await startStraddleSimulator({ now: () => clock });
  world.key = newStraddleKey();
  const a = await linkedPaykey(sim.url, world.key);
  const b = await linkedPaykey(sim.url, world.key);
  world.customers = [a.customer.id, b.customer.id];
  world.paykeys = [a.paykey.id, b.paykey.id];
  world.token = a.token;
  const amounts = [100, 500, 300, 200, 400];
  for (const [i, amount] of amounts.entries()) {
    clock = START + i * 60_000;
    const res = await straddleCall(
      sim.url,
      world.key,
      'POST',
      '/v1/payouts',
      payoutBody(i % 2 === 0 ? a.token : b.token, easternDateOf(clock), {
        amount,
        external_id: `search-${i}`,
        description: i === 3 ? 'Quarterly Bonus' : `Invoice ${i}`,
        metadata: { n: String(i) },
      }),
    );
    world.ids.push(res.body.data.id as string);
  }
  // #0 paid, #1 on hold.
  for (let i = 0; i < 3; i++)
    await straddleCall(sim.url, world.key, 'POST', `/test-helpers/payouts/${world.ids[0]}/advance`);
  await straddleCall(sim.url, world.key, 'PUT', `/v1/payouts/${world.ids[1]}/hold`, { reason: 'check' });
});
afterAll(() => sim.close());

const search = (query = '') => straddleCall(sim.url, world.key, 'GET', `/v1/payments${query}`);
const ids = (res: { body: Json }) => (res.body.data as Json[]).map((p) => p.id);
const idx = (...n: number[]) => n.map((i) => world.ids[i]);

describe('GET /v1/payments', () => {
  it('lists payouts newest first as PaymentSummaryV1 with PagedResponseMetadata', async () => {
    const res = await search();
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('array');
    expect(ids(res)).toEqual(idx(4, 3, 2, 1, 0));
    expect(res.body.meta).toEqual({
      api_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      api_request_timestamp: expect.any(String),
      page_number: 1,
      page_size: 100,
      max_page_size: 1000,
      total_items: 5,
      total_pages: 1,
      sort_by: 'created_at',
      sort_order: 'desc',
    });
    const paid = (res.body.data as Json[])[4] as Json;
    expect(paid).toMatchObject({
      id: world.ids[0],
      payment_type: 'payout',
      amount: 100,
      currency: 'USD',
      status: 'paid',
      paykey: `****${world.token.slice(-4)}`,
      external_id: 'search-0',
    });
    expect(paid.funding_id).toBe(paid.funding_ids[0]);
    expect(paid).not.toHaveProperty('metadata');
    expect(paid).not.toHaveProperty('status_history');
  });

  it('pages by page_number and page_size; a page past the end is empty', async () => {
    const pages = [];
    for (const n of [1, 2, 3]) pages.push(await search(`?page_size=2&page_number=${n}`));
    expect(pages.map(ids)).toEqual([idx(4, 3), idx(2, 1), idx(0)]);
    expect(pages[2]?.body.meta).toMatchObject({
      page_number: 3,
      page_size: 2,
      total_items: 5,
      total_pages: 3,
    });
    const beyond = await search('?page_size=2&page_number=4');
    expect(beyond.body.data).toEqual([]);
    expect((await search('?page_size=1000')).status).toBe(200);
  });

  it.each([
    ['?page_size=0', 'page_size'],
    ['?page_size=1001', 'page_size'],
    ['?page_number=0', 'page_number'],
    ['?page_size=ten', 'page_size'],
    ['?sort_by=status', 'sort_by'],
    ['?sort_order=up', 'sort_order'],
    ['?payment_status=lost', 'payment_status'],
    ['?customer_id=not-a-uuid', 'customer_id'],
    ['?min_created_at=yesterday', 'min_created_at'],
    ['?include_metadata=yes', 'include_metadata'],
  ])('refuses %s with a 400 naming the parameter', async (query, reference) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.body.error.items).toEqual([{ reference, detail: expect.any(String) }]);
  });

  it('sorts by amount, payment_date or id, either way', async () => {
    expect(ids(await search('?sort_by=amount&sort_order=asc'))).toEqual(idx(0, 3, 2, 4, 1));
    expect(ids(await search('?sort_by=amount'))).toEqual(idx(1, 4, 2, 3, 0));
    expect(ids(await search('?sort_order=asc'))).toEqual(idx(0, 1, 2, 3, 4));
    const byId = ids(await search('?sort_by=id&sort_order=asc'));
    expect(byId).toEqual([...world.ids].sort());
    expect((await search('?sort_by=payment_date')).body.meta.sort_by).toBe('payment_date');
  });

  it('filters by status, type, external_id, customer, paykey, amounts and created_at', async () => {
    expect(ids(await search('?payment_status=paid'))).toEqual(idx(0));
    expect(ids(await search('?payment_status=on_hold&payment_status=paid'))).toEqual(idx(1, 0));
    expect(ids(await search('?payment_status[]=created,scheduled'))).toEqual(idx(4, 3, 2));
    expect(ids(await search('?payment_type=payout')).length).toBe(5);
    expect(ids(await search('?payment_type=charge'))).toEqual([]);
    expect(ids(await search('?external_id=search-3'))).toEqual(idx(3));
    expect(ids(await search('?external_id=nope'))).toEqual([]);
    expect(ids(await search(`?customer_id=${world.customers[1]}`))).toEqual(idx(3, 1));
    expect(ids(await search(`?paykey_id=${world.paykeys[0]}`))).toEqual(idx(4, 2, 0));
    expect(ids(await search(`?paykey=${world.token}`))).toEqual(idx(4, 2, 0));
    expect(ids(await search('?min_amount=200&max_amount=400'))).toEqual(idx(4, 3, 2));
    const from = new Date(START + 60_000).toISOString();
    const to = new Date(START + 180_000).toISOString();
    expect(ids(await search(`?min_created_at=${from}&max_created_at=${to}`))).toEqual(idx(3, 2, 1));
    expect(ids(await search('?status_reason=user_request&status_source=user_action'))).toEqual(idx(1));
    expect(ids(await search('?search_text=bonus'))).toEqual(idx(3));
    const date = easternDateOf(START);
    expect(ids(await search(`?min_payment_date=${addDays(date, 1)}`))).toEqual([]);
    expect(ids(await search(`?payment_id=${world.ids[2]}`))).toEqual(idx(2));
  });

  it('includes metadata only with include_metadata=true', async () => {
    const res = await search('?include_metadata=true&external_id=search-2');
    expect(res.body.data[0].metadata).toEqual({ n: '2' });
    const without = await search('?include_metadata=false&external_id=search-2');
    expect(without.body.data[0]).not.toHaveProperty('metadata');
  });

  it('shows an account only its own payouts', async () => {
    const other = await straddleCall(sim.url, newStraddleKey(), 'GET', '/v1/payments');
    expect(other.body.data).toEqual([]);
    expect(other.body.meta).toMatchObject({ total_items: 0, total_pages: 0 });
  });
});
