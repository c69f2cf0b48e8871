// The CasaPay simulator's lifecycle machinery: test helpers, idempotency, fault injection, and
// signed webhooks verified with the real stripe package.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, type CasaPayList } from '../helpers/casapay-client.ts';
import {
  startCasaPaySimulator,
  type CasaPayEvent,
  type CasaPayPayout,
  type CasaPaySimulator,
} from '../../src/sandbox/casapay/index.ts';

let sim: CasaPaySimulator;
beforeAll(async () => {
  sim = await startCasaPaySimulator();
});
afterAll(() => sim.close());

const client = () => new SandboxClient(sim.url);
const advance = (api: SandboxClient, id: string) =>
  api.post<CasaPayPayout>(`/v1/test_helpers/payouts/${id}/advance`);
const fail = (api: SandboxClient, id: string, body?: unknown) =>
  api.post<CasaPayPayout>(`/v1/test_helpers/payouts/${id}/fail`, body);

describe('test helpers', () => {
  it('advances pending → in_transit → paid, one step per call', async () => {
    const api = client();
    const payout = await api.createPayout();
    const first = await advance(api, payout.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'in_transit', reconciliation_status: 'not_applicable' });
    const second = await advance(api, payout.id);
    expect(second.body).toMatchObject({ status: 'paid', reconciliation_status: 'completed' });
    const third = await advance(api, payout.id);
    expect(third.status).toBe(400);
    expect(third.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'payout_not_advanceable',
        message: 'Only pending and in_transit payouts can be advanced. This payout is paid.',
      },
    });
    expect((await api.get<CasaPayPayout>(`/v1/payouts/${payout.id}`)).body.status).toBe('paid');
    expect((await advance(api, 'po_nope')).status).toBe(404);
  });

  it('fails a paid payout and credits the balance back', async () => {
    const api = client();
    const payout = await api.createPayout({ amount: 7_000 });
    await advance(api, payout.id);
    await advance(api, payout.id);
    expect(await api.available('gbp')).toBe(1_193_000);
    const res = await fail(api, payout.id, { failure_code: 'account_closed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      failure_code: 'account_closed',
      failure_message: 'The bank account has been closed.',
    });
    expect(res.body.failure_balance_transaction).toMatch(/^txn_/);
    expect(await api.available('gbp')).toBe(1_200_000);

    const again = await fail(api, payout.id);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      error: { type: 'invalid_request_error', code: 'payout_not_failable' },
    });
    expect((await advance(api, payout.id)).status).toBe(400);
    expect(await api.available('gbp')).toBe(1_200_000);
  });

  it('fails pending and in-transit payouts, defaulting to could_not_process', async () => {
    const api = client();
    const pending = await api.createPayout({ amount: 100 });
    const inTransit = await api.createPayout({ amount: 200 });
    await advance(api, inTransit.id);
    const a = await fail(api, pending.id);
    expect(a.body).toMatchObject({
      status: 'failed',
      failure_code: 'could_not_process',
      failure_message: 'The bank could not process this payout.',
    });
    const b = await fail(api, inTransit.id, { failure_code: 'no_account' });
    expect(b.body).toMatchObject({ status: 'failed', failure_code: 'no_account' });
    expect(await api.available('gbp')).toBe(1_200_000);
  });

  it('rejects an unknown failure code and a canceled payout', async () => {
    const api = client();
    const payout = await api.createPayout();
    const res = await fail(api, payout.id, { failure_code: 'gremlins' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'failure_code' } });
    expect((await api.get<CasaPayPayout>(`/v1/payouts/${payout.id}`)).body.status).toBe('pending');
    await api.post(`/v1/payouts/${payout.id}/cancel`);
    const canceled = await fail(api, payout.id);
    expect(canceled.body).toMatchObject({ error: { code: 'payout_not_failable' } });
    expect(await api.available('gbp')).toBe(1_200_000);
  });
});

