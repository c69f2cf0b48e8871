// The sandbox-only `X-Sandbox-Outcome` header on payout create, over real HTTP against the CasaPay,
// Mollie and Token.io simulators: each supported outcome reached through the advance test helper
// (final status, code, balance and webhooks in the provider's own shapes), each unsupported value
// refused in the provider's error shape with nothing created, idempotency keys that tell outcomes
// apart, and no header meaning the usual happy path.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, type CasaPayList } from '../helpers/casapay-client.ts';
import { newTokenioKey, tokenioCall } from '../helpers/tokenio-spec.ts';
import {
  startCasaPaySimulator,
  type CasaPayPayout,
  type CasaPaySimulator,
} from '../../src/sandbox/casapay/index.ts';
import { startMollieSimulator, type MollieSimulator } from '../../src/sandbox/mollie/index.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HEADER = 'X-Sandbox-Outcome';
/** The outcome header when given, and an Idempotency-Key when given. */
const headers = (value?: string, key?: string): Record<string, string> => ({
  ...(value === undefined ? {} : { [HEADER]: value }),
  ...(key === undefined ? {} : { 'Idempotency-Key': key }),
});

// Every webhook either simulator sends, in arrival order (deliveries are serial per simulator).
const received: Json[] = [];
let receiver: Server;
let casapay: CasaPaySimulator;
let mollie: MollieSimulator;
let tokenio: TokenioSimulator;
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as Json);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhook = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: 'whsec' };
  [casapay, mollie, tokenio] = await Promise.all([
    startCasaPaySimulator({ webhook }),
    startMollieSimulator({ webhook }),
    startTokenioSimulator(),
  ]);
});
afterAll(async () => {
  await Promise.all([casapay.close(), mollie.close(), tokenio.close()]);
  await new Promise((resolve) => receiver.close(resolve));
});

