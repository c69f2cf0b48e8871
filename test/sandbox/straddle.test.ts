// The Straddle simulator over raw HTTP: API-key auth and per-key isolation, the success and error
// envelopes, customers, bank-account paykeys (ABA checksum, institution names, masked, unmasked and
// revealed views, the paged list), unknown routes and injected faults. Every body is checked
// against Straddle's spec extract (test/helpers/straddle-spec.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bankAccountBody,
  customerBody,
  linkedPaykey,
  newStraddleKey,
  straddleCall,
  type Reply,
} from '../helpers/straddle-spec.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let clock = Date.parse('2025-03-03T15:00:00.000Z');
let sim: StraddleSimulator;
beforeAll(async () => {
  sim = await startStraddleSimulator({ now: () => clock });
});
afterAll(() => sim.close());

const call = (
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => straddleCall(sim.url, key, method, path, body, headers);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const at = () => new Date(clock).toISOString();
const meta = () => ({ api_request_id: expect.stringMatching(UUID), api_request_timestamp: at() });

function expectError(res: Reply, status: number, type: string, title: string, detail: string | RegExp) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    response_type: 'error',
    meta: meta(),
    error: {
      status,
      type,
      title,
      detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
      items: null,
    },
  });
}

/** The `reference`s of a 400's items, in order. */
const references = (res: Reply) => (res.body.error.items as Json[]).map((i) => i.reference);

describe('authentication and isolation', () => {
  it('refuses a request without an API key, or with another scheme, with 401 in the envelope', async () => {
    expectError(await call(null, 'GET', '/v1/payments'), 401, '/unauthorized', 'Unauthorized', /No API key/);
    const basic = await call(null, 'GET', '/v1/payments', undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expectError(basic, 401, '/unauthorized', 'Unauthorized', /Bearer/);
    const empty = await call(null, 'GET', '/v1/payments', undefined, { authorization: 'Bearer ' });
    expect(empty.status).toBe(401);
  });

  it('makes any Bearer key its own account: another key sees none of its resources', async () => {
    const a = newStraddleKey();
    const b = newStraddleKey();
    const { customer, paykey } = await linkedPaykey(sim.url, a);
    expect((await call(a, 'GET', `/v1/customers/${customer.id}`)).status).toBe(200);
    expectError(
      await call(b, 'GET', `/v1/customers/${customer.id}`),
      404,
      '/not_found',
      'Not Found',
      `Customer with id '${customer.id}' was not found.`,
    );
    expect((await call(b, 'GET', `/v1/paykeys/${paykey.id}`)).status).toBe(404);
    const list = await call(b, 'GET', '/v1/paykeys');
    expect(list.body.data).toEqual([]);
  });

  it('answers an unknown route with a 404 in the envelope', async () => {
    const res = await call(newStraddleKey(), 'GET', '/v1/charges');
    expectError(res, 404, '/not_found', 'Not Found', 'No route for GET /v1/charges.');
  });
});

describe('customers', () => {
  it('creates a verified customer and reads it back', async () => {
    const key = newStraddleKey();
    const body = customerBody({
      external_id: 'user-42',
      metadata: { plan: 'pro' },
      address: { address1: '1 Main St', city: 'Pawnee', state: 'IN', zip: '47998' },
    });
    const res = await call(key, 'POST', '/v1/customers', body);
    expect(res.status).toBe(201);
    const customer = {
      id: expect.stringMatching(UUID),
      name: 'Ron Swanson',
      type: 'individual',
      email: body.email,
      phone: '+12128675309',
      external_id: 'user-42',
      status: 'verified',
      created_at: at(),
      updated_at: at(),
      address: { address1: '1 Main St', address2: null, city: 'Pawnee', state: 'IN', zip: '47998' },
      device: { ip_address: '192.168.1.1' },
      metadata: { plan: 'pro' },
      config: { sandbox_outcome: 'standard' },
    };
    expect(res.body).toEqual({ data: customer, meta: meta(), response_type: 'object' });
    const got = await call(key, 'GET', `/v1/customers/${res.body.data.id}`);
    expect(got.body.data).toEqual(res.body.data);
  });

  it('sets the status from config.sandbox_outcome', async () => {
    const key = newStraddleKey();
    for (const [outcome, status] of [
      ['verified', 'verified'],
      ['review', 'review'],
      ['rejected', 'rejected'],
    ]) {
      const res = await call(
        key,
        'POST',
        '/v1/customers',
        customerBody({ config: { sandbox_outcome: outcome } }),
      );
      expect(res.body.data.status).toBe(status);
    }
  });

  it('lists every bad field in one 400', async () => {
    const res = await call(newStraddleKey(), 'POST', '/v1/customers', {
      type: 'robot',
      email: 'not-an-email',
      phone: '212-867-5309',
      device: { ip_address: '300.1.1.1' },
      nickname: 'Ron',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 400, type: '/field_validation', title: 'Bad Request' });
    expect(references(res)).toEqual(['nickname', 'name', 'type', 'email', 'phone', 'device.ip_address']);
    expect(res.body.error.items[4].detail).toMatch(/E\.164/);
  });

  it('refuses a second customer with the same email (422)', async () => {
    const key = newStraddleKey();
    const body = customerBody();
    expect((await call(key, 'POST', '/v1/customers', body)).status).toBe(201);
    const again = await call(key, 'POST', '/v1/customers', { ...body, email: body.email.toUpperCase() });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ type: '/validation_error', title: 'Validation Failed' });
    expect(again.body.error.items).toEqual([
      { reference: 'email', detail: expect.stringMatching(/already exists/) },
    ]);
  });
});

