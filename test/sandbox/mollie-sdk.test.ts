// The Mollie simulator driven by Mollie's official TypeScript SDK: every response goes through the
// SDK's own response schemas, content-type matching and error classes, so a shape real Mollie
// would not send fails here. serverURL is the simulator's bare url (the SDK appends /v2/...).
//
// Credentials follow the spec: payouts with a `test_` API key, balances with an organisation access
// token (`access_`) and the SDK's `testmode: true` request parameter. The sandbox keys the account
// by the suffix, so `test_<s>` and `access_<s>` are one account.
import { randomBytes } from 'node:crypto';
import { Client } from 'mollie-api-typescript';
import type { Security } from 'mollie-api-typescript/models';
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

/** No retries: a 4xx/5xx must surface at once instead of being retried with backoff. */
function sdk(security: Security): Client {
  return new Client({ security, serverURL: sim.url, retryConfig: { strategy: 'none' } });
}

interface SandboxAccount {
  apiKey: string;
  accessToken: string;
  /** Payouts API with the API key (the key itself selects test mode). */
  withKey: Client;
  /** Balances API (and payouts, with testmode) with the organisation access token. */
  withToken: Client;
}

/** A fresh sandbox account and an SDK client for each of its two credentials. */
function account(): SandboxAccount {
  const suffix = randomBytes(15).toString('hex');
  const apiKey = `test_${suffix}`;
  const accessToken = `access_${suffix}`;
  return {
    apiKey,
    accessToken,
    withKey: sdk({ apiKey }),
    withToken: sdk({ advancedAccessToken: accessToken }),
  };
}