describe('CasaPay: X-Sandbox-Outcome on POST /v1/payouts', () => {
  const advance = (api: SandboxClient, id: string) =>
    api.post<CasaPayPayout>(`/v1/test_helpers/payouts/${id}/advance`);
  const create = async (api: SandboxClient, value?: string, key?: string) => {
    const destination = (await api.seededAccount('gbp')).id;
    const body = { amount: 2_500, currency: 'gbp', destination };
    return api.post<Json>('/v1/payouts', body, headers(value, key));
  };

  // The events each advance sends, after the payout.created of the create itself.
  const EVENTS: Record<string, string[]> = {
    in_transit: ['payout.updated'],
    paid: ['payout.updated', 'payout.paid'],
    canceled: ['payout.canceled'],
    failed: ['payout.failed'],
  };

  it.each([
    [undefined, ['in_transit', 'paid'], null],
    ['paid', ['in_transit', 'paid'], null],
    ['canceled', ['canceled'], null],
    ['failed_insufficient_funds', ['in_transit', 'failed'], 'insufficient_funds'],
    ['failed_closed_account', ['in_transit', 'failed'], 'account_closed'],
  ])('%s: advances through %j (failure_code %s)', async (value, steps, code) => {
    const api = new SandboxClient(casapay.url);
    const before = await api.available('gbp');
    const created = await create(api, value);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: 'pending', failure_code: null });
    expect(created.body).not.toHaveProperty('outcome');
    for (const status of steps) {
      const res = await advance(api, created.body.id as string);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const final = (await api.get<CasaPayPayout>(`/v1/payouts/${created.body.id}`)).body;
    expect(final.status).toBe(steps.at(-1));
    expect(final.failure_code).toBe(code);
    if (code) expect(final.failure_message).toEqual(expect.any(String));
    // Canceled and failed payouts give the money back, through a failure balance transaction.
    const paid = final.status === 'paid';
    expect(await api.available('gbp')).toBe(paid ? (before ?? 0) - 2_500 : before);
    expect(final.failure_balance_transaction === null).toBe(paid);
    // A finished payout answers as it always did.
    const again = await advance(api, final.id);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { code: 'payout_not_advanceable' } });
    await casapay.idle();
    const types = received.filter((e) => e.data?.object?.id === final.id).map((e) => e.type as string);
    expect(types).toEqual(['payout.created', ...steps.flatMap((step) => EVENTS[step] ?? [])]);
  });

  it.each(['on_hold', 'reversed', 'PAID', 'bogus'])(
    'refuses %s with a param error, creating nothing',
    async (value) => {
      const api = new SandboxClient(casapay.url);
      const before = await api.available('gbp');
      const res = await create(api, value, `key-${value}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining(`'${value}'`),
          param: HEADER,
        },
      });
      expect((await api.get<CasaPayList<CasaPayPayout>>('/v1/payouts')).body.data).toEqual([]);
      expect(await api.available('gbp')).toBe(before);
      // A parameter error is not kept under the key: the corrected retry executes.
      expect((await create(api, 'paid', `key-${value}`)).status).toBe(200);
    },
  );

  it('keeps the outcome in the idempotency fingerprint', async () => {
    const api = new SandboxClient(casapay.url);
    const first = await create(api, 'canceled', 'same-key');
    const replay = await create(api, 'canceled', 'same-key');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    for (const other of ['paid', undefined]) {
      const res = await create(api, other, 'same-key');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { type: 'idempotency_error' } });
    }
  });
});

describe('Mollie: X-Sandbox-Outcome on POST /v2/payouts', () => {
  const newKey = () => `test_${randomBytes(15).toString('hex')}`;
  async function call(key: string, method: string, path: string, body?: unknown, extra = {}) {
    const res = await fetch(`${mollie.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }
  const eurBalance = async (key: string) => {
    const token = key.replace(/^test_/, 'access_');
    const res = await call(token, 'GET', '/v2/balances?testmode=true');
    return (res.body._embedded.balances as Json[]).find((b) => b.currency === 'EUR') as Json;
  };
  const create = (key: string, balanceId: string, value?: string, idempotencyKey?: string) => {
    const body = { balanceId, amount: { currency: 'EUR', value: '25.00' } };
    return call(key, 'POST', '/v2/payouts', body, headers(value, idempotencyKey));
  };

  it.each([
    [undefined, ['initiated', 'processing-at-bank', 'completed'], 'completed'],
    ['paid', ['initiated', 'processing-at-bank', 'completed'], 'completed'],
    ['canceled', ['canceled'], 'canceled'],
    ['failed_insufficient_funds', ['initiated', 'failed'], 'insufficient_funds'],
    ['failed_closed_account', ['initiated', 'failed'], 'returned'],
  ])('%s: advances through %j (statusReason %s)', async (value, steps, reason) => {
    const key = newKey();
    const balance = await eurBalance(key);
    const created = await create(key, balance.id as string, value);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'requested', statusReason: { code: 'requested' } });
    expect(created.body).not.toHaveProperty('sandboxOutcome');
    const id = created.body.id as string;
    for (const status of steps) {
      const res = await call(key, 'POST', `/v2/test-helpers/payouts/${id}/advance`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const final = (await call(key, 'GET', `/v2/payouts/${id}`)).body;
    expect(final).toMatchObject({ status: steps.at(-1), statusReason: { code: reason } });
    expect(final.canceledAt === null).toBe(reason !== 'canceled');
    // Only a completed payout keeps the money; a failure credits back what initiation debited.
    const expected = reason === 'completed' ? '2475.00' : '2500.00';
    expect((await eurBalance(key)).availableAmount).toEqual({ currency: 'EUR', value: expected });
    expect((await call(key, 'POST', `/v2/test-helpers/payouts/${id}/advance`)).status).toBe(409);
    await mollie.idle();
    const types = received.filter((e) => e.entityId === id).map((e) => e.type as string);
    expect(types).toEqual(steps.map((s) => `payout.${s}`));
    expect(received.find((e) => e.entityId === id && e.type === `payout.${steps.at(-1)}`)).toMatchObject({
      _embedded: { entity: { statusReason: { code: reason } } },
    });
  });

  it.each(['on_hold', 'reversed', 'Canceled', 'bogus'])(
    'refuses %s with a 422, creating nothing',
    async (value) => {
      const key = newKey();
      const balance = await eurBalance(key);
      const res = await create(key, balance.id as string, value, `key-${value}`);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        status: 422,
        title: 'Unprocessable Entity',
        detail: expect.stringContaining(`'${value}'`),
        field: HEADER,
        _links: { documentation: { href: expect.any(String), type: 'text/html' } },
      });
      expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(0);
      expect((await create(key, balance.id as string, 'paid', `key-${value}`)).status).toBe(201);
    },
  );

  it('keeps the outcome in the idempotency fingerprint', async () => {
    const key = newKey();
    const balanceId = (await eurBalance(key)).id as string;
    const first = await create(key, balanceId, 'failed_closed_account', 'same-key');
    expect((await create(key, balanceId, 'failed_closed_account', 'same-key')).body.id).toBe(first.body.id);
    for (const other of ['paid', undefined]) {
      const res = await create(key, balanceId, other, 'same-key');
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/idempotency key 'same-key'/);
    }
  });
});