describe('bank-account paykeys', () => {
  it('creates an active paykey: full token once, masked account, bank name from the routing number', async () => {
    const key = newStraddleKey();
    const customer = (await call(key, 'POST', '/v1/customers', customerBody())).body.data;
    const res = await call(
      key,
      'POST',
      '/v1/bridge/bank_account',
      bankAccountBody(customer.id, { external_id: 'bank-1', metadata: { a: 'b' } }),
    );
    expect(res.status).toBe(201);
    const paykey = {
      id: expect.stringMatching(UUID),
      paykey: expect.stringMatching(/^[0-9a-f]{8}\.02\.[0-9a-f]{64}$/),
      customer_id: customer.id,
      label: 'JPMorgan Chase ****6789',
      source: 'bank_account',
      institution_name: 'JPMorgan Chase',
      status: 'active',
      status_details: {
        changed_at: at(),
        message: 'Paykey is active.',
        reason: 'ok',
        source: 'system',
        code: null,
      },
      expires_at: null,
      created_at: at(),
      updated_at: at(),
      bank_data: { routing_number: '021000021', account_number: '****6789', account_type: 'checking' },
      metadata: { a: 'b' },
      config: { sandbox_outcome: 'standard' },
      external_id: 'bank-1',
      unblock_eligible: null,
    };
    expect(res.body).toEqual({ data: paykey, meta: meta(), response_type: 'object' });
    const token = res.body.data.paykey as string;
    const id = res.body.data.id as string;

    const got = await call(key, 'GET', `/v1/paykeys/${id}`);
    expect(got.body.data).toEqual({ ...res.body.data, paykey: `****${token.slice(-4)}` });

    const unmasked = await call(key, 'GET', `/v1/paykeys/${id}/unmasked`);
    const { unblock_eligible: _u, ...plain } = res.body.data;
    expect(unmasked.body.data).toEqual({
      ...plain,
      bank_data: { ...paykey.bank_data, account_number: '123456789' },
    });

    const revealed = await call(key, 'GET', `/v1/paykeys/${id}/reveal`);
    expect(revealed.body.data).toEqual(plain);
  });

  it('names banks it knows and calls the rest "Sandbox Bank"', async () => {
    const key = newStraddleKey();
    const customer = (await call(key, 'POST', '/v1/customers', customerBody())).body.data;
    for (const [routing, name] of [
      ['026009593', 'Bank of America'],
      ['121000248', 'Wells Fargo'],
      ['011000015', 'Sandbox Bank'],
    ]) {
      const res = await call(
        key,
        'POST',
        '/v1/bridge/bank_account',
        bankAccountBody(customer.id, { routing_number: routing }),
      );
      expect(res.status).toBe(201);
      expect([res.body.data.institution_name, res.body.data.label]).toEqual([name, `${name} ****6789`]);
    }
  });

  it('refuses a routing number failing the ABA checksum (422) and malformed fields (400)', async () => {
    const key = newStraddleKey();
    const customer = (await call(key, 'POST', '/v1/customers', customerBody())).body.data;
    const checksum = await call(
      key,
      'POST',
      '/v1/bridge/bank_account',
      bankAccountBody(customer.id, { routing_number: '021000022' }),
    );
    expect(checksum.status).toBe(422);
    expect(checksum.body.error.items).toEqual([
      {
        reference: 'routing_number',
        detail: "'021000022' is not a valid ABA routing number (checksum failed).",
      },
    ]);
    const malformed = await call(
      key,
      'POST',
      '/v1/bridge/bank_account',
      bankAccountBody(customer.id, {
        routing_number: '02100002',
        account_number: '12-34',
        account_type: 'brokerage',
      }),
    );
    expect(malformed.status).toBe(400);
    expect(references(malformed)).toEqual(['routing_number', 'account_number', 'account_type']);
  });

  it('needs a customer of the account that is not rejected (422 naming customer_id)', async () => {
    const key = newStraddleKey();
    const unknown = await call(
      key,
      'POST',
      '/v1/bridge/bank_account',
      bankAccountBody('8ac3b9a2-7b4e-4c1e-9f51-0e3d2f6b1a90'),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.items[0].reference).toBe('customer_id');
    const rejected = (
      await call(key, 'POST', '/v1/customers', customerBody({ config: { sandbox_outcome: 'rejected' } }))
    ).body.data;
    const res = await call(key, 'POST', '/v1/bridge/bank_account', bankAccountBody(rejected.id));
    expect(res.status).toBe(422);
    expect(res.body.error.detail).toMatch(/is rejected/);
  });

  it('sets the paykey status from config.sandbox_outcome', async () => {
    const key = newStraddleKey();
    const review = await linkedPaykey(sim.url, key, { config: { sandbox_outcome: 'review' } });
    expect([review.paykey.status, review.paykey.status_details.reason]).toEqual(['review', 'require_review']);
    const rejected = await linkedPaykey(sim.url, key, { config: { sandbox_outcome: 'rejected' } });
    expect(rejected.paykey.status_details).toMatchObject({
      reason: 'failed_verification',
      source: 'watchtower',
    });
    expect(rejected.paykey.status).toBe('rejected');
  });

  it('lists paykeys newest first, paged, filtered by customer and status, tokens masked', async () => {
    const key = newStraddleKey();
    const first = await linkedPaykey(sim.url, key);
    clock += 1000;
    const second = await linkedPaykey(sim.url, key, { config: { sandbox_outcome: 'review' } });
    const all = await call(key, 'GET', '/v1/paykeys?page_size=1');
    expect(all.body.data.map((p: Json) => p.id)).toEqual([second.paykey.id]);
    expect(all.body.meta).toMatchObject({ page_number: 1, page_size: 1, total_items: 2, total_pages: 2 });
    expect(all.body.data[0].paykey).toBe(`****${second.token.slice(-4)}`);
    expect(all.body.data[0]).not.toHaveProperty('metadata');
    const page2 = await call(key, 'GET', '/v1/paykeys?page_size=1&page_number=2');
    expect(page2.body.data.map((p: Json) => p.id)).toEqual([first.paykey.id]);
    const byCustomer = await call(key, 'GET', `/v1/paykeys?customer_id=${first.customer.id}`);
    expect(byCustomer.body.data.map((p: Json) => p.id)).toEqual([first.paykey.id]);
    const review = await call(key, 'GET', '/v1/paykeys?status=review&sort_order=asc');
    expect(review.body.data.map((p: Json) => p.id)).toEqual([second.paykey.id]);
    expect((await call(key, 'GET', '/v1/paykeys?status=gone')).status).toBe(400);
  });
});

