// The Mollie simulator over raw HTTP: credentials and modes (API keys vs organisation access
// tokens, `testmode`), per-account isolation, every immediate 422, the lifecycle driven by the test
// helpers, idempotency, list parameter errors, fault injection and signed next-gen webhooks. Key
// sets are checked against the spec (the SDK's schemas are lenient).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidSignatureException, SignatureValidator } from 'mollie-api-typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMollieSimulator, type MollieSimulator } from '../../src/sandbox/mollie/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: MollieSimulator;
beforeAll(async () => {
  sim = await startMollieSimulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => sim.setWebhook(null));

/** A fresh `test_` API key, i.e. a fresh sandbox account. */
const newKey = () => `test_${randomBytes(15).toString('hex')}`;
/** The organisation access token of the same sandbox account: `test_<s>` → `access_<s>`. */
const tokenFor = (key: string) => key.replace(/^test_/, 'access_');

async function call(
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  target: MollieSimulator = sim,
): Promise<{ status: number; body: Json; contentType: string | null }> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Json,
    contentType: res.headers.get('content-type'),
  };
}

/**
 * A GET as the account's organisation access token in test mode (`testmode=true` added to the
 * query), which is how the Balances API must be called: it refuses API keys.
 */
function tokenGet(key: string, path: string, target: MollieSimulator = sim) {
  const url = new URL(path, 'http://sandbox');
  url.searchParams.set('testmode', 'true');
  return call(tokenFor(key), 'GET', `${url.pathname}${url.search}`, undefined, {}, target);
}

async function balances(key: string): Promise<{ eur: Json; gbp: Json }> {
  const list = await tokenGet(key, '/v2/balances');
  const all = list.body._embedded.balances as Json[];
  const eur = all.find((b) => b.currency === 'EUR');
  const gbp = all.find((b) => b.currency === 'GBP');
  if (!eur || !gbp) throw new Error('seed balances missing');
  return { eur, gbp };
}

const createPayout = (key: string, body: unknown, headers?: Record<string, string>) =>
  call(key, 'POST', '/v2/payouts', body, headers);
const advance = (key: string, id: string) => call(key, 'POST', `/v2/test-helpers/payouts/${id}/advance`);
const patchBalance = (key: string, id: string, body: unknown) =>
  call(key, 'PATCH', `/v2/test-helpers/balances/${id}`, body);

