// The Mollie adapter against the Mollie simulator over real HTTP: every operation, the status table
// driven through the whole lifecycle, each error mapping, paging behind the gateway's "after" cursor,
// idempotency (including an in-doubt timeout), balances and bank accounts, and webhook signatures.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GatewayError,
  InsufficientFundsError,
  InvalidStateError,
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  ValidationError,
} from '../../src/domain/errors.ts';
import type { Payout } from '../../src/domain/payout.ts';
import { mollie } from '../../src/providers/mollie/index.ts';
import {
  mollieIdempotencyKey,
  toGatewayError,
  toPayout,
  toWireAmount,
} from '../../src/providers/mollie/mapper.ts';
import type { AdapterDeps } from '../../src/providers/module.ts';
import {
  implementedOperations,
  type CreatePayoutCommand,
  type PayoutProviderAdapter,
} from '../../src/providers/types.ts';
import { startMollieSimulator, type MollieSimulator } from '../../src/sandbox/mollie/index.ts';
import { adapterDeps, type DepsOverrides } from '../helpers/deps.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const silent = { info() {}, warn() {}, error() {} };
const deps: AdapterDeps = adapterDeps({ log: silent });

let sim: MollieSimulator;
const adapters: PayoutProviderAdapter[] = [];
beforeAll(async () => {
  sim = await startMollieSimulator({ port: 0 });
});
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  await sim.close();
});
afterEach(() => sim.setWebhook(null));

const newKey = () => `test_${randomBytes(15).toString('hex')}`;
/** An adapter's settings for a fresh sandbox organisation: API key for payouts, token for balances. */
const sandboxSettings = (key = newKey(), webhookSecret: string | null = null) => ({
  apiKey: key,
  accessToken: `access_${key.slice(5)}`,
  baseUrl: sim.url,
  webhookSecret,
});
const hexKey = () => randomBytes(32).toString('hex');

/** A fresh sandbox account (its own key) with the adapter over it and its two seeded balances. */
async function account(overrides: DepsOverrides = {}) {
  const key = newKey();
  const adapter = mollie.createAdapter(sandboxSettings(key, 'x'), adapterDeps({ log: silent, ...overrides }));
  adapters.push(adapter);
  const balances = await adapter.listBalances!();
  const eur = balances.find((b) => b.currency === 'EUR')!.providerBalanceId;
  const gbp = balances.find((b) => b.currency === 'GBP')!.providerBalanceId;
  return { key, adapter, eur, gbp };
}