describe('Token.io: X-Sandbox-Outcome on POST /payouts', () => {
  const newKey = () => newTokenioKey();
  const call = (
    key: string,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) => tokenioCall(tokenio.url, key, method, path, body, extra);
  const gbpAccount = async (key: string) =>
    ((await call(key, 'GET', '/virtual-accounts')).body.virtualAccount as Json[]).find(
      (v) => v.currency === 'GBP',
    ) as Json;
  const create = (key: string, accountId: string, value?: string) => {
    const initiation = {
      refId: `ref-${randomBytes(6).toString('hex')}`,
      description: 'Invoice 2025-001',
      amount: { value: '25.00', currency: 'GBP' },
      debtor: { accountId },
      creditor: { name: 'Jane Doe', sortCode: '040004', accountNumber: '12345678' },
    };
    return call(key, 'POST', '/payouts', { initiation }, headers(value));
  };

  it.each([
    [undefined, 'INITIATION_COMPLETED', 'ACSC', /settled/],
    ['paid', 'INITIATION_COMPLETED', 'ACSC', /settled/],
    ['failed_insufficient_funds', 'INITIATION_REJECTED', 'RJCT', /^AM04: /],
    ['failed_closed_account', 'INITIATION_REJECTED', 'RJCT', /^AC04: /],
  ])('%s: PENDING → PROCESSING → %s (%s)', async (value, status, bank, reason) => {
    const key = newKey();
    const account = (await gbpAccount(key)).accountId as string;
    const created = await create(key, account, value);
    expect(created.status).toBe(200);
    expect(created.body.payout.status).toBe('INITIATION_PENDING');
    expect(created.body.payout).not.toHaveProperty('sandboxOutcome');
    const id = created.body.payout.id as string;
    const path = `/test-helpers/payouts/${id}/advance`;
    const first = await call(key, 'POST', path);
    expect(first.body.payout).toMatchObject({ status: 'INITIATION_PROCESSING', bankPaymentStatus: 'ACSP' });
    await call(key, 'POST', path);
    const final = (await call(key, 'GET', `/payouts/${id}`)).body.payout as Json;
    expect(final).toMatchObject({ status, bankPaymentStatus: bank });
    expect(final.statusReasonInformation).toMatch(reason);
    // A rejection hands the held amount back; a completed payout has left every balance.
    const after = await gbpAccount(key);
    expect(after.availableBalance).toBe(status === 'INITIATION_COMPLETED' ? '9975.00' : '10000.00');
    expect(after.bookedBalance).toBe(status === 'INITIATION_COMPLETED' ? '10225.00' : '10250.00');
    const again = await call(key, 'POST', path);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/a final status/);
  });

  it.each(['canceled', 'on_hold', 'reversed', 'bogus'])(
    'refuses %s with INVALID_ARGUMENT, creating nothing',
    async (value) => {
      const key = newKey();
      const account = (await gbpAccount(key)).accountId as string;
      const res = await create(key, account, value);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          errorCode: 'INVALID_ARGUMENT',
          message: expect.stringContaining(`'${value}'`),
          tokenTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      });
      expect((await call(key, 'GET', '/payouts?limit=10')).body.payouts).toEqual([]);
      expect((await gbpAccount(key)).availableBalance).toBe('10000.00');
    },
  );
});
