// The HTTP surface beside the schema: API keys and scopes, health and readiness, GraphiQL in
// sandbox only, and the signed webhook endpoint.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startTestApp, type TestApp } from '../helpers/app.ts';
import { Balances, CreatePayout, ListBankAccounts, ListPayouts, Node, Providers } from './operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (body: object, headers: Record<string, string> = {}) =>
  t.app.gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('authentication and scopes', () => {
  it('answers 401 for a missing or unknown key', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope_nope_nope_nope_nope' },
      { authorization: KEYS.full },
    ];
    for (const headers of cases) {
      const res = await post({ query: '{ providers { provider } }' }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });

  it('names the missing scope, and runs nothing', async () => {
    const list = await t.exec(ListPayouts, { first: 1 }, 'writeOnly');
    expect(list.errors?.[0]).toMatchObject({
      message: expect.stringContaining("'payouts:read'"),
      extensions: { code: 'FORBIDDEN', requiredScopes: ['payouts:read'] },
    });
    const from = t.casapay.requests.length;
    const create = await t.exec(
      CreatePayout,
      {
        input: { provider: 'CASAPAY', amount: { amount: '1.00', currency: 'GBP' }, idempotencyKey: 'scoped' },
      },
      'readOnly',
    );
    expect(create.errors?.[0]).toMatchObject({
      message: expect.stringContaining("'payouts:write'"),
      extensions: { code: 'FORBIDDEN' },
    });
    expect(t.casapay.requests.length).toBe(from);
    const accounts = await t.exec(ListBankAccounts, {}, 'readOnly');
    expect(accounts.errors?.[0]?.message).toContain("'bank_accounts:read'");
    // Without any read scope, node(id:) refuses before loading: not even existence leaks.
    const before = t.casapay.requests.length;
    const probe = await t.exec(
      Node,
      { id: Buffer.from('Payout:CASAPAY:po_any').toString('base64') },
      'writeOnly',
    );
    expect(probe.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(t.casapay.requests.length).toBe(before);
  });

  it('lets any valid key read the provider list', async () => {
    const res = await t.exec(Providers, {}, 'readOnly');
    expect(res.data!.providers.map((p) => p.provider)).toEqual(['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE']);
    expect(res.data!.providers[0]).toMatchObject({
      enabled: true,
      implemented: true,
      currencies: ['GBP', 'EUR'],
      payoutActions: [{ action: 'CANCEL', statuses: ['PENDING'] }],
      createPayout: { amount: 'REQUIRED', sourceId: 'FORBIDDEN', destinationId: 'REQUIRED' },
      bankAccounts: true,
      balances: true,
      webhooks: true,
    });
    expect(res.data!.providers.find((p) => p.provider === 'STRADDLE')).toMatchObject({
      enabled: true,
      implemented: true,
      payoutActions: expect.arrayContaining([{ action: 'RELEASE', statuses: ['ON_HOLD'] }]),
    });
  });
});

describe('health, readiness and GraphiQL', () => {
  it('reports process health and readiness of state and providers', async () => {
    const health = await t.app.gateway.yoga.fetch('http://gateway/healthz');
    expect(health.status).toBe(200);
    const ready = await t.app.gateway.yoga.fetch('http://gateway/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { state: 'ok', CASAPAY: 'ok', MOLLIE: 'ok', TOKENIO: 'ok', STRADDLE: 'ok' },
    });

    t.casapay.injectFault({ pathPrefix: '/v1/balance', status: 503, count: 2 });
    const down = await t.app.gateway.yoga.fetch('http://gateway/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      status: 'not ready',
      checks: { state: 'ok', CASAPAY: 'unavailable', MOLLIE: 'ok' },
    });
  });

  it('serves GraphiQL in sandbox mode without a key, with the development key preset', async () => {
    const sandbox = await startTestApp('memory', { GATEWAY_API_KEYS: '' });
    try {
      const page = await sandbox.app.gateway.yoga.fetch('http://gateway/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`Bearer ${sandbox.app.developmentKey}`);
    } finally {
      await sandbox.close();
    }
  });

  it('serves no GraphiQL in live mode', async () => {
    const live = await startTestApp('memory', { GATEWAY_MODE: 'live' });
    try {
      const page = await live.app.gateway.yoga.fetch('http://gateway/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(page.status).toBe(401);
      expect(live.app.simulators.size).toBe(0);
    } finally {
      await live.close();
    }
  });
});

describe('POST /webhooks/casapay', () => {
  const stripe = new Stripe('sk_test_unused');
  const secret = () => t.app.webhookSecrets.get('CASAPAY')!;
  const deliver = (body: string, signature: string) =>
    t.app.gateway.yoga.fetch('http://gateway/webhooks/casapay', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'casapay-signature': signature },
      body,
    });
  // Not a payout event: verified, then ignored (payout events: test/events/).
  const event = JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'balance.available',
    created: Math.floor(Date.now() / 1000),
    data: { object: { object: 'balance' } },
  });

  it('accepts an event signed with Stripe’s scheme and refuses a forged or stale one', async () => {
    const ok = stripe.webhooks.generateTestHeaderString({ payload: event, secret: secret() });
    expect((await deliver(event, ok)).status).toBe(200);
    const forged = stripe.webhooks.generateTestHeaderString({ payload: event, secret: 'whsec_wrong' });
    expect((await deliver(event, forged)).status).toBe(400);
    expect((await deliver(event.replace('evt_1', 'evt_2'), ok)).status).toBe(400);
    const stale = stripe.webhooks.generateTestHeaderString({
      payload: event,
      secret: secret(),
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect((await deliver(event, stale)).status).toBe(400);
  });

  it('receives what the sandbox simulator sends over real HTTP', async () => {
    const edges = (await t.exec(ListBankAccounts, { provider: 'CASAPAY' })).data!.bankAccounts.edges;
    const before = t.app.gateway.webhooks.counts.CASAPAY?.received ?? 0;
    await t.exec(CreatePayout, {
      input: {
        provider: 'CASAPAY',
        amount: { amount: '1.00', currency: 'GBP' },
        destinationId: edges.find((e) => e.node.currency === 'GBP')!.node.id,
        idempotencyKey: `wh-${Date.now()}`,
      },
    });
    await t.casapay.idle();
    expect(t.app.gateway.webhooks.counts.CASAPAY?.received).toBe(before + 1);
  });
});