describe('idempotency', () => {
  const create = async (api: SandboxClient, key: string, amount = 1000) => {
    const destination = (await api.seededAccount('gbp')).id;
    return api.post<CasaPayPayout>(
      '/v1/payouts',
      { amount, currency: 'gbp', destination },
      { 'Idempotency-Key': key },
    );
  };
  const count = async (api: SandboxClient) =>
    (await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts')).body.data.length;

  it('replays the stored response for the same key and request', async () => {
    const api = client();
    const first = await create(api, 'key-1');
    const second = await create(api, 'key-1');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await count(api)).toBe(1);
    expect(await api.available('gbp')).toBe(1_199_000);

    // A replay is the response as first sent, even after the payout moved on.
    await advance(api, first.body.id);
    expect((await create(api, 'key-1')).body.status).toBe('pending');
  });

  it('refuses a key reused with a different body or path', async () => {
    const api = client();
    await create(api, 'key-2');
    const expected = {
      error: {
        type: 'idempotency_error',
        message:
          "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'key-2' if you meant to execute a different request.",
      },
    };
    const otherBody = await create(api, 'key-2', 2000);
    expect(otherBody.status).toBe(400);
    expect(otherBody.body).toEqual(expected);
    const otherPath = await api.post('/v1/bank_accounts', {}, { 'Idempotency-Key': 'key-2' });
    expect(otherPath.status).toBe(400);
    expect(otherPath.body).toEqual(expected);
    expect(await count(api)).toBe(1);
  });

  it('scopes keys to the account', async () => {
    const a = client();
    const b = client();
    const fromA = await create(a, 'shared-key');
    const fromB = await create(b, 'shared-key');
    expect(fromB.headers.get('idempotent-replayed')).toBeNull();
    expect(fromB.body.id).not.toBe(fromA.body.id);
    expect(await count(b)).toBe(1);
  });

  it('does not store parameter validation failures, but stores business refusals', async () => {
    const api = client();
    const invalid = await create(api, 'key-3', 0);
    expect(invalid.status).toBe(400);
    const fixed = await create(api, 'key-3', 1000);
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();

    const big = await api.createPayout({ amount: 1_199_000 });
    const refused = await create(api, 'key-4', 5000);
    expect(refused.body).toMatchObject({ error: { code: 'balance_insufficient' } });
    await api.post(`/v1/payouts/${big.id}/cancel`);
    const replayed = await create(api, 'key-4', 5000);
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(refused.body);
    expect((await create(api, 'key-5', 5000)).status).toBe(200);
  });

  it('replays a cancel instead of refusing it the second time', async () => {
    const api = client();
    const payout = await api.createPayout();
    const headers = { 'Idempotency-Key': 'cancel-1' };
    const first = await api.post<CasaPayPayout>(`/v1/payouts/${payout.id}/cancel`, undefined, headers);
    const second = await api.post<CasaPayPayout>(`/v1/payouts/${payout.id}/cancel`, undefined, headers);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await api.available('gbp')).toBe(1_200_000);
  });

  it('rejects keys longer than 255 characters', async () => {
    const api = client();
    const res = await create(api, 'k'.repeat(256));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(await count(api)).toBe(0);
  });
});

