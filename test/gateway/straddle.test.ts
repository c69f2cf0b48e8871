// Straddle through GraphQL, against the Straddle sandbox simulator over real HTTP: bank accounts as
// customer + paykey, USD payouts with the caller's IP and a scheduled date, the whole lifecycle in
// allowed and refused states, listing through payments search, unmasking, and signed webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBankAccountInput, CreatePayoutInput } from '../gql/graphql.ts';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  GetPayout,
  HoldPayout,
  ListPayouts,
  Providers,
  ReleasePayout,
  UnmaskBankAccount,
  UpdatePayout,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let n = 0;
const key = () => `straddle-${Date.now()}-${n++}`;

const ACCOUNT = {
  provider: 'STRADDLE',
  holderName: 'Riley Tenant',
  country: 'US',
  currency: 'USD',
  routingNumber: '021000021',
  accountNumber: '000123456789',
  accountType: 'CHECKING',
  customerType: 'INDIVIDUAL',
  email: 'riley@example.com',
  phone: '+12125550123',
} as const;

let t: TestApp;
let destinationId: string;
beforeAll(async () => {
  // One proxy in front (X-Forwarded-For's last entry is the client's address).
  t = await startTestApp('memory', { GATEWAY_TRUSTED_PROXIES: '1' });
  const r = (await t.exec(CreateBankAccount, { input: { ...ACCOUNT, idempotencyKey: key() } })).data!
    .createBankAccount as Json;
  expect(r.__typename, JSON.stringify(r)).toBe('CreateBankAccountSuccess');
  destinationId = r.bankAccount.id;
});
afterAll(() => t.close());