/** A test-mode balance id, listed with the access token (the API key cannot read balances). */
async function balanceId(withToken: Client, currency = 'EUR'): Promise<string> {
  const list = await withToken.balances.list({ currency, testmode: true });
  const id = list.result.embedded.balances[0]?.id;
  if (!id) throw new Error(`no ${currency} balance`);
  return id;
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
  it('creates a payout (201, requested) with the API key from a balance the token listed', async () => {
    const { withKey, withToken } = account();
    const eurId = await balanceId(withToken);
    const created = await withKey.payouts.create({
      payoutRequest: {
        balanceId: eurId,
        amount: { currency: 'EUR', value: '10.00' },
        description: 'Weekly payout',
      },
    });
    expect(created).toMatchObject({
      resource: 'payout',
      balanceId: eurId,
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

    const fetched = await withKey.payouts.get({ payoutId: created.id });
    expect(fetched).toEqual(created);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path === '/v2/payouts')).toContainEqual({
      method: 'POST',
      path: '/v2/payouts',
      query: '',
      status: 201,
    });
  });

  it('parses a payout requested without amount: amount null until initiation fixes it', async () => {
    const { withKey, withToken, apiKey } = account();
    const gbpId = await balanceId(withToken, 'GBP');
    const created = await withKey.payouts.create({ payoutRequest: { balanceId: gbpId } });
    expect(created).toMatchObject({ balanceId: gbpId, status: 'requested', amount: null });
    expect((await withKey.payouts.list({})).result.embedded.payouts[0]?.amount).toBeNull();
    await advance(apiKey, created.id);
    expect(await withKey.payouts.get({ payoutId: created.id })).toMatchObject({
      status: 'initiated',
      amount: { currency: 'GBP', value: '1800.00' },
    });
    const gbp = await withToken.balances.get({ balanceId: gbpId, testmode: true });
    expect(gbp.availableAmount).toEqual({ currency: 'GBP', value: '0.00' });
  });

  it('lists payouts across two pages by following _links.next', async () => {
    const { withKey, withToken, apiKey } = account();
    const eurId = await balanceId(withToken);
    // One payout may be `requested` per balance at a time, so move each one on before the next.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await withKey.payouts.create({
        payoutRequest: { balanceId: eurId, amount: { currency: 'EUR', value: `${i + 1}.00` } },
      });
      ids.push(p.id);
      await advance(apiKey, p.id);
    }

    const first = await withKey.payouts.list({ limit: 2 });
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
    for await (const page of await withKey.payouts.list({ limit: 2, sort: 'asc' })) {
      seen.push(...page.result.embedded.payouts.map((p) => p.id));
    }
    expect(seen).toEqual(ids);
  });

  it('cancels a requested payout and refuses a second cancel with 409', async () => {
    const { withKey, withToken } = account();
    const created = await withKey.payouts.create({
      payoutRequest: { balanceId: await balanceId(withToken), amount: { currency: 'EUR', value: '5.00' } },
    });

    const canceled = await withKey.payouts.cancel({ payoutId: created.id });
    expect(canceled).toMatchObject({
      id: created.id,
      status: 'canceled',
      statusReason: { code: 'canceled', message: 'The payout has been canceled.' },
    });
    expect(canceled.canceledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);

    const refused = await withKey.payouts.cancel({ payoutId: created.id }).catch((e: unknown) => e);
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
    const { withKey } = account();
    const missing = await withKey.payouts
      .create({ payoutRequest: { balanceId: 'bal_doesNotExist123456' } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(errors.ErrorResponse);
    expect((missing as errors.ErrorResponse).data$).toMatchObject({
      status: 422,
      title: 'Unprocessable Entity',
      detail: "The 'balanceId' field is invalid.",
      field: 'balanceId',
    });
    const unknown = await withKey.payouts
      .get({ payoutId: 'payout_doesNotExist12345' })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(errors.ErrorResponse);
    expect((unknown as errors.ErrorResponse).statusCode).toBe(404);
  });

  it('lists and gets test balances with the access token and testmode, shared with the API key', async () => {
    const { withKey, withToken } = account();
    const list = await withToken.balances.list({ testmode: true });
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

    const gbpId = balances.find((b) => b.currency === 'GBP')?.id ?? '';
    const gbp = await withToken.balances.get({ balanceId: gbpId, testmode: true });
    expect(gbp).toMatchObject({
      id: gbpId,
      currency: 'GBP',
      availableAmount: { currency: 'GBP', value: '1800.00' },
    });
    expect(gbp.links.documentation?.type).toBe('text/html');

    const onlyGbp = await withToken.balances.list({ currency: 'GBP', limit: 1, testmode: true });
    expect(onlyGbp.result.embedded.balances.map((b) => b.id)).toEqual([gbpId]);
    expect(onlyGbp.result.links.next).toBeNull();

    // Same account: a payout with the API key pauses automatic settlements of the token's balance.
    await withKey.payouts.create({
      payoutRequest: { balanceId: gbpId, amount: { currency: 'GBP', value: '1.00' } },
    });
    expect((await withToken.balances.get({ balanceId: gbpId, testmode: true })).transferFrequency).toBe(
      'never',
    );
  });

  it('pages balances with testmode kept in _links.next', async () => {
    const { withToken } = account();
    const first = await withToken.balances.list({ limit: 1, testmode: true });
    expect(first.result.embedded.balances.map((b) => b.currency)).toEqual(['GBP']);
    expect(first.result.links.next?.href).toContain('testmode=true');
    const second = await first.next();
    expect(second?.result.embedded.balances.map((b) => b.currency)).toEqual(['EUR']);
    expect(await second?.next()).toBeNull();
  });

  it('refuses an API key on the Balances API with 403 as a ClientError', async () => {
    const { apiKey } = account();
    // The SDK only sends a balance call's credential from the token slot, so put the key there.
    const misconfigured = sdk({ advancedAccessToken: apiKey });
    for (const call of [
      () => misconfigured.balances.list({ testmode: true }),
      () => misconfigured.balances.get({ balanceId: 'bal_anything12345', testmode: true }),
      () => misconfigured.balances.getPrimary(),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(errors.ClientError);
      expect((err as errors.ClientError).statusCode).toBe(403);
      expect(JSON.parse((err as errors.ClientError).body)).toEqual({
        status: 403,
        title: 'Forbidden',
        detail:
          'This endpoint requires an organization access token or OAuth with the balances.read scope; API keys cannot access balances.',
        _links: {
          documentation: { href: 'https://docs.mollie.com/overview/authentication', type: 'text/html' },
        },
      });
    }
  });

  it('is live mode for the token without testmode: no balances, test entities are 404', async () => {
    const { withToken } = account();
    const eurId = await balanceId(withToken);
    for (const testmode of [undefined, false]) {
      const list = await withToken.balances.list({ testmode });
      expect(list.result.count).toBe(0);
      expect(list.result.embedded.balances).toEqual([]);
      const err = await withToken.balances.get({ balanceId: eurId, testmode }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(errors.ErrorResponse);
      expect((err as errors.ErrorResponse).statusCode).toBe(404);
      expect((err as errors.ErrorResponse).data$.detail).toBe(`No balance exists with token ${eurId}.`);
    }
    // The spec gives `get-primary-balance` no testmode parameter (the SDK sends none), so a token
    // always reads it in live mode, where the sandbox has no balance.
    const primary = await withToken.balances.getPrimary().catch((e: unknown) => e);
    expect(primary).toBeInstanceOf(errors.ClientError);
    expect((primary as errors.ClientError).statusCode).toBe(404);
  });

  it('runs payouts with the token too: testmode in the body on create, in the query otherwise', async () => {
    const { withKey, withToken } = account();
    const eurId = await balanceId(withToken);
    const created = await withToken.payouts.create({
      payoutRequest: { balanceId: eurId, amount: { currency: 'EUR', value: '7.00' }, testmode: true },
    });
    expect(created).toMatchObject({ balanceId: eurId, status: 'requested', mode: 'test' });
    expect(await withKey.payouts.get({ payoutId: created.id })).toEqual(created);
    expect(await withToken.payouts.get({ payoutId: created.id, testmode: true })).toEqual(created);
    const listed = await withToken.payouts.list({ testmode: true });
    expect(listed.result.embedded.payouts.map((p) => p.id)).toEqual([created.id]);

    // Live mode cannot see or create test entities.
    expect((await withToken.payouts.list({})).result.count).toBe(0);
    const hidden = await withToken.payouts.get({ payoutId: created.id }).catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(errors.ErrorResponse);
    expect((hidden as errors.ErrorResponse).statusCode).toBe(404);
    const liveCreate = await withToken.payouts
      .create({ payoutRequest: { balanceId: eurId, amount: { currency: 'EUR', value: '1.00' } } })
      .catch((e: unknown) => e);
    expect(liveCreate).toBeInstanceOf(errors.ErrorResponse);
    expect((liveCreate as errors.ErrorResponse).data$).toMatchObject({ status: 422, field: 'balanceId' });

    const canceled = await withToken.payouts.cancel({ payoutId: created.id, testmode: true });
    expect(canceled.status).toBe('canceled');
    expect((await withKey.payouts.get({ payoutId: created.id })).status).toBe('canceled');
  });

  it('rejects a live key with 401 as a ClientError', async () => {
    const live = 'live_abcdefghijklmnopqrstuvwxyz1234';
    for (const call of [
      () => sdk({ apiKey: live }).payouts.list({}),
      () => sdk({ advancedAccessToken: live }).balances.list({ testmode: true }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(errors.ClientError);
      expect((err as errors.ClientError).statusCode).toBe(401);
      expect(JSON.parse((err as errors.ClientError).body)).toMatchObject({
        status: 401,
        title: 'Unauthorized Request',
      });
    }
  });
});
