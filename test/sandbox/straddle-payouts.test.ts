// Payout creation against the Straddle simulator: the full PayoutV1 of a happy create, masked and
// unmasked reads, every validation rule (400 with per-field items) and business rule (422), the
// US Eastern payment_date, the Idempotency-Key rules, and updates. Every body is checked against
// Straddle's spec extract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  easternDateOf,
  linkedPaykey,
  newIdempotencyKey,
  newStraddleKey,
  payoutBody,
  straddleCall,
  type Reply,
} from '../helpers/straddle-spec.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// 10:00 in New York.
let clock = Date.parse('2025-03-03T15:00:00.000Z');
let sim: StraddleSimulator;
beforeAll(async () => {
  sim = await startStraddleSimulator({ now: () => clock });
});
afterAll(() => sim.close());

const call = (key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  straddleCall(sim.url, key, method, path, body, headers);
const today = () => easternDateOf(clock);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const at = () => new Date(clock).toISOString();

async function fixture() {
  const key = newStraddleKey();
  return { key, ...(await linkedPaykey(sim.url, key)) };
}

const create = (key: string, body: Json, idem?: string) =>
  call(key, 'POST', '/v1/payouts', body, idem ? { 'idempotency-key': idem } : {});

const references = (res: Reply) => (res.body.error.items as Json[]).map((i) => i.reference);

function expect422(res: Reply, reference: string | null, detail: RegExp) {
  expect(res.status).toBe(422);
  expect(res.body.error).toMatchObject({
    status: 422,
    type: '/validation_error',
    title: 'Validation Failed',
  });
  expect(res.body.error.detail).toMatch(detail);
  expect(res.body.error.items).toEqual(
    reference === null ? null : [{ reference, detail: res.body.error.detail }],
  );
}

const countPayouts = async (key: string) => (await call(key, 'GET', '/v1/payments')).body.meta.total_items;

describe('create', () => {
  it('creates a payout with every PayoutV1 field, masked in reads and whole in /unmask', async () => {
    const f = await fixture();
    const body = payoutBody(f.token, today(), {
      external_id: 'inv-1001',
      metadata: { order: '1001' },
      config: { sandbox_outcome: 'standard' },
    });
    const res = await create(f.key, body);
    expect(res.status).toBe(201);
    const masked = `****${f.token.slice(-4)}`;
    const created = {
      changed_at: at(),
      message: expect.any(String),
      reason: 'ok',
      source: 'system',
      code: null,
    };
    const payout = {
      id: expect.stringMatching(UUID),
      amount: 10_000,
      currency: 'USD',
      description: 'Vendor invoice payment',
      payment_date: today(),
      external_id: 'inv-1001',
      status: 'created',
      status_details: created,
      payment_rail: 'ach',
      customer_details: {
        id: f.customer.id,
        name: 'Ron Swanson',
        email: f.customer.email,
        phone: '+12128675309',
        customer_type: 'individual',
      },
      paykey_details: { id: f.paykey.id, customer_id: f.customer.id, label: 'JPMorgan Chase ****6789' },
      created_at: at(),
      updated_at: at(),
      effective_at: null,
      funding_ids: [],
      related_payments: {},
      paykey: masked,
      device: { ip_address: '192.168.1.1' },
      config: { auto_hold: false, sandbox_outcome: 'standard' },
      status_history: [{ status: 'created', ...created }],
      processed_at: null,
      metadata: { order: '1001' },
      trace_ids: {},
    };
    expect(res.body).toEqual({
      data: payout,
      meta: { api_request_id: expect.stringMatching(UUID), api_request_timestamp: at() },
      response_type: 'object',
    });
    const id = res.body.data.id as string;
    expect((await call(f.key, 'GET', `/v1/payouts/${id}`)).body.data).toEqual(res.body.data);
    const unmasked = await call(f.key, 'GET', `/v1/payouts/${id}/unmask`);
    expect(unmasked.body.data).toEqual({ ...res.body.data, paykey: f.token });
  });

  it('takes a null description and 20 metadata pairs; defaults config', async () => {
    const f = await fixture();
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    const res = await create(f.key, payoutBody(f.token, today(), { description: null, metadata }));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      description: null,
      metadata,
      config: { sandbox_outcome: 'standard' },
    });
  });

  it('refuses every malformed field in one 400 with an item per field', async () => {
    const f = await fixture();
    const res = await create(f.key, {
      paykey: f.token,
      amount: 12.5,
      currency: 'EUR',
      payment_date: '2025-02-30',
      device: { ip_address: 'localhost' },
      config: { sandbox_outcome: 'lost_in_the_mail', auto_hold: 'yes' },
      colour: 'blue',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, type: '/field_validation', title: 'Bad Request' });
    expect(references(res)).toEqual([
      'colour',
      'amount',
      'currency',
      'description',
      'payment_date',
      'device.ip_address',
      'external_id',
      'config.auto_hold',
      'config.sandbox_outcome',
    ]);
    expect(res.body.error.items[2].detail).toBe(
      "'currency' must be USD (the only currency Straddle supports), not 'EUR'.",
    );
    expect(await countPayouts(f.key)).toBe(0);
  });

  it.each([
    ['a zero amount', { amount: 0 }, 'amount', /greater than 0/],
    ['a negative amount', { amount: -5 }, 'amount', /greater than 0/],
    ['an amount beyond int32', { amount: 2_147_483_648 }, 'amount', /at most/],
    ['lower-case usd', { currency: 'usd' }, 'currency', /must be USD/],
    [
      '21 metadata pairs',
      { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
      /at most 20/,
    ],
    ['a non-string metadata value', { metadata: { n: 1 } }, 'metadata', /must be a string/],
    ['a missing device', { device: undefined }, 'device', /required/],
  ])('refuses %s (400)', async (_name, over, reference, detail) => {
    const f = await fixture();
    const res = await create(f.key, payoutBody(f.token, today(), over));
    expect(res.status).toBe(400);
    expect(res.body.error.items).toEqual([{ reference, detail: expect.stringMatching(detail) }]);
  });

  it('refuses a payment_date before today in US Eastern time (422), not by the UTC date', async () => {
    const f = await fixture();
    expect422(await create(f.key, payoutBody(f.token, addDays(today(), -1))), 'payment_date', /in the past/);
    // 02:00 UTC on the 4th is still the 3rd in New York: the 3rd is today, not the past.
    clock = Date.parse('2025-03-04T02:00:00.000Z');
    const ok = await create(f.key, payoutBody(f.token, '2025-03-03'));
    expect(ok.status).toBe(201);
    clock = Date.parse('2025-03-03T15:00:00.000Z');
  });

  it('needs the full token of an active paykey of this account (422)', async () => {
    const f = await fixture();
    expect422(await create(f.key, payoutBody(f.paykey.id, today())), 'paykey', /not a paykey token/);
    expect422(
      await create(f.key, payoutBody(`****${f.token.slice(-4)}`, today())),
      'paykey',
      /not a paykey token/,
    );
    expect422(await create(newStraddleKey(), payoutBody(f.token, today())), 'paykey', /not a paykey token/);
    for (const outcome of ['review', 'rejected']) {
      const other = await linkedPaykey(sim.url, f.key, { config: { sandbox_outcome: outcome } });
      expect422(await create(f.key, payoutBody(other.token, today())), 'paykey', new RegExp(`is ${outcome}`));
    }
  });

  it('refuses an external_id another payout of the account has (422)', async () => {
    const f = await fixture();
    expect((await create(f.key, payoutBody(f.token, today(), { external_id: 'dup-1' }))).status).toBe(201);
    const again = await create(f.key, payoutBody(f.token, today(), { external_id: 'dup-1', amount: 5 }));
    expect422(again, 'external_id', /external_id 'dup-1' already exists/);
    // Another account has its own external_id space.
    const g = await fixture();
    expect((await create(g.key, payoutBody(g.token, today(), { external_id: 'dup-1' }))).status).toBe(201);
  });
});