async function sim(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${t.straddle.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.app.sandboxCredentials.get('STRADDLE')!.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `test-${key()}`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Json;
}
const advance = (p: Json) => sim('POST', `/test-helpers/payouts/${p.providerPayoutId}/advance`);

async function pay(input: Partial<CreatePayoutInput> = {}, headers: Record<string, string> = {}) {
  const res = await t.exec(
    CreatePayout,
    {
      input: {
        provider: 'STRADDLE',
        amount: { amount: '25.00', currency: 'USD' },
        destinationId,
        description: 'Deposit refund',
        idempotencyKey: key(),
        ...input,
      } as CreatePayoutInput,
    },
    'full',
    headers,
  );
  return res.data!.createPayout as Json;
}

describe('Straddle bank accounts', () => {
  it('creates the customer and paykey, masked, with the bank’s name', async () => {
    const input = { ...ACCOUNT, email: 'riley.second@example.com', idempotencyKey: key() };
    const r = (await t.exec(CreateBankAccount, { input })).data!.createBankAccount as Json;
    expect(r.__typename, JSON.stringify(r)).toBe('CreateBankAccountSuccess');
    expect(r.bankAccount).toMatchObject({
      provider: 'STRADDLE',
      last4: '6789',
      status: 'active',
      holderName: 'Riley Tenant',
      bankName: 'JPMorgan Chase',
    });
    const raw = await sim(
      'GET',
      `/v1/paykeys/${Buffer.from(r.bankAccount.id, 'base64').toString().split(':').pop()}`,
    );
    expect(raw.data.bank_data.account_number).not.toContain('000123456789');
  });

  it.each([
    [{ routingNumber: '021000022' }, 'routingNumber'],
    [{ routingNumber: '12345' }, 'routingNumber'],
    [{ phone: '212-555-0123' }, 'phone'],
    [{ email: null }, 'email'],
  ] as const)('refuses %j before calling Straddle', async (change, field) => {
    const calls = t.straddle.requests.length;
    const r = (
      await t.exec(CreateBankAccount, {
        input: { ...ACCOUNT, ...change, idempotencyKey: key() } as CreateBankAccountInput,
      })
    ).data!.createBankAccount;
    expect(r).toMatchObject({ __typename: 'ValidationError', field });
    expect(t.straddle.requests.length).toBe(calls);
  });

  it('unmasks the account number only with bank_accounts:unmask', async () => {
    const denied = await t.exec(UnmaskBankAccount, { id: destinationId }, 'accountsOnly');
    expect(denied.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const shown = await t.exec(UnmaskBankAccount, { id: destinationId });
    expect(shown.data!.bankAccount!.unmaskedAccountNumber).toBe('000123456789');
  });
});

describe('Straddle payouts', () => {
  it('creates a USD payout with derived keys, the caller’s IP and a scheduled date', async () => {
    const r = await pay(
      { scheduledFor: '2099-01-15', metadata: { lease: 'L-9' } },
      { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' },
    );
    expect(r.__typename, JSON.stringify(r)).toBe('CreatePayoutSuccess');
    expect(r.payout).toMatchObject({
      status: 'PENDING',
      providerStatus: 'created',
      amount: { amount: '25.00' },
      metadata: { lease: 'L-9' },
    });
    expect(r.payout.allowedActions.sort()).toEqual(['CANCEL', 'HOLD', 'UPDATE']);
    const wire = (await sim('GET', `/v1/payouts/${r.payout.providerPayoutId}`)).data;
    expect(wire).toMatchObject({ payment_date: '2099-01-15', device: { ip_address: '203.0.113.7' } });
    expect(wire.external_id).toMatch(/^pg-[0-9a-f]{32}$/);
  });

  it('refuses another currency, more than 20 metadata pairs and a date at other providers, calling nothing', async () => {
    const calls = countRequests(t.straddle, 'POST', /^\/v1\/payouts$/);
    expect(await pay({ amount: { amount: '1.00', currency: 'GBP' } })).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount.currency',
    });
    const metadata = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect(await pay({ metadata })).toMatchObject({ __typename: 'ValidationError', field: 'metadata' });
    expect(countRequests(t.straddle, 'POST', /^\/v1\/payouts$/)).toBe(calls);
    const casapay = await t.exec(CreatePayout, {
      input: {
        provider: 'CASAPAY',
        amount: { amount: '1.00', currency: 'GBP' },
        destinationId,
        scheduledFor: '2099-01-01',
        idempotencyKey: key(),
      },
    });
    expect(casapay.data!.createPayout).toMatchObject({
      __typename: 'ValidationError',
      field: 'scheduledFor',
    });
  });

  it('maps Straddle’s refusals to typed errors: a past payment_date is a ValidationError on scheduledFor', async () => {
    const r = await pay({ scheduledFor: '2001-01-01' });
    expect(r).toMatchObject({ __typename: 'ValidationError', field: 'scheduledFor' });
    expect(r.message).toMatch(/in the past/);
  });

  it('holds, updates, releases and cancels in the allowed states', async () => {
    const p = (await pay()).payout as Json;
    const held = (await t.exec(HoldPayout, { id: p.id, reason: 'checking the lease' })).data!
      .holdPayout as Json;
    expect(held.payout).toMatchObject({
      status: 'ON_HOLD',
      allowedActions: expect.arrayContaining(['RELEASE', 'UPDATE', 'CANCEL']),
    });
    const updated = (
      await t.exec(UpdatePayout, {
        input: {
          id: p.id,
          amount: { amount: '30.00', currency: 'USD' },
          description: 'Deposit refund, corrected',
        },
      })
    ).data!.updatePayout as Json;
    expect(updated.payout).toMatchObject({
      status: 'ON_HOLD',
      amount: { amount: '30.00' },
      description: 'Deposit refund, corrected',
    });
    const released = (await t.exec(ReleasePayout, { id: p.id })).data!.releasePayout as Json;
    expect(released.payout.status).toBe('PENDING');
    const cancelled = (await t.exec(CancelPayout, { id: p.id })).data!.cancelPayout as Json;
    expect(cancelled.payout).toMatchObject({
      status: 'CANCELED',
      providerStatus: 'cancelled',
      allowedActions: [],
    });
    // Straddle's own status_history, oldest first, with the reasons given.
    const history = cancelled.payout.statusHistory as Json[];
    expect(history.map((h) => h.providerStatus)).toEqual(['created', 'on_hold', 'created', 'cancelled']);
    expect(history.map((h) => h.status)).toEqual(['PENDING', 'ON_HOLD', 'PENDING', 'CANCELED']);
    expect(history[1]!.reason).toContain('checking the lease');
    const times = history.map((h) => Date.parse(h.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('refuses every action once Straddle has sent the payout, naming the status', async () => {
    const p = (await pay()).payout as Json;
    await advance(p);
    await advance(p);
    const read = (await t.exec(GetPayout, { id: p.id })).data!.payout!;
    expect(read).toMatchObject({ status: 'PROCESSING', providerStatus: 'pending', allowedActions: [] });
    const puts = countRequests(t.straddle, 'PUT', /^\/v1\/payouts/);
    const hold = (await t.exec(HoldPayout, { id: p.id, reason: 'late' })).data!.holdPayout;
    expect(hold).toMatchObject({
      __typename: 'InvalidStateError',
      message: expect.stringContaining('PROCESSING'),
    });
    expect((await t.exec(CancelPayout, { id: p.id })).data!.cancelPayout).toMatchObject({
      __typename: 'InvalidStateError',
    });
    expect(countRequests(t.straddle, 'PUT', /^\/v1\/payouts/)).toBe(puts);
    await advance(p);
    expect((await t.exec(GetPayout, { id: p.id })).data!.payout!.status).toBe('PAID');
  });

  it('lists Straddle payouts newest first through payments search, page by page', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.unshift(((await pay()).payout as Json).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const c: Json = (await t.exec(ListPayouts, { first: 2, after, filter: { provider: 'STRADDLE' } })).data!
        .payouts;
      seen.push(...c.edges.map((e: Json) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen.slice(0, 3)).toEqual(made);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('verifies the payout webhooks Straddle signs', async () => {
    const before = t.app.gateway.webhooks.counts.STRADDLE?.received ?? 0;
    await pay();
    await t.straddle.idle();
    // payout.created.v1 and payout.event.v1, both verified (Standard Webhooks).
    expect((t.app.gateway.webhooks.counts.STRADDLE?.received ?? 0) - before).toBeGreaterThanOrEqual(2);
    const forged = await t.app.gateway.yoga.fetch('http://gateway/webhooks/straddle', {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: '{}',
    });
    expect(forged.status).toBe(400);
  });

  it('is listed as implemented, with its webhooks and windows', async () => {
    const p = (await t.exec(Providers)).data!.providers.find((x) => x.provider === 'STRADDLE')!;
    expect(p).toMatchObject({
      implemented: true,
      enabled: true,
      webhooks: true,
      statusSource: 'WEBHOOK',
      currencies: ['USD'],
    });
  });
});

it('ignores X-Forwarded-For without trusted proxies: a client cannot choose the device IP', async () => {
  const plain = await startTestApp();
  try {
    const account = (await plain.exec(CreateBankAccount, { input: { ...ACCOUNT, idempotencyKey: key() } }))
      .data!.createBankAccount as Json;
    const res = (
      await plain.exec(
        CreatePayout,
        {
          input: {
            provider: 'STRADDLE',
            amount: { amount: '1.00', currency: 'USD' },
            destinationId: account.bankAccount.id,
            idempotencyKey: key(),
          },
        },
        'full',
        { 'x-forwarded-for': '203.0.113.99' },
      )
    ).data!.createPayout as Json;
    const wire = await fetch(`${plain.straddle.url}/v1/payouts/${res.payout.providerPayoutId}`, {
      headers: { authorization: `Bearer ${plain.app.sandboxCredentials.get('STRADDLE')!.apiKey}` },
    });
    // yoga.fetch has no socket peer: the device is "offline consent", not the forged address.
    expect(((await wire.json()) as Json).data.device.ip_address).toBe('0.0.0.0');
  } finally {
    await plain.close();
  }
});