async function helper(key: string, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sim.url}/v2/test-helpers${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  if (!res.ok) throw new Error(`test helper ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const advance = (key: string, id: string) => helper(key, 'POST', `/payouts/${id}/advance`);
const failWith = (key: string, id: string, code: string) =>
  helper(key, 'POST', `/payouts/${id}/fail`, { code });
const patchBalance = (key: string, id: string, body: unknown) =>
  helper(key, 'PATCH', `/balances/${id}`, body);

const command = (over: Partial<CreatePayoutCommand>): CreatePayoutCommand => ({
  amount: null,
  sourceId: null,
  destinationId: null,
  description: null,
  method: null,
  metadata: null,
  idempotencyKey: hexKey(),
  ...over,
});
const eurAmount = (minor: number) => ({ minor, currency: 'EUR' });

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

const postCount = () => sim.requests.filter((r) => r.method === 'POST' && r.path === '/v2/payouts').length;

describe('capabilities', () => {
  it('cannot be built without an organisation token: payout sources are balances', () => {
    const { accessToken: _none, ...keyOnly } = sandboxSettings();
    expect(() => mollie.createAdapter(keyOnly, deps)).toThrow(/organisation access token/);
  });

  it('declares exactly the implemented operations, without createBankAccount', () => {
    const adapter = mollie.createAdapter(sandboxSettings(), deps);

    adapters.push(adapter);
    expect(implementedOperations(adapter)).toEqual([...mollie.capabilities.operations]);
    expect(adapter.createBankAccount).toBeUndefined();
    expect(mollie.capabilities.createPayout).toEqual({
      amount: 'OPTIONAL',
      sourceId: 'REQUIRED',
      destinationId: 'FORBIDDEN',
      scheduledFor: 'FORBIDDEN',
      methods: [],
    });
    expect(mollie.capabilities.payoutActions).toEqual({ CANCEL: ['PENDING'] });
    expect(mollie.capabilities.notes[0]).toMatch(/balance.*own configured bank account/);
    expect(mollie.capabilities.currencies).toContain('HUF');
  });

  it('reads its environment: an API key enables it, a sandbox key is test_ plus 30 alphanumerics', () => {
    expect(mollie.liveSettings({ MOLLIE_BASE_URL: 'https://api.mollie.com' })).toBeNull();
    expect(
      mollie.liveSettings({
        MOLLIE_API_KEY: 'live_abc',
        MOLLIE_ACCESS_TOKEN: 'access_xyz',
        MOLLIE_BASE_URL: 'https://api.mollie.com',
      }),
    ).toMatchObject({ apiKey: 'live_abc', webhookSecret: null, accessToken: 'access_xyz' });
    const fresh = mollie.sandbox.credentials({ MOLLIE_BASE_URL: 'x' });
    expect(fresh.apiKey).toMatch(/^test_[A-Za-z0-9]{30}$/);
    // One sandbox organisation: the token carries the same suffix as the key.
    expect(fresh.accessToken).toBe(`access_${fresh.apiKey!.slice(5)}`);
    expect(mollie.sandbox.credentials({ MOLLIE_API_KEY: 'test_mine', MOLLIE_BASE_URL: 'x' })).toEqual({
      apiKey: 'test_mine',
      accessToken: 'access_mine',
    });
    expect(mollie.sandbox.credentials({ MOLLIE_API_KEY: 'live_mine', MOLLIE_BASE_URL: 'x' }).apiKey).not.toBe(
      'live_mine',
    );
  });
});

describe('createPayout and getPayout', () => {
  it('creates a payout with an amount from a balance to its own bank account', async () => {
    const { adapter, eur } = await account();
    const p = await adapter.createPayout!(
      command({ sourceId: eur, amount: eurAmount(1234), description: 'April' }),
    );
    expect(p).toMatchObject({
      provider: 'MOLLIE',
      status: 'PENDING',
      providerStatus: 'requested',
      amount: { minor: 1234, currency: 'EUR' },
      description: 'April',
      method: null,
      destinationId: eur,
      failure: null,
      expectedArrivalAt: null,
      updatedAt: null,
      metadata: null,
    });
    expect(p.providerPayoutId).toMatch(/^payout_/);
    expect(p.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(p.createdAt.getTime() - Date.now())).toBeLessThan(5000);
    expect(await adapter.getPayout!(p.providerPayoutId)).toEqual(p);
  });

  it('without an amount: null while PENDING, then the full available balance, exactly, once initiated', async () => {
    const { key, adapter, gbp } = await account();
    const p = await adapter.createPayout!(command({ sourceId: gbp }));
    expect(p).toMatchObject({
      status: 'PENDING',
      providerStatus: 'requested',
      amount: null,
      description: null,
      destinationId: gbp,
      failure: null,
    });
    expect(await adapter.getPayout!(p.providerPayoutId)).toEqual(p);
    const listed = await adapter.listPayouts!({ afterId: null, limit: 10 });
    expect(listed.items).toEqual([p]);
    // Mollie fixes the amount when it initiates the payout, from the balance as it is then.
    await patchBalance(key, gbp, { availableAmount: { currency: 'GBP', value: '4321.07' } });
    await advance(key, p.providerPayoutId);
    expect(await adapter.getPayout!(p.providerPayoutId)).toMatchObject({
      status: 'PROCESSING',
      providerStatus: 'initiated',
      amount: { minor: 432107, currency: 'GBP' },
    });
    expect((await adapter.getBalance!(gbp)).available).toEqual({ minor: 0, currency: 'GBP' });
  });

  it('refuses metadata, destinationId and a missing sourceId before calling Mollie', async () => {
    const { adapter, eur } = await account();
    const before = postCount();
    const cases: [Partial<CreatePayoutCommand>, string][] = [
      [{ sourceId: eur, metadata: { a: 'b' } }, 'metadata'],
      [{ sourceId: eur, destinationId: eur }, 'destinationId'],
      [{}, 'sourceId'],
    ];
    for (const [over, field] of cases) {
      const e = await rejection(adapter.createPayout!(command(over)));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
    }
    expect(postCount()).toBe(before);
  });
});

describe('idempotency', () => {
  it('derives one UUID v4 per client key, deterministically', () => {
    const k = 'ab'.repeat(32);
    const uuid = mollieIdempotencyKey(k);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mollieIdempotencyKey(k)).toBe(uuid);
    expect(mollieIdempotencyKey('cd'.repeat(32))).not.toBe(uuid);
    expect(mollieIdempotencyKey('not hex at all')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the same client key yields the same payout; Mollie holds exactly one', async () => {
    const { adapter, eur } = await account();
    const cmd = command({ sourceId: eur, amount: eurAmount(500) });
    const before = sim.requests.length;
    const first = await adapter.createPayout!(cmd);
    const second = await adapter.createPayout!(cmd);
    expect(second.providerPayoutId).toBe(first.providerPayoutId);
    const posts = sim.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/v2/payouts');
    // Both reached Mollie; the second was a replay (a new payout would be a 422 "already scheduled").
    expect(posts.map((r) => r.status)).toEqual([201, 201]);
    const list = await adapter.listPayouts!({ afterId: null, limit: 10 });
    expect(list.items.map((p) => p.providerPayoutId)).toEqual([first.providerPayoutId]);
    // A different client key is a different Mollie key: Mollie really tries a second payout.
    const other = await rejection(adapter.createPayout!({ ...cmd, idempotencyKey: hexKey() }));
    expect(other).toBeInstanceOf(InvalidStateError);
  });

  it('a create whose answer timed out is retried with the same key and returns the one payout', async () => {
    const { adapter, eur } = await account({ transport: { timeoutMs: 300, retries: 1 } });
    sim.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', delayMs: 2500, count: 1 });
    const before = postCount();
    const p = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(700) }));
    expect(p.amount?.minor).toBe(700);
    // The first POST created it and timed out on our side (undici's timers tick at ~1 s, hence the
    // long delay); the retry got Mollie's replay. The simulator logs the delayed first request only
    // once it finally answers.
    await vi.waitFor(() => expect(postCount() - before).toBe(2), { timeout: 3000 });
    const list = await adapter.listPayouts!({ afterId: null, limit: 10 });
    expect(list.items.map((x) => x.providerPayoutId)).toEqual([p.providerPayoutId]);
  });
});

describe('listPayouts', () => {
  /** Creates n payouts on one balance; each is cancelled so the next may be requested. */
  async function history(n: number) {
    const acc = await account();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = await acc.adapter.createPayout!(command({ sourceId: acc.eur, amount: eurAmount(100 + i) }));
      ids.push(p.providerPayoutId);
      if (i < n - 1) await acc.adapter.cancelPayout!(p.providerPayoutId);
    }
    return { ...acc, ids };
  }

  it('pages newest first behind the after-id cursor, without duplicates or gaps', async () => {
    const { adapter, ids } = await history(5);
    const seen: string[] = [];
    const hasMore: boolean[] = [];
    let afterId: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = await adapter.listPayouts!({ afterId, limit: 2 });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.providerPayoutId));
      hasMore.push(page.hasMore);
      if (!page.hasMore) break;
      afterId = page.items.at(-1)!.providerPayoutId;
    }
    expect(seen).toEqual([...ids].reverse());
    expect(hasMore).toEqual([true, true, false]);
  });

  it('filters status and dates on our side, still paging correctly', async () => {
    const { key, adapter, eur, ids } = await history(5);
    // ids[4] is the one still requested; move it on so statuses differ: 4 canceled, 1 processing.
    await advance(key, ids[4]!);
    const canceled = [...ids.slice(0, 4)].reverse();
    const page1 = await adapter.listPayouts!({ afterId: null, limit: 3, filter: { status: ['CANCELED'] } });
    expect(page1.items.map((p) => p.providerPayoutId)).toEqual(canceled.slice(0, 3));
    expect(page1.hasMore).toBe(true);
    const page2 = await adapter.listPayouts!({
      afterId: page1.items.at(-1)!.providerPayoutId,
      limit: 3,
      filter: { status: ['CANCELED'] },
    });
    expect(page2.items.map((p) => p.providerPayoutId)).toEqual(canceled.slice(3));
    expect(page2.hasMore).toBe(false);

    const processing = await adapter.listPayouts!({
      afterId: null,
      limit: 10,
      filter: { status: ['PENDING', 'PROCESSING'] },
    });
    expect(processing.items.map((p) => [p.providerPayoutId, p.status])).toEqual([[ids[4], 'PROCESSING']]);

    const future = new Date(Date.now() + 60_000);
    expect(
      await adapter.listPayouts!({ afterId: null, limit: 10, filter: { createdAfter: future } }),
    ).toEqual({
      items: [],
      hasMore: false,
    });
    const past = new Date(Date.now() - 60_000);
    const before = await adapter.listPayouts!({ afterId: null, limit: 10, filter: { createdBefore: past } });
    expect(before.items).toEqual([]);
    const window = await adapter.listPayouts!({
      afterId: null,
      limit: 10,
      filter: { createdAfter: past, createdBefore: future },
    });
    expect(window.items).toHaveLength(5);
    expect(window.items.every((p: Payout) => p.destinationId === eur)).toBe(true);
  });

  it('a date filter reads on across provider pages, and stops once pages are older than createdAfter', async () => {
    // 101 payouts: more than one provider page (100) when filtering on our side.
    const { adapter, ids } = await history(101);
    const past = new Date(Date.now() - 60_000);
    const page = await adapter.listPayouts!({ afterId: null, limit: 100, filter: { createdAfter: past } });
    expect(page.items.map((p) => p.providerPayoutId)).toEqual([...ids].reverse().slice(0, 100));
    expect(page.hasMore).toBe(true);
    const last = await adapter.listPayouts!({
      afterId: page.items.at(-1)!.providerPayoutId,
      limit: 100,
      filter: { createdAfter: past },
    });
    expect(last).toMatchObject({ items: [{ providerPayoutId: ids[0] }], hasMore: false });

    const reads = () => sim.requests.filter((r) => r.method === 'GET' && r.path === '/v2/payouts').length;
    const before = reads();
    const future = new Date(Date.now() + 60_000);
    expect(
      await adapter.listPayouts!({ afterId: null, limit: 10, filter: { createdAfter: future } }),
    ).toEqual({
      items: [],
      hasMore: false,
    });
    expect(reads() - before).toBe(1);
  });

  it('an unknown after id is a ValidationError on after', async () => {
    const { adapter } = await account();
    const e = await rejection(adapter.listPayouts!({ afterId: 'payout_unknown', limit: 5 }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('after');
  });
});

describe('cancelPayout', () => {
  it('cancels while requested; afterwards, and once initiated, it is an InvalidStateError', async () => {
    const { key, adapter, eur } = await account();
    const p = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(900) }));
    const canceled = await adapter.cancelPayout!(p.providerPayoutId);
    expect(canceled).toMatchObject({ status: 'CANCELED', providerStatus: 'canceled', failure: null });
    expect(canceled.updatedAt).toBeInstanceOf(Date);
    expect(await rejection(adapter.cancelPayout!(p.providerPayoutId))).toBeInstanceOf(InvalidStateError);

    const q = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(900) }));
    await advance(key, q.providerPayoutId);
    const late = await rejection(adapter.cancelPayout!(q.providerPayoutId));
    expect(late).toBeInstanceOf(InvalidStateError);
    expect(late.message).toBe('The payout cannot be canceled in its current state.');
    expect((await adapter.getPayout!(q.providerPayoutId)).status).toBe('PROCESSING');
  });
});

describe('status mapping through the lifecycle', () => {
  it('maps every Mollie state, with statusReason as the failure only when failed', async () => {
    const { key, adapter, eur } = await account();
    const p = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(10_000) }));
    const id = p.providerPayoutId;
    const seen = [[p.providerStatus, p.status]];
    for (let i = 0; i < 3; i++) {
      await advance(key, id);
      const now = await adapter.getPayout!(id);
      expect(now.failure).toBeNull();
      expect(now.updatedAt).toBeInstanceOf(Date);
      seen.push([now.providerStatus, now.status]);
    }
    expect(seen).toEqual([
      ['requested', 'PENDING'],
      ['initiated', 'PROCESSING'],
      ['processing-at-bank', 'PROCESSING'],
      ['completed', 'PAID'],
    ]);
    // Initiation reserved the funds: 2500.00 − 100.00, to the cent.
    const balances = await adapter.listBalances!();
    expect(balances.find((b) => b.providerBalanceId === eur)!.available).toEqual(eurAmount(240_000));

    const f = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) }));
    await advance(key, f.providerPayoutId);
    await failWith(key, f.providerPayoutId, 'bank_processing_failed');
    expect(await adapter.getPayout!(f.providerPayoutId)).toMatchObject({
      status: 'FAILED',
      providerStatus: 'failed',
      failure: {
        code: 'bank_processing_failed',
        message: 'The payout could not be completed due to a processing error.',
      },
    });

    const x = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) }));
    await failWith(key, x.providerPayoutId, 'expired');
    const expired = await adapter.getPayout!(x.providerPayoutId);
    expect(expired.failure).toEqual({
      code: 'expired',
      message: 'The payout expired before it could be processed.',
    });
    expect(expired.status).toBe('FAILED');
  });

  it('reports an unknown Mollie status as UNKNOWN and logs it; a missing amount is null', () => {
    const warned: object[] = [];
    const log = { warn: (o: object) => warned.push(o) };
    const wire = {
      resource: 'payout' as const,
      id: 'payout_x',
      balanceId: 'bal_x',
      amount: { currency: 'EUR', value: '1.00' },
      status: 'on-hold',
      statusReason: { code: 'on_hold', message: 'held' },
      createdAt: '2026-04-02T10:00:00+00:00',
      initiatedAt: '2026-04-03T10:00:00+00:00',
      canceledAt: null,
    };
    const p = toPayout(wire, log);
    expect([p.status, p.providerStatus, p.failure]).toEqual(['UNKNOWN', 'on-hold', null]);
    expect(p.updatedAt).toEqual(new Date('2026-04-03T10:00:00Z'));
    expect(warned).toEqual([{ provider: 'MOLLIE', providerStatus: 'on-hold' }]);
    expect(p.amount).toEqual({ minor: 100, currency: 'EUR' });
    expect(toPayout({ ...wire, amount: null }, log).amount).toBeNull();
    expect(toPayout({ ...wire, amount: undefined }, log).amount).toBeNull();
  });
});

describe('error mapping', () => {
  it('maps each create refusal to its typed error', async () => {
    const { key, adapter, eur, gbp } = await account();
    const expectError = async (
      cmd: Partial<CreatePayoutCommand>,
      type: new (...args: never[]) => GatewayError,
      detail: Json,
    ) => {
      const e = await rejection(adapter.createPayout!(command(cmd)));
      expect(e).toBeInstanceOf(type);
      expect(e).toMatchObject(detail);
    };
    await expectError({ sourceId: 'bal_doesnotexist' }, ValidationError, {
      field: 'sourceId',
      message: "The 'balanceId' field is invalid.",
    });
    await expectError({ sourceId: eur, amount: eurAmount(99_999_999) }, InsufficientFundsError, {
      code: 'INSUFFICIENT_FUNDS',
    });
    await expectError({ sourceId: eur, amount: { minor: 100, currency: 'GBP' } }, ValidationError, {
      field: 'amount.currency',
    });
    await expectError(
      { sourceId: eur, amount: eurAmount(100), description: 'x'.repeat(256) },
      ValidationError,
      {
        field: 'description',
      },
    );

    await patchBalance(key, gbp, { availableAmount: { currency: 'GBP', value: '0.00' } });
    await expectError({ sourceId: gbp }, InsufficientFundsError, {});

    await patchBalance(key, gbp, { status: 'inactive' });
    await expectError({ sourceId: gbp }, InvalidStateError, {
      code: 'BALANCE_NOT_ACTIVE',
      message: 'The balance is not active.',
    });
    await patchBalance(key, gbp, {
      status: 'active',
      transferDestination: null,
      availableAmount: { currency: 'GBP', value: '10.00' },
    });
    await expectError({ sourceId: gbp }, InvalidStateError, { code: 'NO_PAYOUT_DESTINATION' });

    await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) }));
    await expectError({ sourceId: eur, amount: eurAmount(100) }, InvalidStateError, {
      code: 'PAYOUT_ALREADY_SCHEDULED',
    });
  });

  it('404 is NotFoundError; a wrong key is ProviderRejectedError authentication_failed', async () => {
    const { adapter } = await account();
    expect(await rejection(adapter.getPayout!('payout_nope'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(adapter.cancelPayout!('payout_nope'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(adapter.getBankAccount!('bal_nope'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(adapter.getBankAccount!('primary'))).toBeInstanceOf(NotFoundError);

    const live = mollie.createAdapter(
      { apiKey: 'live_abc123', accessToken: 'access_abc123', baseUrl: sim.url, webhookSecret: null },
      deps,
    );
    adapters.push(live);
    const e = await rejection(live.getPayout!('payout_x'));
    expect(e).toBeInstanceOf(ProviderRejectedError);
    expect(e).toMatchObject({ provider: 'MOLLIE', providerCode: 'authentication_failed' });
  });

  it('429 and 503 that outlast the retries are ProviderUnavailableError; one 503 is retried away', async () => {
    const { adapter, eur } = await account();
    sim.injectFault({ method: 'GET', pathPrefix: '/v2/payouts', status: 429, count: 2 });
    const limited = await rejection(adapter.listPayouts!({ afterId: null, limit: 5 }));
    expect(limited).toBeInstanceOf(ProviderUnavailableError);
    expect(limited.message).toBe('You have exceeded the rate limit. Please slow down your requests.');

    sim.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', status: 503, count: 2 });
    const down = await rejection(adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) })));
    expect(down).toBeInstanceOf(ProviderUnavailableError);
    expect(down).toMatchObject({ provider: 'MOLLIE' });

    sim.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', status: 503, count: 1 });
    const before = postCount();
    const p = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) }));
    expect(p.status).toBe('PENDING');
    expect(postCount() - before).toBe(2);
  });

  it('maps bodies that are not Mollie errors, and the remaining statuses, as the table says', () => {
    expect(toGatewayError(404, null)).toBeInstanceOf(ProviderUnavailableError);
    expect(toGatewayError(502, { status: 502, detail: 'bad gateway' })).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(toGatewayError(403, { status: 403, detail: 'no scope' })).toMatchObject({
      providerCode: 'authentication_failed',
    });
    expect(
      toGatewayError(422, { status: 422, detail: 'Payouts are blocked.', field: 'balanceId' }),
    ).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(toGatewayError(422, { status: 422, detail: 'bad', field: 'amount' })).toMatchObject({
      field: 'amount.amount',
    });
    expect(toGatewayError(422, { status: 422, detail: 'bad', field: 'testmode' })).toMatchObject({
      field: 'testmode',
    });
    expect(toGatewayError(422, { status: 422, detail: 'bad' })).toMatchObject({ field: 'input' });
    expect(toGatewayError(410, { status: 410, detail: 'gone' })).toMatchObject({ providerCode: '410' });
  });
});

describe('balances and bank accounts', () => {
  it('lists every balance in exact minor units', async () => {
    const { key, adapter, eur, gbp } = await account();
    await patchBalance(key, gbp, { availableAmount: { currency: 'GBP', value: '0.07' } });
    const balances = await adapter.listBalances!();
    expect(balances.sort((a, b) => a.currency.localeCompare(b.currency))).toEqual([
      {
        provider: 'MOLLIE',
        providerBalanceId: eur,
        currency: 'EUR',
        available: { minor: 250_000, currency: 'EUR' },
        pending: { minor: 1_250, currency: 'EUR' },
      },
      {
        provider: 'MOLLIE',
        providerBalanceId: gbp,
        currency: 'GBP',
        available: { minor: 7, currency: 'GBP' },
        pending: { minor: 0, currency: 'GBP' },
      },
    ]);
  });

  it('serves each balance’s transfer destination as its bank account, last four only', async () => {
    const { key, adapter, eur, gbp } = await account();
    const eurAccount = await adapter.getBankAccount!(eur);
    expect(eurAccount).toEqual({
      provider: 'MOLLIE',
      providerBankAccountId: eur,
      holderName: 'Sandbox Merchant B.V.',
      last4: '0000',
      country: 'NL',
      currency: 'EUR',
      status: 'active',
    });
    expect(JSON.stringify(eurAccount)).not.toContain('INGB');
    expect(await adapter.getBankAccount!(gbp)).toMatchObject({
      last4: '5555',
      country: 'GB',
      currency: 'GBP',
    });

    const first = await adapter.listBankAccounts!({ afterId: null, limit: 1 });
    expect(first.hasMore).toBe(true);
    const rest = await adapter.listBankAccounts!({
      afterId: first.items[0]!.providerBankAccountId,
      limit: 1,
    });
    expect(rest.hasMore).toBe(false);
    expect([...first.items, ...rest.items].map((a) => a.providerBankAccountId).sort()).toEqual(
      [eur, gbp].sort(),
    );

    await patchBalance(key, gbp, { transferDestination: null });
    await patchBalance(key, eur, {
      status: 'inactive',
      transferDestination: { bankAccount: '123456789', beneficiaryName: 'Acme' },
    });
    const e = await rejection(adapter.getBankAccount!(gbp));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toMatch(/no configured bank account/);
    const only = await adapter.listBankAccounts!({ afterId: null, limit: 5 });
    expect(only).toEqual({
      items: [
        {
          provider: 'MOLLIE',
          providerBankAccountId: eur,
          holderName: 'Acme',
          last4: '6789',
          country: null,
          currency: 'EUR',
          status: 'inactive',
        },
      ],
      hasMore: false,
    });
  });

  it('writes HUF as whole forints with ".00", as Mollie wants', () => {
    expect(toWireAmount({ minor: 1500, currency: 'HUF' })).toEqual({ currency: 'HUF', value: '1500.00' });
    expect(toWireAmount({ minor: 1505, currency: 'EUR' })).toEqual({ currency: 'EUR', value: '15.05' });
  });
});

describe('organisation access token', () => {
  /** A stand-in Mollie that records how each request was authenticated. */
  async function recorder() {
    const seen: { path: string; auth: string | undefined; query: string }[] = [];
    const server: Server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: url.pathname, auth: req.headers.authorization, query: url.search });
      const body = url.pathname.startsWith('/v2/balances')
        ? { count: 0, _embedded: { balances: [] }, _links: { next: null } }
        : { count: 0, _embedded: { payouts: [] }, _links: { next: null } };
      res.writeHead(200, { 'content-type': 'application/hal+json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('uses the token (in test mode) for balances and the API key for payouts', async () => {
    const fake = await recorder();
    try {
      const adapter = mollie.createAdapter(
        {
          apiKey: 'test_key',
          baseUrl: fake.url,
          webhookSecret: null,
          accessToken: 'access_tok',
        },
        deps,
      );
      await adapter.listBalances!();
      await adapter.listPayouts!({ afterId: null, limit: 5 });
      await adapter.close();
      expect(fake.seen).toEqual([
        { path: '/v2/balances', auth: 'Bearer access_tok', query: '?limit=249&testmode=true' },
        { path: '/v2/payouts', auth: 'Bearer test_key', query: '?limit=5' },
      ]);
    } finally {
      await fake.close();
    }
  });
});

describe('webhook verification', () => {
  const secret = 'whsec_' + randomBytes(8).toString('hex');
  const body = JSON.stringify({ resource: 'event', id: 'event_1', type: 'payout.completed' });
  const sign = (raw: string, key: string) => `sha256=${createHmac('sha256', key).update(raw).digest('hex')}`;
  const verify = (raw: string, values: string[]) => {
    const headers = new Headers();
    for (const v of values) headers.append('X-Mollie-Signature', v);
    return mollie.verifyWebhook(raw, headers, secret, Date.now());
  };

  it('accepts a correct signature and any match of a rotated pair; refuses the rest', () => {
    expect(verify(body, [sign(body, secret)])).toBe(true);
    expect(verify(body, [sign(body, 'old-secret'), sign(body, secret)])).toBe(true);
    expect(verify(body, [`${sign(body, secret)},${sign(body, 'old')}`])).toBe(true);
    expect(verify(body, [sign(body, 'wrong')])).toBe(false);
    expect(verify(body + ' ', [sign(body, secret)])).toBe(false);
    expect(verify(body, [sign(body, secret).replace('sha256=', '')])).toBe(false);
    expect(verify(body, [])).toBe(false);
  });

  it('accepts what the simulator really delivers', async () => {
    const deliveries: { raw: string; headers: Headers }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        deliveries.push({ raw: Buffer.concat(chunks).toString('utf8'), headers });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      sim.setWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret });
      const { key, adapter, eur } = await account();
      const p = await adapter.createPayout!(command({ sourceId: eur, amount: eurAmount(100) }));
      await advance(key, p.providerPayoutId);
      await sim.idle();
      expect(deliveries).toHaveLength(1);
      const d = deliveries[0]!;
      expect(mollie.verifyWebhook(d.raw, d.headers, secret, Date.now())).toBe(true);
      expect(mollie.verifyWebhook(d.raw, d.headers, 'another', Date.now())).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