describe('POST /webhooks/mollie', () => {
  it('receives the Mollie simulator’s signed events over real HTTP and refuses a forged one', async () => {
    const eur = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes.find(
      (b) => b.currency === 'EUR',
    )!;
    const created = (
      await t.exec(CreatePayout, {
        input: {
          provider: 'MOLLIE',
          sourceId: eur.id,
          amount: { amount: '1.00', currency: 'EUR' },
          idempotencyKey: `mw-${Date.now()}`,
        },
      })
    ).data!.createPayout;
    if (created.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(created));
    const before = t.app.gateway.webhooks.counts.MOLLIE?.received ?? 0;
    // Mollie sends no event for `requested`; initiating the payout does.
    const res = await fetch(
      `${t.mollie.url}/v2/test-helpers/payouts/${created.payout.providerPayoutId}/advance`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${t.app.sandboxCredentials.get('MOLLIE')!.apiKey}` },
      },
    );
    expect(res.status).toBe(200);
    await t.mollie.idle();
    expect(t.app.gateway.webhooks.counts.MOLLIE?.received).toBe(before + 1);

    const forged = await t.app.gateway.yoga.fetch('http://gateway/webhooks/mollie', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mollie-signature': `sha256=${'0'.repeat(64)}` },
      body: JSON.stringify({ resource: 'event', id: 'event_forged', type: 'payout.completed' }),
    });
    expect(forged.status).toBe(400);
    expect(t.app.gateway.webhooks.counts.MOLLIE?.received).toBe(before + 1);
  });
});