describe('idempotency', () => {
  it('replays the stored answer for the same key and body, however the JSON is written', async () => {
    const f = await fixture();
    const key = newIdempotencyKey();
    const body = payoutBody(f.token, today());
    const first = await create(f.key, body, key);
    clock += 5000;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    const second = await create(f.key, reordered as unknown as Json, key);
    expect(second).toEqual(first);
    expect(await countPayouts(f.key)).toBe(1);
  });

  it('answers 409 for the same key with another body or on another path', async () => {
    const f = await fixture();
    const key = newIdempotencyKey();
    const body = payoutBody(f.token, today());
    expect((await create(f.key, body, key)).status).toBe(201);
    const other = await create(f.key, { ...body, amount: 20_000 }, key);
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ type: '/conflict', title: 'Conflict', items: null });
    expect(other.body.error.detail).toMatch(/already used for a different request/);
    const customer = await call(f.key, 'POST', '/v1/customers', { name: 'x' }, { 'idempotency-key': key });
    expect(customer.status).toBe(409);
    expect(await countPayouts(f.key)).toBe(1);
  });

  it('uses a key up when its request fails validation: resending it, even fixed, is 409', async () => {
    const f = await fixture();
    const key = newIdempotencyKey();
    const body = payoutBody(f.token, today());
    expect((await create(f.key, { ...body, currency: 'EUR' }, key)).status).toBe(400);
    const fixed = await create(f.key, body, key);
    expect(fixed.status).toBe(409);
    expect(fixed.body.error.detail).toMatch(/failed validation/);
    expect((await create(f.key, body, newIdempotencyKey())).status).toBe(201);
  });

  it('stores nothing for a 422 or an injected fault: the same key executes again', async () => {
    const f = await fixture();
    const key = newIdempotencyKey();
    const body = payoutBody(f.token, today());
    expect((await create(f.key, { ...body, payment_date: addDays(today(), -1) }, key)).status).toBe(422);
    sim.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', status: 500, count: 1 });
    expect((await create(f.key, body, key)).status).toBe(500);
    expect((await create(f.key, body, key)).status).toBe(201);
  });

  it('keys must be 10 to 40 characters (400 otherwise, nothing created)', async () => {
    const f = await fixture();
    for (const bad of ['k'.repeat(9), 'k'.repeat(41)]) {
      const res = await create(f.key, payoutBody(f.token, today()), bad);
      expect(res.status).toBe(400);
      expect(res.body.error.items).toEqual([{ reference: 'Idempotency-Key', detail: expect.any(String) }]);
    }
    for (const ok of ['k'.repeat(10), 'k'.repeat(40)]) {
      expect((await create(f.key, payoutBody(f.token, today()), ok)).status).toBe(201);
    }
    expect(await countPayouts(f.key)).toBe(2);
  });

  it('keeps keys per account and replays PUTs without changing the payout again', async () => {
    const f = await fixture();
    const g = await fixture();
    const key = newIdempotencyKey();
    expect((await create(f.key, payoutBody(f.token, today()), key)).status).toBe(201);
    const payout = (await create(g.key, payoutBody(g.token, today()), key)).body.data;
    const hold = { reason: 'Checking the invoice' };
    const holdKey = newIdempotencyKey();
    const first = await call(g.key, 'PUT', `/v1/payouts/${payout.id}/hold`, hold, {
      'idempotency-key': holdKey,
    });
    const again = await call(g.key, 'PUT', `/v1/payouts/${payout.id}/hold`, hold, {
      'idempotency-key': holdKey,
    });
    expect(again).toEqual(first);
    const got = await call(g.key, 'GET', `/v1/payouts/${payout.id}`);
    expect(got.body.data.status_history.map((h: Json) => h.status)).toEqual(['created', 'on_hold']);
  });
});

