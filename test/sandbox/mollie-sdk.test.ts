// The Mollie simulator driven by Mollie's official TypeScript SDK: every response goes through the
// SDK's own response schemas, content-type matching and error classes, so a shape real Mollie
// would not send fails here. serverURL is the simulator's bare url (the SDK appends /v2/...).
import { randomBytes } from 'node:crypto';
import { Client } from 'mollie-api-typescript';
import * as errors from 'mollie-api-typescript/models/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMollieSimulator, type MollieSimulator } from '../../src/sandbox/mollie/index.ts';

let sim: MollieSimulator;

beforeAll(async () => {
  sim = await startMollieSimulator();
});
afterAll(async () => {
  await sim.close();
});

function client(): { sdk: Client; apiKey: string } {
  const apiKey = `test_${randomBytes(15).toString('hex')}`;
  // In the spec the Balances API takes only organisation tokens (`advancedAccessToken`/OAuth), so
  // the SDK sends no API key on balance calls; the sandbox accepts its test key in both slots.
  // No retries: a 4xx/5xx must surface at once instead of being retried with backoff.
  const sdk = new Client({
    security: { apiKey, advancedAccessToken: apiKey },
    serverURL: sim.url,
    retryConfig: { strategy: 'none' },
  });
  return { sdk, apiKey };
}

async function primaryBalanceId(sdk: Client): Promise<string> {
  return (await sdk.balances.getPrimary()).id;
}