describe('faults', () => {
  it('answers an injected error in the envelope without executing, then serves normally', async () => {
    const key = newStraddleKey();
    sim.injectFault({ method: 'POST', pathPrefix: '/v1/customers', status: 503, count: 1 });
    const failed = await call(key, 'POST', '/v1/customers', customerBody());
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({
      status: 503,
      type: '/server_error',
      title: 'Service Unavailable',
    });
    expect((await call(key, 'POST', '/v1/customers', customerBody())).status).toBe(201);

    sim.injectFault({ pathPrefix: '/v1/paykeys', status: 429, count: 2 });
    expect((await call(key, 'GET', '/v1/paykeys')).body.error.type).toBe('/rate_limit');
    expect((await call(key, 'GET', '/v1/paykeys')).status).toBe(429);
    expect((await call(key, 'GET', '/v1/paykeys')).status).toBe(200);
  });

  it('executes a delayed request and answers it late', async () => {
    const key = newStraddleKey();
    sim.injectFault({ method: 'POST', pathPrefix: '/v1/customers', delayMs: 150, count: 1 });
    const started = Date.now();
    const res = await call(key, 'POST', '/v1/customers', customerBody());
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await call(key, 'GET', `/v1/customers/${res.body.data.id}`)).status).toBe(200);
  });

  it('never hits the test helpers', async () => {
    const key = newStraddleKey();
    sim.injectFault({ status: 500, count: 1 });
    const res = await call(key, 'POST', '/test-helpers/payouts/8ac3b9a2-7b4e-4c1e-9f51-0e3d2f6b1a90/advance');
    expect(res.status).toBe(404);
    const hit = await call(key, 'GET', '/v1/paykeys');
    expect(hit.status).toBe(500);
    expect(hit.body.error).toMatchObject({ type: '/server_error', title: 'Server Error' });
  });
});