describe('fault injection', () => {
  let faulty: CasaPaySimulator;
  beforeAll(async () => {
    faulty = await startCasaPaySimulator();
  });
  afterAll(() => faulty.close());

  it('answers an injected 5xx without executing, for matching requests only', async () => {
    const api = new SandboxClient(faulty.url);
    const destination = (await api.seededAccount('gbp')).id;
    faulty.injectFault({ method: 'POST', pathPrefix: '/v1/payouts', status: 503, count: 1 });
    expect((await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts')).status).toBe(200);
    const headers = { 'Idempotency-Key': 'after-outage' };
    const body = { amount: 1000, currency: 'gbp', destination };
    const broken = await api.post('/v1/payouts', body, headers);
    expect(broken.status).toBe(503);
    expect(broken.body).toMatchObject({ error: { type: 'api_error' } });
    expect(broken.body.error.message).toEqual(expect.any(String));
    expect(faulty.requests.at(-1)).toEqual({ method: 'POST', path: '/v1/payouts', query: '', status: 503 });
    expect(await api.available('gbp')).toBe(1_200_000);

    // The failed attempt stored nothing, so the retry with the same key executes once.
    const retried = await api.post<CasaPayPayout>('/v1/payouts', body, headers);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await api.available('gbp')).toBe(1_199_000);
  });

  it('answers 429 with the rate_limit body for `count` requests', async () => {
    const api = new SandboxClient(faulty.url);
    faulty.injectFault({ status: 429, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api.get('/v1/balance');
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
      expect(res.body.error.message).toMatch(/^Too many requests hit the API too quickly/);
    }
    expect((await api.get('/v1/balance')).status).toBe(200);
  });

  it('delays a response but still executes the request', async () => {
    const api = new SandboxClient(faulty.url);
    const destination = (await api.seededAccount('gbp')).id;
    faulty.injectFault({ pathPrefix: '/v1/payouts', delayMs: 300, count: 1 });
    const started = performance.now();
    const res = await api.post<CasaPayPayout>('/v1/payouts', { amount: 500, currency: 'gbp', destination });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect((await api.get<CasaPayPayout>(`/v1/payouts/${res.body.id}`)).body.status).toBe('pending');
  });
});

interface Delivery {
  body: string;
  signature: string | undefined;
}

async function startReceiver(gate: Promise<void>) {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signature = req.headers['casapay-signature'];
      deliveries.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: signature as string | undefined,
      });
      void gate.then(() => res.writeHead(200).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/casapay`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhooks', () => {
  it('delivers signed events in order without holding up the API', async () => {
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    let release!: () => void;
    const receiver = await startReceiver(new Promise<void>((resolve) => (release = resolve)));
    const hooked = await startCasaPaySimulator({ webhook: { url: receiver.url, secret } });
    try {
      const api = new SandboxClient(hooked.url);
      const destination = (await api.seededAccount('gbp')).id;
      const created = await api.post<CasaPayPayout>(
        '/v1/payouts',
        { amount: 1000, currency: 'gbp', destination },
        { 'Idempotency-Key': 'evt-key' },
      );
      const a = created.body;
      await advance(api, a.id);
      await advance(api, a.id);
      const b = await api.createPayout({ amount: 2000 });
      await fail(api, b.id, { failure_code: 'account_closed' });
      const c = await api.createPayout({ amount: 3000 });
      await api.post(`/v1/payouts/${c.id}/cancel`);
      // Every call above returned while the receiver still holds the first delivery open.
      expect(receiver.deliveries.length).toBeLessThanOrEqual(1);

      release();
      await hooked.idle();
      const stripe = new Stripe('sk_test_x');
      const events = receiver.deliveries.map((d) => {
        expect(d.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        return stripe.webhooks.constructEvent(d.body, d.signature ?? '', secret) as unknown as CasaPayEvent;
      });
      expect(events.map((e) => [e.type, e.data.object.id, e.data.object.status])).toEqual([
        ['payout.created', a.id, 'pending'],
        ['payout.updated', a.id, 'in_transit'],
        ['payout.updated', a.id, 'paid'],
        ['payout.paid', a.id, 'paid'],
        ['payout.created', b.id, 'pending'],
        ['payout.failed', b.id, 'failed'],
        ['payout.created', c.id, 'pending'],
        ['payout.canceled', c.id, 'canceled'],
      ]);
      const [first, second] = events;
      expect(first).toMatchObject({
        object: 'event',
        api_version: '2024-06-20',
        livemode: false,
        pending_webhooks: 1,
        data: { object: a },
        request: { idempotency_key: 'evt-key' },
      });
      expect(first?.id).toMatch(/^evt_/);
      expect(first?.request.id).toBe(created.headers.get('request-id'));
      expect(second?.data.previous_attributes).toEqual({ status: 'pending' });
      expect(events[5]?.data.object).toMatchObject({ failure_code: 'account_closed' });
      expect(new Set(events.map((e) => e.id)).size).toBe(8);

      const delivery = receiver.deliveries[0]!;
      expect(() =>
        stripe.webhooks.constructEvent(delivery.body, delivery.signature!, 'whsec_wrong'),
      ).toThrow();
      const tampered = delivery.body.replace('"amount":1000', '"amount":9000');
      expect(tampered).not.toBe(delivery.body);
      expect(() => stripe.webhooks.constructEvent(tampered, delivery.signature!, secret)).toThrow();

      // No target, no deliveries; a new target gets later events under its own secret.
      hooked.setWebhook(null);
      await api.createPayout();
      await hooked.idle();
      expect(receiver.deliveries).toHaveLength(8);
      const rotated = `whsec_${randomBytes(16).toString('hex')}`;
      hooked.setWebhook({ url: receiver.url, secret: rotated });
      const d = await api.createPayout();
      await hooked.idle();
      expect(receiver.deliveries).toHaveLength(9);
      const last = receiver.deliveries[8]!;
      const event = stripe.webhooks.constructEvent(
        last.body,
        last.signature!,
        rotated,
      ) as unknown as CasaPayEvent;
      expect(event).toMatchObject({ type: 'payout.created', data: { object: { id: d.id } } });
    } finally {
      await hooked.close();
      await receiver.close();
    }
  });
});