describe('update', () => {
  const update = (key: string, id: string, body: Json) => call(key, 'PUT', `/v1/payouts/${id}`, body);

  it('changes amount, description, payment_date and metadata while created, scheduled or on_hold', async () => {
    const f = await fixture();
    const payout = (await create(f.key, payoutBody(f.token, today(), { metadata: { a: '1' } }))).body.data;
    clock += 1000;
    const tomorrow = addDays(today(), 1);
    const res = await update(f.key, payout.id, {
      amount: 2500,
      description: 'Corrected',
      payment_date: tomorrow,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      amount: 2500,
      description: 'Corrected',
      payment_date: tomorrow,
      metadata: { a: '1' },
      status: 'created',
      updated_at: at(),
    });
    expect(res.body.data.status_history).toHaveLength(1);
    await call(f.key, 'POST', `/test-helpers/payouts/${payout.id}/advance`);
    const scheduled = await update(f.key, payout.id, {
      amount: 2600,
      description: null,
      payment_date: today(),
      metadata: null,
    });
    expect(scheduled.body.data).toMatchObject({
      status: 'scheduled',
      amount: 2600,
      description: null,
      metadata: null,
    });
    await call(f.key, 'PUT', `/v1/payouts/${payout.id}/hold`, { reason: 'wait' });
    const held = await update(f.key, payout.id, { amount: 2700, description: 'x', payment_date: today() });
    expect(held.body.data).toMatchObject({ status: 'on_hold', amount: 2700 });
  });

  it('is refused once the payout is pending (422 naming the status) and validates its body', async () => {
    const f = await fixture();
    const payout = (await create(f.key, payoutBody(f.token, today()))).body.data;
    const bad = await update(f.key, payout.id, { amount: 100, payment_date: today(), currency: 'USD' });
    expect(bad.status).toBe(400);
    expect(references(bad)).toEqual(['currency', 'description']);
    for (let i = 0; i < 2; i++) await call(f.key, 'POST', `/test-helpers/payouts/${payout.id}/advance`);
    const late = await update(f.key, payout.id, { amount: 100, description: 'x', payment_date: today() });
    expect422(late, null, /^Unable to update a payment once it is Pending\.$/);
    expect((await update(f.key, '8ac3b9a2-7b4e-4c1e-9f51-0e3d2f6b1a90', { amount: 1 })).status).toBe(404);
  });
});