// Property sets from the spec (entity-payout-response, entity-balance, error-response,
// entity-webhook-event): every required key present and nothing outside the spec's properties.
const PAYOUT_REQUIRED = ['resource', 'id', 'balanceId', 'status', 'statusReason', 'createdAt', 'mode'];
const PAYOUT_KEYS = [
  ...PAYOUT_REQUIRED,
  'amount',
  'description',
  'initiatedAt',
  'completedAt',
  'canceledAt',
  '_links',
];
const BALANCE_REQUIRED = [
  'resource',
  'id',
  'mode',
  'createdAt',
  'currency',
  'description',
  'availableAmount',
  'pendingAmount',
  'status',
  '_links',
];
const BALANCE_KEYS = [
  ...BALANCE_REQUIRED,
  'transferFrequency',
  'transferThreshold',
  'transferReference',
  'transferDestination',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

function expectShape(obj: Json, required: string[], allowed: string[]): void {
  for (const k of required) expect(obj, `missing ${k}`).toHaveProperty(k);
  for (const k of Object.keys(obj)) expect(allowed, `unexpected ${k}`).toContain(k);
}

function expectMollieError(
  res: { status: number; body: Json; contentType: string | null },
  status: number,
  title: string,
  detail: string | RegExp,
  field?: string,
): void {
  expect(res.status).toBe(status);
  expect(res.contentType).toBe('application/hal+json');
  expectShape(
    res.body,
    ['status', 'title', 'detail', '_links'],
    ['status', 'title', 'detail', 'field', '_links'],
  );
  expect(res.body.status).toBe(status);
  expect(res.body.title).toBe(title);
  if (typeof detail === 'string') expect(res.body.detail).toBe(detail);
  else expect(res.body.detail).toMatch(detail);
  expect(res.body.field).toBe(field);
  expect(res.body._links.documentation).toEqual({
    href: expect.stringMatching(/^https:\/\/docs\.mollie\.com\//),
    type: 'text/html',
  });
}

const AUTH_DOC = {
  documentation: { href: 'https://docs.mollie.com/overview/authentication', type: 'text/html' },
};

describe('authentication and isolation', () => {
  it('answers 401 with Mollie body for missing, malformed and live credentials', async () => {
    const expected = {
      status: 401,
      title: 'Unauthorized Request',
      detail: 'Missing authentication, or failed to authenticate',
      _links: AUTH_DOC,
    };
    for (const header of [
      undefined,
      'test_abc',
      'Bearer',
      'Bearer test_',
      'Bearer access_',
      'Bearer live_abcdef123',
      'Bearer oauth_abcdef123',
      'Basic dGVzdF9hYmM6',
    ]) {
      for (const path of ['/v2/payouts', '/v2/balances?testmode=true']) {
        const res = await fetch(`${sim.url}${path}`, { headers: header ? { authorization: header } : {} });
        expect(res.status, `${header} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toBe('application/hal+json');
        expect(await res.json()).toEqual(expected);
      }
    }
    expect((await call('live_abc', 'POST', '/v2/test-helpers/payouts/payout_x/advance')).status).toBe(401);
  });

  it('refuses API keys on every Balances API endpoint with 403, whatever the testmode', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const expected = {
      status: 403,
      title: 'Forbidden',
      detail:
        'This endpoint requires an organization access token or OAuth with the balances.read scope; API keys cannot access balances.',
      _links: AUTH_DOC,
    };
    for (const path of [
      '/v2/balances',
      '/v2/balances?testmode=true',
      '/v2/balances/primary',
      `/v2/balances/${eur.id}`,
      `/v2/balances/${eur.id}?testmode=true`,
      '/v2/balances/bal_unknown',
    ]) {
      const res = await call(key, 'GET', path);
      expect(res.status, path).toBe(403);
      expect(res.contentType).toBe('application/hal+json');
      expect(res.body).toEqual(expected);
    }
  });

  it('puts an access token without testmode=true in live mode, where the sandbox has no data', async () => {
    const key = newKey();
    const token = tokenFor(key);
    const { eur } = await balances(key);
    const { body: payout } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '1.00' },
    });
    for (const mode of ['', '?testmode=false']) {
      const list = await call(token, 'GET', `/v2/balances${mode}`);
      expect(list.status).toBe(200);
      expect(list.contentType).toBe('application/hal+json');
      expect(list.body).toMatchObject({ count: 0, _embedded: { balances: [] }, _links: { next: null } });
      expectMollieError(
        await call(token, 'GET', `/v2/balances/${eur.id}${mode}`),
        404,
        'Not Found',
        `No balance exists with token ${eur.id}.`,
      );
      expectMollieError(
        await call(token, 'GET', `/v2/balances/primary${mode}`),
        404,
        'Not Found',
        'No balance exists with token primary.',
      );
      expect((await call(token, 'GET', `/v2/payouts${mode}`)).body).toMatchObject({
        count: 0,
        _embedded: { payouts: [] },
      });
      expectMollieError(
        await call(token, 'GET', `/v2/payouts/${payout.id}${mode}`),
        404,
        'Not Found',
        `No payout exists with token ${payout.id}.`,
      );
      expectMollieError(
        await call(token, 'DELETE', `/v2/payouts/${payout.id}${mode}`),
        404,
        'Not Found',
        `No payout exists with token ${payout.id}.`,
      );
    }
    // A create cannot reach a test balance from live mode: no body flag, false, or only a query flag.
    for (const [path, body] of [
      ['/v2/payouts', { balanceId: eur.id }],
      ['/v2/payouts', { balanceId: eur.id, testmode: false }],
      ['/v2/payouts', { balanceId: eur.id, testmode: null }],
      ['/v2/payouts?testmode=true', { balanceId: eur.id }],
    ] as const) {
      expectMollieError(
        await call(token, 'POST', path, body),
        422,
        'Unprocessable Entity',
        "The 'balanceId' field is invalid.",
        'balanceId',
      );
    }
    // The live-mode 404 for DELETE left the test payout alone.
    expect((await call(key, 'GET', `/v2/payouts/${payout.id}`)).body.status).toBe('requested');
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(1);
  });

  it('rejects a testmode that is not a boolean', async () => {
    const key = newKey();
    const token = tokenFor(key);
    const { eur } = await balances(key);
    for (const path of ['/v2/balances?testmode=yes', '/v2/payouts?testmode=1']) {
      expectMollieError(
        await call(token, 'GET', path),
        400,
        'Bad Request',
        /Invalid testmode value '(yes|1)': use 'true' or 'false'\./,
        'testmode',
      );
    }
    expectMollieError(
      await createPayout(token, { balanceId: eur.id, testmode: 'true' }),
      422,
      'Unprocessable Entity',
      "The 'testmode' field must be a boolean.",
      'testmode',
    );
    // API keys select their mode themselves; whatever testmode they send is not looked at.
    expect((await call(key, 'GET', '/v2/payouts?testmode=yes')).status).toBe(200);
  });

  it('lets test_<s> and access_<s> share one account across payouts and test helpers', async () => {
    const key = newKey();
    const token = tokenFor(key);
    const { eur, gbp } = await balances(key);

    // API key creates, the token (testmode=true) reads, lists and cancels.
    const { body: byKey } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '2.00' },
    });
    expect((await tokenGet(key, `/v2/payouts/${byKey.id}`)).body).toEqual(byKey);
    const canceled = await call(token, 'DELETE', `/v2/payouts/${byKey.id}?testmode=true`);
    expect(canceled.body).toMatchObject({ id: byKey.id, status: 'canceled', mode: 'test' });

    // The token creates with testmode in the body; the API key sees the payout as its own.
    const byToken = await createPayout(token, {
      balanceId: gbp.id,
      amount: { currency: 'GBP', value: '3.00' },
      testmode: true,
    });
    expect(byToken.status).toBe(201);
    expectShape(byToken.body, PAYOUT_REQUIRED, PAYOUT_KEYS);
    expect(byToken.body).toMatchObject({ balanceId: gbp.id, status: 'requested', mode: 'test' });
    expect((await call(key, 'GET', `/v2/payouts/${byToken.body.id}`)).body).toEqual(byToken.body);
    expect((await tokenGet(key, `/v2/balances/${gbp.id}`)).body.transferFrequency).toBe('never');

    // Both credentials list the same payouts; an API key's testmode is ignored.
    const ids = [byToken.body.id, byKey.id];
    expect((await tokenGet(key, '/v2/payouts')).body._embedded.payouts.map((p: Json) => p.id)).toEqual(ids);
    for (const path of ['/v2/payouts', '/v2/payouts?testmode=false']) {
      expect((await call(key, 'GET', path)).body._embedded.payouts.map((p: Json) => p.id)).toEqual(ids);
    }

    // Test helpers take either credential and ignore testmode.
    expect((await call(token, 'POST', `/v2/test-helpers/payouts/${byToken.body.id}/advance`)).status).toBe(
      200,
    );
    expect((await tokenGet(key, `/v2/balances/${gbp.id}`)).body.availableAmount.value).toBe('1797.00');
    const patched = await call(token, 'PATCH', `/v2/test-helpers/balances/${eur.id}?testmode=false`, {
      status: 'inactive',
    });
    expect(patched.body.status).toBe('inactive');
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.status).toBe('inactive');
  });

  it("strips a token's body testmode before validation and the idempotency fingerprint", async () => {
    const key = newKey();
    const token = tokenFor(key);
    const { eur } = await balances(key);
    const idem = { 'idempotency-key': 'a11ce000-0000-4000-8000-000000000003' };
    const body = { balanceId: eur.id, amount: { currency: 'EUR', value: '4.00' } };
    const first = await createPayout(token, { testmode: true, ...body }, idem);
    expect(first.status).toBe(201);
    // The same request without the flag (API key) or with it elsewhere (token) is a replay.
    expect(await createPayout(key, body, idem)).toEqual(first);
    expect(await createPayout(token, { ...body, testmode: true }, idem)).toEqual(first);
    expectMollieError(
      await createPayout(token, { ...body, description: 'other', testmode: true }, idem),
      422,
      'Unprocessable Entity',
      /was already used for a request with different parameters/,
    );
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(1);
    // Field validation runs on the stripped body.
    expectMollieError(
      await createPayout(token, {
        balanceId: eur.id,
        amount: { currency: 'EUR', value: '1' },
        testmode: true,
      }),
      422,
      'Unprocessable Entity',
      /exactly 2 decimals/,
      'amount',
    );
  });

  it('gives each credential suffix its own seeded account', async () => {
    const a = newKey();
    const b = newKey();
    const { eur, gbp } = await balances(a);
    const other = await balances(b);
    expect(other.eur.id).not.toBe(eur.id);

    for (const bal of [eur, gbp]) {
      expectShape(bal, BALANCE_REQUIRED, BALANCE_KEYS);
      expect(bal._links).toEqual({
        self: { href: `${sim.url}/v2/balances/${bal.id}`, type: 'application/hal+json' },
      });
    }
    const full = await tokenGet(a, `/v2/balances/${eur.id}`);
    expectShape(full.body, BALANCE_REQUIRED, BALANCE_KEYS);
    expect(full.body).toMatchObject({
      resource: 'balance',
      mode: 'test',
      currency: 'EUR',
      status: 'active',
      availableAmount: { currency: 'EUR', value: '2500.00' },
      pendingAmount: { currency: 'EUR', value: expect.stringMatching(/^\d+\.\d{2}$/) },
      transferFrequency: 'daily',
      transferThreshold: { currency: 'EUR', value: expect.stringMatching(/^\d+\.\d{2}$/) },
      transferDestination: {
        type: 'bank-account',
        bankAccount: expect.any(String),
        beneficiaryName: expect.any(String),
      },
      _links: { documentation: { href: expect.any(String), type: 'text/html' } },
    });
    expect(full.body.createdAt).toMatch(ISO);
    expect((await tokenGet(a, '/v2/balances/primary')).body.id).toBe(eur.id);
    expect(gbp.availableAmount).toEqual({ currency: 'GBP', value: '1800.00' });

    const created = await createPayout(a, { balanceId: eur.id, amount: { currency: 'EUR', value: '1.00' } });
    expect(created.status).toBe(201);
    expectMollieError(
      await call(b, 'GET', `/v2/payouts/${created.body.id}`),
      404,
      'Not Found',
      `No payout exists with token ${created.body.id}.`,
    );
    expectMollieError(
      await call(b, 'DELETE', `/v2/payouts/${created.body.id}`),
      404,
      'Not Found',
      /No payout exists/,
    );
    expectMollieError(
      await tokenGet(b, `/v2/balances/${eur.id}`),
      404,
      'Not Found',
      `No balance exists with token ${eur.id}.`,
    );
    expectMollieError(
      await createPayout(b, { balanceId: eur.id }),
      422,
      'Unprocessable Entity',
      "The 'balanceId' field is invalid.",
      'balanceId',
    );
    expect((await call(b, 'GET', '/v2/payouts')).body).toMatchObject({
      count: 0,
      _embedded: { payouts: [] },
    });
    expect((await call(a, 'GET', '/v2/payouts')).body.count).toBe(1);
  });
});

describe('POST /v2/payouts', () => {
  it('creates a requested payout with the spec shape and pauses the balance schedule', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const res = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '12.34' },
      description: 'x',
    });
    expect(res.status).toBe(201);
    expect(res.contentType).toBe('application/hal+json');
    expectShape(res.body, PAYOUT_REQUIRED, PAYOUT_KEYS);
    expect(res.body).toMatchObject({
      resource: 'payout',
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '12.34' },
      description: 'x',
      status: 'requested',
      statusReason: { code: 'requested', message: 'The payout has been requested.' },
      initiatedAt: null,
      completedAt: null,
      canceledAt: null,
      mode: 'test',
      _links: {
        self: { href: `${sim.url}/v2/payouts/${res.body.id}`, type: 'application/hal+json' },
        documentation: { href: 'https://docs.mollie.com/reference/get-payout', type: 'text/html' },
      },
    });
    expect(res.body.id).toMatch(/^payout_[A-Za-z0-9]{21}$/);
    expect(res.body.createdAt).toMatch(ISO);
    // Requested payouts do not touch the balance; only initiation reserves funds.
    const after = (await tokenGet(key, `/v2/balances/${eur.id}`)).body;
    expect(after.availableAmount.value).toBe('2500.00');
    expect(after.transferFrequency).toBe('never');
    expect((await call(key, 'GET', `/v2/payouts/${res.body.id}`)).body).toEqual(res.body);
  });

  it('without amount: null while requested, then the full available balance at initiation', async () => {
    const key = newKey();
    const { eur, gbp } = await balances(key);
    const gbpAvailable = async () =>
      (await tokenGet(key, `/v2/balances/${gbp.id}`)).body.availableAmount.value as string;
    const res = await createPayout(key, { balanceId: gbp.id, amount: null });
    expect(res.status).toBe(201);
    expectShape(res.body, PAYOUT_REQUIRED, PAYOUT_KEYS);
    // `amount-nullable`: present, and null until Mollie executes the payout.
    expect(res.body).toHaveProperty('amount', null);
    expect(res.body).toMatchObject({ status: 'requested', initiatedAt: null });
    expect(res.body).not.toHaveProperty('description');
    expect((await call(key, 'GET', `/v2/payouts/${res.body.id}`)).body).toEqual(res.body);
    const listed = (await call(key, 'GET', '/v2/payouts')).body._embedded.payouts as Json[];
    expect(listed.map((p) => [p.id, p.amount])).toEqual([[res.body.id, null]]);
    expect(await gbpAvailable()).toBe('1800.00');

    // The balance moves before initiation: the payout takes what is available then, not at creation.
    await patchBalance(key, gbp.id, { availableAmount: { currency: 'GBP', value: '4321.07' } });
    const initiated = await advance(key, res.body.id);
    expect(initiated.body).toMatchObject({
      status: 'initiated',
      statusReason: { code: 'initiated' },
      amount: { currency: 'GBP', value: '4321.07' },
    });
    expect(initiated.body.initiatedAt).toMatch(ISO);
    expect(await gbpAvailable()).toBe('0.00');
    // Fixed from then on, whatever the balance does.
    await patchBalance(key, gbp.id, { availableAmount: { currency: 'GBP', value: '10.00' } });
    const processing = await advance(key, res.body.id);
    expect(processing.body).toMatchObject({
      status: 'processing-at-bank',
      amount: { currency: 'GBP', value: '4321.07' },
    });
    expect((await call(key, 'GET', `/v2/payouts/${res.body.id}`)).body.amount).toEqual({
      currency: 'GBP',
      value: '4321.07',
    });

    // Leaving `amount` out of the body is the same as null.
    const omitted = await createPayout(key, { balanceId: eur.id });
    expect(omitted.status).toBe(201);
    expect(omitted.body).toHaveProperty('amount', null);
  });

  it('rejects invalid fields with 422 and the field name', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const invalidBalance = "The 'balanceId' field is invalid.";
    const cases: Array<[unknown, string, string | RegExp]> = [
      [{}, 'balanceId', invalidBalance],
      [{ balanceId: 42 }, 'balanceId', invalidBalance],
      [{ balanceId: 'xyz' }, 'balanceId', invalidBalance],
      [{ balanceId: 'bal_unknown000000000000' }, 'balanceId', invalidBalance],
      [{ balanceId: eur.id, amount: { currency: 'EUR', value: '10' } }, 'amount', /exactly 2 decimals/],
      [{ balanceId: eur.id, amount: { currency: 'EUR', value: '10.0' } }, 'amount', /exactly 2 decimals/],
      [{ balanceId: eur.id, amount: { currency: 'EUR', value: '10.000' } }, 'amount', /exactly 2 decimals/],
      [{ balanceId: eur.id, amount: { currency: 'EUR', value: 10 } }, 'amount', /'currency' and a 'value'/],
      [{ balanceId: eur.id, amount: '10.00' }, 'amount', /'currency' and a 'value'/],
      [
        { balanceId: eur.id, amount: { currency: 'GBP', value: '10.00' } },
        'amount',
        /does not match the balance currency 'EUR'/,
      ],
      [
        { balanceId: eur.id, amount: { currency: 'EUR', value: '0.00' } },
        'amount',
        'The amount must be greater than zero.',
      ],
      [
        { balanceId: eur.id, amount: { currency: 'EUR', value: '-5.00' } },
        'amount',
        'The amount must be greater than zero.',
      ],
      [{ balanceId: eur.id, description: 'd'.repeat(256) }, 'description', /at most 255 characters/],
      [{ balanceId: eur.id, description: 7 }, 'description', /at most 255 characters/],
    ];
    for (const [body, field, detail] of cases) {
      expectMollieError(await createPayout(key, body), 422, 'Unprocessable Entity', detail, field);
    }
    expectMollieError(
      await createPayout(key, '{"balanceId":'),
      400,
      'Bad Request',
      'The request body is not valid JSON.',
    );
    expect((await createPayout(key, { balanceId: eur.id, description: 'd'.repeat(255) })).status).toBe(201);
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(1);
  });

  it('applies each immediate business failure as 422', async () => {
    const key = newKey();
    const { eur, gbp } = await balances(key);
    const eurAmount = (value: string) => ({ balanceId: eur.id, amount: { currency: 'EUR', value } });

    // Insufficient funds: above the available amount, and a full payout of an empty balance.
    const insufficient = 'The balance has insufficient funds for this payout.';
    expectMollieError(
      await createPayout(key, eurAmount('2500.01')),
      422,
      'Unprocessable Entity',
      insufficient,
      'amount',
    );
    expect(
      (await patchBalance(key, gbp.id, { availableAmount: { currency: 'GBP', value: '0.00' } })).status,
    ).toBe(200);
    expectMollieError(
      await createPayout(key, { balanceId: gbp.id }),
      422,
      'Unprocessable Entity',
      insufficient,
    );

    // Already one payout requested (scheduled for the next business day) on this balance.
    const first = await createPayout(key, eurAmount('1.00'));
    expect(first.status).toBe(201);
    expectMollieError(
      await createPayout(key, eurAmount('1.00')),
      422,
      'Unprocessable Entity',
      'A payout is already scheduled for the next business day for this balance.',
      'balanceId',
    );
    expect((await advance(key, first.body.id)).status).toBe(200);

    // Balance not active.
    const inactive = await patchBalance(key, eur.id, { status: 'inactive' });
    expect(inactive.body.status).toBe('inactive');
    expectMollieError(
      await createPayout(key, eurAmount('1.00')),
      422,
      'Unprocessable Entity',
      'The balance is not active.',
      'balanceId',
    );

    // No valid destination.
    await patchBalance(key, eur.id, { status: 'active', transferDestination: null });
    expectMollieError(
      await createPayout(key, eurAmount('1.00')),
      422,
      'Unprocessable Entity',
      'The payout destination (bank account) of the balance is invalid or not configured.',
      'balanceId',
    );
    const restored = await patchBalance(key, eur.id, {
      transferDestination: { bankAccount: 'NL02ABNA0123456789', beneficiaryName: 'Jane Doe' },
    });
    expect(restored.body.transferDestination).toEqual({
      type: 'bank-account',
      bankAccount: 'NL02ABNA0123456789',
      beneficiaryName: 'Jane Doe',
    });
    expect((await createPayout(key, eurAmount('1.00'))).status).toBe(201);
  });
});

describe('GET /v2/payouts and /v2/balances list parameters', () => {
  it('pages with from/limit, sorts, filters by balance and breaks createdAt ties by creation order', async () => {
    // A frozen clock makes every createdAt equal, so only creation order can order the list.
    const frozen = await startMollieSimulator({ now: () => Date.UTC(2026, 4, 4, 12, 0, 0, 500) });
    try {
      const key = newKey();
      const list = (q: string) => call(key, 'GET', `/v2/payouts${q}`, undefined, {}, frozen);
      const bal = (await tokenGet(key, '/v2/balances', frozen)).body._embedded.balances as Json[];
      const eurId = bal.find((b) => b.currency === 'EUR')?.id as string;
      const gbpId = bal.find((b) => b.currency === 'GBP')?.id as string;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const balanceId = i === 3 ? gbpId : eurId;
        const currency = i === 3 ? 'GBP' : 'EUR';
        const p = await call(
          key,
          'POST',
          '/v2/payouts',
          { balanceId, amount: { currency, value: '1.00' } },
          {},
          frozen,
        );
        expect(p.body.createdAt).toBe('2026-05-04T12:00:00+00:00');
        ids.push(p.body.id);
        await call(key, 'POST', `/v2/test-helpers/payouts/${p.body.id}/advance`, undefined, {}, frozen);
      }
      const asc = await list('?sort=asc');
      expect(asc.body._embedded.payouts.map((p: Json) => p.id)).toEqual(ids);
      const desc = await list('');
      expect(desc.body._embedded.payouts.map((p: Json) => p.id)).toEqual([...ids].reverse());
      for (const item of desc.body._embedded.payouts as Json[]) {
        expectShape(item, PAYOUT_REQUIRED, PAYOUT_KEYS);
        expect(item._links).toEqual({
          self: { href: `${frozen.url}/v2/payouts/${item.id}`, type: 'application/hal+json' },
        });
      }
      expect(desc.body._links).toEqual({
        self: { href: `${frozen.url}/v2/payouts?limit=50`, type: 'application/hal+json' },
        previous: null,
        next: null,
        documentation: { href: 'https://docs.mollie.com/reference/list-payouts', type: 'text/html' },
      });

      const middle = await list(`?sort=asc&limit=2&from=${ids[1]}`);
      expect(middle.body.count).toBe(2);
      expect(middle.body._embedded.payouts.map((p: Json) => p.id)).toEqual([ids[1], ids[2]]);
      expect(middle.body._links.previous.href).toBe(
        `${frozen.url}/v2/payouts?sort=asc&limit=2&from=${ids[0]}`,
      );
      expect(middle.body._links.next.href).toBe(`${frozen.url}/v2/payouts?sort=asc&limit=2&from=${ids[3]}`);

      const onlyEur = await list(`?balanceId=${eurId}`);
      expect(onlyEur.body._embedded.payouts.map((p: Json) => p.id)).toEqual([ids[2], ids[1], ids[0]]);
    } finally {
      await frozen.close();
    }
  });

  it('answers 400 for invalid list parameters', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const created = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '1.00' },
    });
    const bad = (path: string) => call(key, 'GET', path);
    for (const limit of ['0', '251', 'abc', '-1', '1.5']) {
      expectMollieError(
        await bad(`/v2/payouts?limit=${limit}`),
        400,
        'Bad Request',
        /must be between 1 and 250/,
        'limit',
      );
      expectMollieError(
        await tokenGet(key, `/v2/balances?limit=${limit}`),
        400,
        'Bad Request',
        /must be between 1 and 250/,
        'limit',
      );
    }
    expect((await bad('/v2/payouts?limit=250')).status).toBe(200);
    expect((await bad('/v2/payouts?limit=1')).status).toBe(200);
    expectMollieError(
      await bad('/v2/payouts?sort=newest'),
      400,
      'Bad Request',
      /use 'asc' or 'desc'/,
      'sort',
    );
    expectMollieError(
      await bad('/v2/payouts?from=payout_nope'),
      400,
      'Bad Request',
      'Invalid cursor value',
      'from',
    );
    expectMollieError(
      await tokenGet(key, '/v2/balances?from=bal_nope'),
      400,
      'Bad Request',
      'Invalid cursor value',
      'from',
    );
    expectMollieError(
      await bad('/v2/payouts?balanceId=eur'),
      400,
      'Bad Request',
      /must look like 'bal_/,
      'balanceId',
    );
    expectMollieError(
      await tokenGet(key, '/v2/balances?currency=eur'),
      400,
      'Bad Request',
      /three-letter/,
      'currency',
    );
    // A cursor that exists, but is outside the balance filter, is not a valid cursor for that list.
    expectMollieError(
      await bad(`/v2/payouts?balanceId=bal_other&from=${created.body.id}`),
      400,
      'Bad Request',
      'Invalid cursor value',
      'from',
    );
    expectMollieError(
      await bad('/v2/nothing-here'),
      404,
      'Not Found',
      'The requested resource does not exist.',
    );
  });
});

describe('lifecycle via the test helpers', () => {
  it('walks requested → initiated → processing-at-bank → completed, debiting at initiation', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const { body: p } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '100.00' },
    });

    const initiated = await advance(key, p.id);
    expect(initiated.body).toMatchObject({
      status: 'initiated',
      statusReason: { code: 'initiated' },
      completedAt: null,
    });
    expect(initiated.body.initiatedAt).toMatch(ISO);
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('2400.00');
    expectMollieError(
      await call(key, 'DELETE', `/v2/payouts/${p.id}`),
      409,
      'Conflict',
      'The payout cannot be canceled in its current state.',
    );

    const processing = await advance(key, p.id);
    expect(processing.body).toMatchObject({
      status: 'processing-at-bank',
      statusReason: { code: 'processing_at_bank', message: 'The payout is being processed by the bank.' },
    });
    const completed = await advance(key, p.id);
    expect(completed.body).toMatchObject({
      status: 'completed',
      statusReason: { code: 'completed', message: 'The payout has been completed successfully.' },
    });
    expect(completed.body.completedAt).toMatch(ISO);
    expectShape(completed.body, PAYOUT_REQUIRED, PAYOUT_KEYS);
    expectMollieError(
      await advance(key, p.id),
      409,
      'Conflict',
      "The payout cannot be advanced from status 'completed'.",
    );
    expect((await call(key, 'GET', `/v2/payouts/${p.id}`)).body.status).toBe('completed');
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('2400.00');
  });

  it('fails with a statusReason and credits debited funds back', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const fail = (id: string, body?: unknown) =>
      call(key, 'POST', `/v2/test-helpers/payouts/${id}/fail`, body);
    const available = async () => (await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value;

    const { body: p } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '40.00' },
    });
    await advance(key, p.id);
    await advance(key, p.id);
    expect(await available()).toBe('2460.00');
    expectMollieError(
      await fail(p.id, { code: 'completed' }),
      422,
      'Unprocessable Entity',
      /must be one of/,
      'code',
    );
    expectMollieError(
      await fail(p.id, { code: 'nope' }),
      422,
      'Unprocessable Entity',
      /must be one of/,
      'code',
    );
    const returned = await fail(p.id, { code: 'returned' });
    expect(returned.body).toMatchObject({
      status: 'failed',
      statusReason: { code: 'returned', message: 'The payout has been returned by the bank.' },
    });
    expect(await available()).toBe('2500.00');
    expectMollieError(await fail(p.id), 409, 'Conflict', /cannot fail/);

    // Default code; a failure before initiation has nothing to credit.
    const { body: q } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '5.00' },
    });
    const failed = await fail(q.id);
    expect(failed.body.statusReason).toEqual({
      code: 'bank_processing_failed',
      message: 'The payout could not be completed due to a processing error.',
    });
    expect(failed.body.initiatedAt).toBeNull();
    expect(await available()).toBe('2500.00');
    expectMollieError(
      await fail('payout_unknown'),
      404,
      'Not Found',
      'No payout exists with token payout_unknown.',
    );
  });

  it('keeps the amount of a payout without amount null when it is canceled before initiation', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const { body: p } = await createPayout(key, { balanceId: eur.id });
    const canceled = await call(key, 'DELETE', `/v2/payouts/${p.id}`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', amount: null, initiatedAt: null });
    expect(canceled.body.canceledAt).toMatch(ISO);
    expect((await call(key, 'GET', `/v2/payouts/${p.id}`)).body.amount).toBeNull();
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('2500.00');
  });

  it('fails a payout without amount with insufficient_funds at initiation when the balance was emptied', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const { body: p } = await createPayout(key, { balanceId: eur.id });
    expect(p.amount).toBeNull();
    await patchBalance(key, eur.id, { availableAmount: { currency: 'EUR', value: '0.00' } });
    const res = await advance(key, p.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      // Nothing was paid out, so no amount was ever fixed.
      amount: null,
      statusReason: {
        code: 'insufficient_funds',
        message: 'Insufficient funds on the balance to complete the payout.',
      },
    });
    expect(res.body.initiatedAt).toMatch(ISO);
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('0.00');
    expectMollieError(
      await advance(key, p.id),
      409,
      'Conflict',
      "The payout cannot be advanced from status 'failed'.",
    );
  });

  it('credits back the amount fixed at initiation when a payout without amount fails later', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const { body: p } = await createPayout(key, { balanceId: eur.id });
    expect((await advance(key, p.id)).body.amount).toEqual({ currency: 'EUR', value: '2500.00' });
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('0.00');
    const failed = await call(key, 'POST', `/v2/test-helpers/payouts/${p.id}/fail`, { code: 'returned' });
    expect(failed.body).toMatchObject({
      status: 'failed',
      statusReason: { code: 'returned' },
      amount: { currency: 'EUR', value: '2500.00' },
    });
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('2500.00');
  });

  it('fails at initiation with insufficient_funds when the balance dropped meanwhile', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const { body: p } = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '100.00' },
    });
    await patchBalance(key, eur.id, { availableAmount: { currency: 'EUR', value: '50.00' } });
    const res = await advance(key, p.id);
    expect(res.body).toMatchObject({
      status: 'failed',
      statusReason: {
        code: 'insufficient_funds',
        message: 'Insufficient funds on the balance to complete the payout.',
      },
    });
    expect(res.body.initiatedAt).toMatch(ISO);
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body.availableAmount.value).toBe('50.00');
  });

  it('validates the balance test helper and leaves the balance untouched on 422', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    expectMollieError(
      await patchBalance(key, eur.id, { status: 'paused' }),
      422,
      'Unprocessable Entity',
      /'active' or 'inactive'/,
      'status',
    );
    expectMollieError(
      await patchBalance(key, eur.id, {
        status: 'inactive',
        availableAmount: { currency: 'GBP', value: '1.00' },
      }),
      422,
      'Unprocessable Entity',
      /availableAmount/,
      'availableAmount',
    );
    expectMollieError(
      await patchBalance(key, eur.id, { transferDestination: { bankAccount: '' } }),
      422,
      'Unprocessable Entity',
      /transferDestination/,
      'transferDestination',
    );
    expectMollieError(
      await patchBalance(key, eur.id, { pendingAmount: {} }),
      422,
      'Unprocessable Entity',
      /cannot be changed/,
      'pendingAmount',
    );
    expect((await tokenGet(key, `/v2/balances/${eur.id}`)).body).toMatchObject({
      status: 'active',
      availableAmount: { value: '2500.00' },
    });
    expectMollieError(
      await patchBalance(key, 'bal_unknown', {}),
      404,
      'Not Found',
      'No balance exists with token bal_unknown.',
    );
  });
});

describe('idempotency-key', () => {
  it('replays the stored answer for the same key and body, and rejects a changed body', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const body = { balanceId: eur.id, amount: { currency: 'EUR', value: '3.00' }, description: 'retry me' };
    const idem = { 'idempotency-key': '6f1f3a5e-5b0c-4c1e-9a55-0d6c3e0f6b11' };
    const first = await createPayout(key, body, idem);
    expect(first.status).toBe(201);
    // Same parameters in another key order and layout are still the same request.
    const reordered = JSON.stringify(
      { description: 'retry me', amount: { value: '3.00', currency: 'EUR' }, balanceId: eur.id },
      null,
      2,
    );
    const replay = await createPayout(key, reordered, idem);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(1);

    expectMollieError(
      await createPayout(key, { ...body, amount: { currency: 'EUR', value: '4.00' } }, idem),
      422,
      'Unprocessable Entity',
      /idempotency key '6f1f3a5e-5b0c-4c1e-9a55-0d6c3e0f6b11' was already used for a request with different parameters/,
    );
    // Without the key the same body executes again (and hits the one-requested-payout rule).
    expect((await createPayout(key, body)).status).toBe(422);
    // Keys are per account: another API key may use the same value freely.
    const other = newKey();
    expect((await createPayout(other, { balanceId: (await balances(other)).eur.id }, idem)).status).toBe(201);

    // Cancel is idempotent too: a retried DELETE gets the same 200 instead of a 409.
    const cancelKey = { 'idempotency-key': 'b0a3c0de-0000-4000-8000-000000000001' };
    const canceled = await call(key, 'DELETE', `/v2/payouts/${first.body.id}`, undefined, cancelKey);
    expect(canceled.status).toBe(200);
    const again = await call(key, 'DELETE', `/v2/payouts/${first.body.id}`, undefined, cancelKey);
    expect(again).toEqual(canceled);
    expect((await call(key, 'DELETE', `/v2/payouts/${first.body.id}`)).status).toBe(409);
  });

  it('does not store errors, so a retry after a failure executes', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    const idem = { 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000002' };
    const body = { balanceId: eur.id, amount: { currency: 'EUR', value: '3000.00' } };
    expect((await createPayout(key, body, idem)).status).toBe(422);
    await patchBalance(key, eur.id, { availableAmount: { currency: 'EUR', value: '5000.00' } });
    expect((await createPayout(key, body, idem)).status).toBe(201);
  });
});

describe('fault injection', () => {
  it('answers an injected status with a Mollie body without executing, then recovers', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    sim.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', status: 429, count: 1 });
    const limited = await createPayout(key, {
      balanceId: eur.id,
      amount: { currency: 'EUR', value: '1.00' },
    });
    expectMollieError(
      limited,
      429,
      'Too Many Requests',
      'You have exceeded the rate limit. Please slow down your requests.',
    );
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(0);

    sim.injectFault({ pathPrefix: '/v2/payouts', status: 503, count: 2 });
    expectMollieError(
      await call(key, 'GET', '/v2/payouts'),
      503,
      'Service Unavailable',
      /temporarily unavailable/,
    );
    // Another path does not match and does not consume the fault.
    expect((await tokenGet(key, '/v2/balances')).status).toBe(200);
    expectMollieError(
      await createPayout(key, { balanceId: eur.id }),
      503,
      'Service Unavailable',
      /temporarily unavailable/,
    );
    expect((await call(key, 'GET', '/v2/payouts')).body.count).toBe(0);
    expect((await createPayout(key, { balanceId: eur.id })).status).toBe(201);
    expect(sim.requests.some((r) => r.path === '/v2/payouts' && r.status === 503)).toBe(true);

    sim.injectFault({ method: 'GET', status: 500, count: 1 });
    expectMollieError(
      await tokenGet(key, `/v2/balances/${eur.id}`),
      500,
      'Internal Server Error',
      /internal server error/,
    );
  });

  it('delays but executes with delayMs', async () => {
    const key = newKey();
    const { eur } = await balances(key);
    sim.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', delayMs: 300, count: 1 });
    const started = Date.now();
    const res = await createPayout(key, { balanceId: eur.id, amount: { currency: 'EUR', value: '1.00' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.status).toBe(201);
    expect((await call(key, 'GET', `/v2/payouts/${res.body.id}`)).status).toBe(200);
    expect(() => sim.injectFault({ count: 0, status: 500 })).toThrow();
  });
});

interface Delivery {
  raw: string;
  signature: string | undefined;
  contentType: string | undefined;
}

/** A webhook receiver on port 0; with `held`, responses wait until `release()`. */
async function receiver(held = false): Promise<{
  url: string;
  deliveries: Delivery[];
  release: () => void;
  close: () => Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  let release = () => {};
  const gate = held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sig = req.headers['x-mollie-signature'];
      deliveries.push({
        raw: Buffer.concat(chunks).toString('utf8'),
        signature: Array.isArray(sig) ? sig.join(',') : sig,
        contentType: req.headers['content-type'],
      });
      void gate.then(() => res.writeHead(200).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/mollie`,
    deliveries,
    release: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('next-gen webhooks', () => {
  it('POSTs signed events in order for every status change, with the payout snapshot', async () => {
    const hook = await receiver();
    const secret = 'whsec_sandbox_' + randomBytes(8).toString('hex');
    sim.setWebhook({ url: hook.url, secret });
    try {
      const key = newKey();
      const { eur } = await balances(key);
      const amount = { currency: 'EUR', value: '10.00' };
      const { body: a } = await createPayout(key, { balanceId: eur.id, amount });
      await advance(key, a.id);
      await advance(key, a.id);
      await advance(key, a.id);
      const { body: b } = await createPayout(key, { balanceId: eur.id, amount });
      await call(key, 'DELETE', `/v2/payouts/${b.id}`);
      const { body: c } = await createPayout(key, { balanceId: eur.id, amount });
      await advance(key, c.id);
      await call(key, 'POST', `/v2/test-helpers/payouts/${c.id}/fail`, { code: 'returned' });
      await sim.idle();

      const events = hook.deliveries.map((d) => JSON.parse(d.raw) as Json);
      expect(events.map((e) => [e.type, e.entityId])).toEqual([
        ['payout.initiated', a.id],
        ['payout.processing-at-bank', a.id],
        ['payout.completed', a.id],
        ['payout.canceled', b.id],
        ['payout.initiated', c.id],
        ['payout.failed', c.id],
      ]);
      const validator = new SignatureValidator(secret);
      for (const d of hook.deliveries) {
        expect(d.contentType).toBe('application/json');
        expect(await validator.validatePayload(d.raw, d.signature)).toBe(true);
        // Independent check of the same scheme: sha256=<hex HMAC-SHA256(raw body, secret)>.
        expect(d.signature).toBe(`sha256=${createHmac('sha256', secret).update(d.raw).digest('hex')}`);
      }
      await expect(
        new SignatureValidator('wrong-secret').validatePayload(
          hook.deliveries[0]?.raw ?? '',
          hook.deliveries[0]?.signature,
        ),
      ).rejects.toBeInstanceOf(InvalidSignatureException);

      const ids = new Set(events.map((e) => e.id));
      expect(ids.size).toBe(events.length);
      const [initiated, , completed, canceled, , failed] = events;
      expectShape(
        initiated as Json,
        ['resource', 'id', 'type', 'entityId', 'createdAt', '_links'],
        ['resource', 'id', 'type', 'entityId', 'createdAt', '_embedded', '_links'],
      );
      expect(initiated).toMatchObject({
        resource: 'event',
        id: expect.stringMatching(/^event_[A-Za-z0-9]+$/),
        createdAt: expect.stringMatching(ISO),
        _embedded: { entity: { id: a.id, status: 'initiated', statusReason: { code: 'initiated' } } },
        _links: {
          self: { href: expect.stringContaining('/v2/events/event_'), type: 'application/hal+json' },
          documentation: { href: expect.any(String), type: 'text/html' },
          entity: { href: `${sim.url}/v2/payouts/${a.id}`, type: 'application/hal+json' },
        },
      });
      expectShape(initiated?._embedded.entity, PAYOUT_REQUIRED, PAYOUT_KEYS);
      expect(completed?._embedded.entity).toMatchObject({
        status: 'completed',
        completedAt: expect.stringMatching(ISO),
      });
      expect(canceled?._embedded.entity).toMatchObject({
        status: 'canceled',
        canceledAt: expect.stringMatching(ISO),
      });
      expect(failed?._embedded.entity).toMatchObject({
        status: 'failed',
        statusReason: { code: 'returned' },
      });
    } finally {
      await hook.close();
    }
  });

  it('carries a null amount in snapshots until initiation, and the fixed amount from then on', async () => {
    const hook = await receiver();
    sim.setWebhook({ url: hook.url, secret: 'amount-secret' });
    try {
      const key = newKey();
      const { eur, gbp } = await balances(key);
      const { body: a } = await createPayout(key, { balanceId: eur.id });
      await call(key, 'DELETE', `/v2/payouts/${a.id}`);
      const { body: b } = await createPayout(key, { balanceId: gbp.id });
      await advance(key, b.id);
      await advance(key, b.id);
      await sim.idle();
      const events = hook.deliveries.map((d) => JSON.parse(d.raw) as Json);
      expect(events.map((e) => [e.type, e.entityId, e._embedded.entity.amount])).toEqual([
        ['payout.canceled', a.id, null],
        ['payout.initiated', b.id, { currency: 'GBP', value: '1800.00' }],
        ['payout.processing-at-bank', b.id, { currency: 'GBP', value: '1800.00' }],
      ]);
    } finally {
      await hook.close();
    }
  });

  it('never makes the triggering request wait for the receiver', async () => {
    const hook = await receiver(true);
    sim.setWebhook({ url: hook.url, secret: 'held-secret' });
    try {
      const key = newKey();
      const { eur } = await balances(key);
      const { body: p } = await createPayout(key, {
        balanceId: eur.id,
        amount: { currency: 'EUR', value: '1.00' },
      });
      // The receiver has not answered the first event, yet both API calls complete.
      expect((await advance(key, p.id)).status).toBe(200);
      expect((await advance(key, p.id)).status).toBe(200);
      await expect.poll(() => hook.deliveries.length).toBe(1);
      hook.release();
      await sim.idle();
      expect(hook.deliveries.map((d) => (JSON.parse(d.raw) as Json).type)).toEqual([
        'payout.initiated',
        'payout.processing-at-bank',
      ]);
    } finally {
      await hook.close();
    }
  });

  it('sends nothing without a webhook target and nothing for requested', async () => {
    const hook = await receiver();
    try {
      const key = newKey();
      const { eur } = await balances(key);
      const { body: p } = await createPayout(key, {
        balanceId: eur.id,
        amount: { currency: 'EUR', value: '1.00' },
      });
      await advance(key, p.id);
      sim.setWebhook({ url: hook.url, secret: 's' });
      const { body: q } = await createPayout(key, { balanceId: (await balances(key)).gbp.id });
      await sim.idle();
      expect(hook.deliveries).toHaveLength(0);
      await call(key, 'DELETE', `/v2/payouts/${q.id}`);
      await sim.idle();
      expect(hook.deliveries.map((d) => (JSON.parse(d.raw) as Json).type)).toEqual(['payout.canceled']);
    } finally {
      await hook.close();
    }
  });
});