/** Moves a payout one lifecycle step through the simulator's (non-Mollie) test helper. */
async function advance(apiKey: string, payoutId: string): Promise<void> {
  const res = await fetch(`${sim.url}/v2/test-helpers/payouts/${payoutId}/advance`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(res.status).toBe(200);
}

describe('Mollie simulator via the official SDK', () => {
  it('creates a payout (201, requested) and gets it back', async () => {
    const { sdk } = client();
    const balanceId = await primaryBalanceId(sdk);
    const created = await sdk.payouts.create({
      payoutRequest: { balanceId, amount: { currency: 'EUR', value: '10.00' }, description: 'Weekly payout' },
    });
    expect(created).toMatchObject({
      resource: 'payout',
      balanceId,
      amount: { currency: 'EUR', value: '10.00' },
      description: 'Weekly payout',
      status: 'requested',
      statusReason: { code: 'requested', message: 'The payout has been requested.' },
      initiatedAt: null,
      completedAt: null,
      canceledAt: null,
      mode: 'test',
    });
    expect(created.id).toMatch(/^payout_[A-Za-z0-9]+$/);
    expect(created.links?.self.href).toBe(`${sim.url}/v2/payouts/${created.id}`);

    const fetched = await sdk.payouts.get({ payoutId: created.id });
    expect(fetched).toEqual(created);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path === '/v2/payouts')).toContainEqual({
      method: 'POST',
      path: '/v2/payouts',
      status: 201,
    });
  });

  it('lists payouts across two pages by following _links.next', async () => {
    const { sdk, apiKey } = client();
    const balanceId = await primaryBalanceId(sdk);
    // One payout may be `requested` per balance at a time, so move each one on before the next.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await sdk.payouts.create({
        payoutRequest: { balanceId, amount: { currency: 'EUR', value: `${i + 1}.00` } },
      });
      ids.push(p.id);
      await advance(apiKey, p.id);
    }

    const first = await sdk.payouts.list({ limit: 2 });
    expect(first.result.count).toBe(2);
    // Default sort is desc: newest first.
    expect(first.result.embedded.payouts.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    expect(first.result.links.previous).toBeNull();
    expect(first.result.links.next?.href).toBe(`${sim.url}/v2/payouts?limit=2&from=${ids[0]}`);

    const second = await first.next();
    expect(second).not.toBeNull();
    expect(second?.result.count).toBe(1);
    expect(second?.result.embedded.payouts.map((p) => p.id)).toEqual([ids[0]]);
    expect(second?.result.embedded.payouts[0]?.status).toBe('initiated');
    expect(second?.result.links.next).toBeNull();
    expect(second?.result.links.previous?.href).toContain(`from=${ids[2]}`);
    expect(await second?.next()).toBeNull();

    // The SDK's async iterator walks the same pages.
    const seen: string[] = [];
    for await (const page of await sdk.payouts.list({ limit: 2, sort: 'asc' })) {
      seen.push(...page.result.embedded.payouts.map((p) => p.id));
    }
    expect(seen).toEqual(ids);
  });

  it('cancels a requested payout and refuses a second cancel with 409', async () => {
    const { sdk } = client();
    const balanceId = await primaryBalanceId(sdk);
    const created = await sdk.payouts.create({
      payoutRequest: { balanceId, amount: { currency: 'EUR', value: '5.00' } },
    });

    const canceled = await sdk.payouts.cancel({ payoutId: created.id });
    expect(canceled).toMatchObject({
      id: created.id,
      status: 'canceled',
      statusReason: { code: 'canceled', message: 'The payout has been canceled.' },
    });
    expect(canceled.canceledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);

    const refused = await sdk.payouts.cancel({ payoutId: created.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(errors.ErrorResponse);
    const err = refused as errors.ErrorResponse;
    expect(err.statusCode).toBe(409);
    expect(err.data$).toMatchObject({
      status: 409,
      title: 'Conflict',
      detail: 'The payout cannot be canceled in its current state.',
    });
    expect(err.data$.links.documentation.type).toBe('text/html');
  });

  it('surfaces create validation errors as ErrorResponse 422 with the field', async () => {
    const { sdk } = client();
    const missing = await sdk.payouts
      .create({ payoutRequest: { balanceId: 'bal_doesNotExist123456' } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(errors.ErrorResponse);
    expect((missing as errors.ErrorResponse).data$).toMatchObject({
      status: 422,
      title: 'Unprocessable Entity',
      detail: "The 'balanceId' field is invalid.",
      field: 'balanceId',
    });
    const unknown = await sdk.payouts.get({ payoutId: 'payout_doesNotExist12345' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(errors.ErrorResponse);
    expect((unknown as errors.ErrorResponse).statusCode).toBe(404);
  });

  it('lists balances, gets one, and gets the primary balance', async () => {
    const { sdk } = client();
    const list = await sdk.balances.list();
    expect(list.result.count).toBe(2);
    const balances = list.result.embedded.balances;
    expect(balances.map((b) => b.currency).sort()).toEqual(['EUR', 'GBP']);
    for (const b of balances) {
      expect(b).toMatchObject({
        resource: 'balance',
        mode: 'test',
        status: 'active',
        transferFrequency: 'daily',
      });
      expect(b.id).toMatch(/^bal_[A-Za-z0-9]+$/);
      expect(b.transferDestination).toMatchObject({ type: 'bank-account' });
    }

    const eur = balances.find((b) => b.currency === 'EUR');
    const primary = await sdk.balances.getPrimary();
    expect(primary.id).toBe(eur?.id);
    expect(primary.availableAmount).toEqual({ currency: 'EUR', value: '2500.00' });

    const gbpId = balances.find((b) => b.currency === 'GBP')?.id ?? '';
    const gbp = await sdk.balances.get({ balanceId: gbpId });
    expect(gbp).toMatchObject({
      id: gbpId,
      currency: 'GBP',
      availableAmount: { currency: 'GBP', value: '1800.00' },
    });
    expect(gbp.links.documentation?.type).toBe('text/html');

    const onlyGbp = await sdk.balances.list({ currency: 'GBP', limit: 1 });
    expect(onlyGbp.result.embedded.balances.map((b) => b.id)).toEqual([gbpId]);
    expect(onlyGbp.result.links.next).toBeNull();

    // A payout through the API pauses automatic settlements of that balance.
    await sdk.payouts.create({
      payoutRequest: { balanceId: gbpId, amount: { currency: 'GBP', value: '1.00' } },
    });
    expect((await sdk.balances.get({ balanceId: gbpId })).transferFrequency).toBe('never');
  });

  it('rejects a live key with 401 as a ClientError', async () => {
    const sdk = new Client({
      security: {
        apiKey: 'live_abcdefghijklmnopqrstuvwxyz1234',
        advancedAccessToken: 'live_abcdefghijklmnopqrstuvwxyz1234',
      },
      serverURL: sim.url,
      retryConfig: { strategy: 'none' },
    });
    const err = await sdk.balances.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.ClientError);
    expect((err as errors.ClientError).statusCode).toBe(401);
    expect(JSON.parse((err as errors.ClientError).body)).toMatchObject({
      status: 401,
      title: 'Unauthorized Request',
    });
  });
});
