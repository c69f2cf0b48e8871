// Mollie through GraphQL, against the Mollie sandbox simulator over real HTTP: a payout moves money
// from a Mollie balance to that balance's own configured bank account. Discovery (providers,
// balances), create with and without amount, read, list and paging, the lifecycle, cancel in time
// and too late, the read-only destination bank accounts (and their DataLoader batching), every
// error type Mollie can produce, idempotency and node(id:).
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { CreatePayoutInput, ListPayoutsQuery, PayoutFilter, PayoutStatus } from '../gql/graphql.ts';
import { countRequests, startTestApp, stateKinds, type StateKind, type TestApp } from '../helpers/app.ts';
import { startMollieSimulator } from '../../src/sandbox/mollie/index.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  GetBankAccount,
  GetPayout,
  ListBankAccounts,
  ListPayouts,
  Node,
  Providers,
} from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

// The seeded sandbox account (src/sandbox/mollie/store.ts).
const EUR_IBAN = 'NL55INGB0000000000';
const GBP_IBAN = 'GB33BUKB20201555555555';

let n = 0;
const key = () => `mollie-${Date.now()}-${n++}`;

/** A gateway (and Mollie sandbox account) of this test's own, closed when the test ends. */
async function fresh(env: Record<string, string> = {}, state: StateKind = 'memory'): Promise<TestApp> {
  const t = await startTestApp(state, env);
  onTestFinished(() => t.close());
  return t;
}

interface SeededBalance {
  /** Gateway Balance id. */
  id: string;
  /** Mollie's `bal_…`. */
  providerId: string;
  /** Gateway BankAccount id of the balance's transfer destination. */
  bankAccountId: string;
}

/** The account's EUR and GBP balances, by their gateway ids. */
async function seeded(t: TestApp): Promise<{ eur: SeededBalance; gbp: SeededBalance }> {
  const res = await t.exec(Balances, { provider: 'MOLLIE' });
  const of = (currency: string): SeededBalance => {
    const id = res.data!.balances.nodes.find((b) => b.currency === currency)!.id;
    const providerId = unb64(id).replace(/^Balance:MOLLIE:/, '');
    return { id, providerId, bankAccountId: b64(`BankAccount:MOLLIE:${providerId}`) };
  };
  return { eur: of('EUR'), gbp: of('GBP') };
}

/** Calls a simulator test helper as the gateway's own sandbox account; must succeed. */
async function helper(t: TestApp, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${t.mollie.url}/v2/test-helpers${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.app.sandboxCredentials.get('MOLLIE')!.apiKey}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  if (!res.ok) throw new Error(`test helper ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const advance = (t: TestApp, providerPayoutId: string) =>
  helper(t, 'POST', `/payouts/${providerPayoutId}/advance`);
const failPayout = (t: TestApp, providerPayoutId: string, code: string) =>
  helper(t, 'POST', `/payouts/${providerPayoutId}/fail`, { code });
const patchBalance = (t: TestApp, balance: SeededBalance, body: unknown) =>
  helper(t, 'PATCH', `/balances/${balance.providerId}`, body);

type Input = Omit<CreatePayoutInput, 'provider' | 'idempotencyKey'> & { idempotencyKey?: string };

async function create(t: TestApp, input: Input) {
  const res = await t.exec(CreatePayout, {
    input: { provider: 'MOLLIE', idempotencyKey: key(), ...input },
  });
  expect(res.errors).toBeUndefined();
  return { result: res.data!.createPayout, raw: JSON.stringify(res) };
}

async function created(t: TestApp, input: Input) {
  const { result } = await create(t, input);
  if (result.__typename !== 'CreatePayoutSuccess')
    throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.payout;
}

const eurAmount = (amount: string) => ({ amount, currency: 'EUR' });
const gbpAmount = (amount: string) => ({ amount, currency: 'GBP' });

async function available(t: TestApp, currency: string): Promise<number> {
  const res = await t.exec(Balances, { provider: 'MOLLIE' });
  return res.data!.balances.nodes.find((b) => b.currency === currency)!.available.minorUnits;
}

async function read(t: TestApp, id: string) {
  const res = await t.exec(GetPayout, { id });
  expect(res.errors).toBeUndefined();
  return res.data!.payout!;
}

async function molliePayoutIds(t: TestApp): Promise<string[]> {
  const res = await t.exec(ListPayouts, { first: 100, filter: { provider: 'MOLLIE' } });
  expect(res.errors).toBeUndefined();
  return res.data!.payouts.edges.map((e) => e.node.id);
}

describe('Mollie discovery', () => {
  it('describes Mollie in providers: a balance paid out to its own bank account', async () => {
    const t = await fresh();
    const res = await t.exec(Providers, {});
    expect(res.errors).toBeUndefined();
    const row = res.data!.providers.find((p) => p.provider === 'MOLLIE');
    expect(row).toMatchObject({
      displayName: 'Mollie',
      enabled: true,
      implemented: true,
      operations: [
        'CREATE_PAYOUT',
        'GET_PAYOUT',
        'LIST_PAYOUTS',
        'CANCEL_PAYOUT',
        'LIST_BALANCES',
        'GET_BALANCE',
        'GET_BANK_ACCOUNT',
        'LIST_BANK_ACCOUNTS',
      ],
      currencies: ['EUR', 'GBP', 'CHF', 'DKK', 'NOK', 'PLN', 'SEK', 'USD', 'CZK', 'HUF', 'AUD', 'CAD'],
      payoutActions: [{ action: 'CANCEL', statuses: ['PENDING'] }],
      createPayout: { amount: 'OPTIONAL', sourceId: 'REQUIRED', destinationId: 'FORBIDDEN', methods: [] },
      bankAccounts: true,
      balances: true,
      webhooks: true,
    });
    expect(row!.operations).not.toContain('CREATE_BANK_ACCOUNT');
    const notes = row!.notes.join('\n');
    expect(notes).toContain('own configured bank account');
    expect(notes).toMatch(/omitting amount pays out the full available balance/);
    expect(notes).toMatch(/cannot be created through the API/);
  });

  it('lists the seeded EUR and GBP balances with exact amounts, under Mollie’s balance ids', async () => {
    const t = await fresh();
    const res = await t.exec(Balances, { provider: 'MOLLIE' });
    expect(res.errors).toBeUndefined();
    const balances = res.data!.balances.nodes;
    expect(balances).toHaveLength(2);
    expect(balances.find((b) => b.currency === 'EUR')).toEqual({
      id: expect.any(String),
      provider: 'MOLLIE',
      currency: 'EUR',
      available: { amount: '2500.00', currency: 'EUR', minorUnits: 250000 },
      pending: { amount: '12.50', minorUnits: 1250 },
    });
    expect(balances.find((b) => b.currency === 'GBP')).toEqual({
      id: expect.any(String),
      provider: 'MOLLIE',
      currency: 'GBP',
      available: { amount: '1800.00', currency: 'GBP', minorUnits: 180000 },
      pending: { amount: '0.00', minorUnits: 0 },
    });
    // The global ids carry Mollie's own balance ids.
    // Mollie's Balances API takes the organisation token, which picks test mode per request.
    const token = t.app.sandboxCredentials.get('MOLLIE')!.accessToken!;

    const direct = await fetch(`${t.mollie.url}/v2/balances?testmode=true`, {
      headers: { authorization: `Bearer ${token}` },
    });

    const wire = ((await direct.json()) as Json)._embedded.balances as Json[];
    expect(balances.map((b) => unb64(b.id)).sort()).toEqual(
      wire.map((b) => `Balance:MOLLIE:${b.id as string}`).sort(),
    );
  });
});

describe('Mollie payouts through GraphQL', () => {
  it('creates a payout from a balance to the balance’s own bank account, without the full number', async () => {
    const t = await fresh();
    const { eur } = await seeded(t);
    const { result, raw } = await create(t, {
      sourceId: eur.id,
      amount: eurAmount('100.00'),
      description: 'March payout',
    });
    if (result.__typename !== 'CreatePayoutSuccess') throw new Error(raw);
    const payout = result.payout;
    expect(payout).toMatchObject({
      provider: 'MOLLIE',
      status: 'PENDING',
      providerStatus: 'requested',
      amount: { amount: '100.00', currency: 'EUR', minorUnits: 10000 },
      description: 'March payout',
      method: null,
      failure: null,
      allowedActions: ['CANCEL'],
      expectedArrivalAt: null,
      updatedAt: null,
      metadata: null,
      destination: {
        id: eur.bankAccountId,
        provider: 'MOLLIE',
        holderName: 'Sandbox Merchant B.V.',
        last4: '0000',
        country: 'NL',
        currency: 'EUR',
        status: 'active',
      },
    });
    expect(payout.providerPayoutId).toMatch(/^payout_[A-Za-z0-9]+$/);
    expect(unb64(payout.id)).toBe(`Payout:MOLLIE:${payout.providerPayoutId}`);
    expect(Math.abs(new Date(payout.createdAt).getTime() - Date.now())).toBeLessThan(10_000);
    expect(raw).not.toContain(EUR_IBAN);
    expect(raw).not.toContain(EUR_IBAN.slice(0, -4));

    // Mollie reserves the money only when the payout is initiated (the next business day's run).
    expect(await available(t, 'EUR')).toBe(250000);
    await advance(t, payout.providerPayoutId);
    expect(await available(t, 'EUR')).toBe(240000);
  });

  it('created WITHOUT amount: amount null while PENDING, the full available balance once initiated', async () => {
    const t = await fresh();
    const { eur, gbp } = await seeded(t);
    const balanceOf = async (currency: string) =>
      (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes.find(
        (b) => b.currency === currency,
      )!.available;
    const all = await created(t, { sourceId: gbp.id });
    expect(all).toMatchObject({
      status: 'PENDING',
      providerStatus: 'requested',
      amount: null,
      allowedActions: ['CANCEL'],
      destination: {
        id: gbp.bankAccountId,
        holderName: 'Sandbox Merchant Ltd',
        last4: '5555',
        country: 'GB',
        currency: 'GBP',
      },
    });
    expect(await read(t, all.id)).toEqual(all);
    // Mollie fixes the amount when it initiates the payout: the balance's available amount then.
    await patchBalance(t, gbp, { availableAmount: { currency: 'GBP', value: '1234.56' } });
    await advance(t, all.providerPayoutId);
    expect(await read(t, all.id)).toMatchObject({
      status: 'PROCESSING',
      providerStatus: 'initiated',
      amount: { amount: '1234.56', currency: 'GBP', minorUnits: 123456 },
    });
    expect(await balanceOf('GBP')).toEqual({ amount: '0.00', currency: 'GBP', minorUnits: 0 });

    // "Available" at initiation: after 100.00 left the EUR balance, the rest is 2400.00.
    const part = await created(t, { sourceId: eur.id, amount: eurAmount('100.00') });
    await advance(t, part.providerPayoutId);
    const rest = await created(t, { sourceId: eur.id });
    expect(rest).toMatchObject({ status: 'PENDING', amount: null });
    await advance(t, rest.providerPayoutId);
    expect((await read(t, rest.id)).amount).toEqual({
      amount: '2400.00',
      currency: 'EUR',
      minorUnits: 240000,
    });
    expect(await balanceOf('EUR')).toEqual({ amount: '0.00', currency: 'EUR', minorUnits: 0 });
  });

  it('lists a payout without amount next to CasaPay payouts, without failing the page', async () => {
    const t = await fresh();
    const { gbp } = await seeded(t);
    const casapayAccount = (
      await t.exec(ListBankAccounts, { provider: 'CASAPAY', first: 10 })
    ).data!.bankAccounts.edges.find((e) => e.node.currency === 'GBP')!.node.id;
    const casapay = async (amount: string) => {
      const res = await t.exec(CreatePayout, {
        input: {
          provider: 'CASAPAY',
          amount: gbpAmount(amount),
          destinationId: casapayAccount,
          idempotencyKey: key(),
        },
      });
      const result = res.data!.createPayout;
      if (result.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(result));
      return result.payout.id;
    };
    const before = await casapay('11.00');
    const mollie = await created(t, { sourceId: gbp.id });
    const after = await casapay('12.00');

    // Across every provider, and Mollie alone: each page holds every payout, and no error.
    const page = await t.exec(ListPayouts, { first: 10 });
    expect(page.errors).toBeUndefined();
    expect(page.data!.payouts.edges.map((e) => [e.node.id, e.node.amount])).toEqual(
      expect.arrayContaining([
        [before, { amount: '11.00', currency: 'GBP' }],
        [mollie.id, null],
        [after, { amount: '12.00', currency: 'GBP' }],
      ]),
    );
    expect(page.data!.payouts.edges).toHaveLength(3);
    const onlyMollie = await t.exec(ListPayouts, { first: 10, filter: { provider: 'MOLLIE' } });
    expect(onlyMollie.errors).toBeUndefined();
    expect(onlyMollie.data!.payouts.edges.map((e) => [e.node.id, e.node.status, e.node.amount])).toEqual([
      [mollie.id, 'PENDING', null],
    ]);
    const node = await t.exec(Node, { id: mollie.id });
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toMatchObject({ __typename: 'Payout', id: mollie.id });
  });

  it('reads back, lists newest first, pages without gaps or repeats, and filters by status', async () => {
    const t = await fresh();
    const { eur, gbp } = await seeded(t);
    // Mollie allows one requested payout per balance: each is moved on before the next.
    const p0 = await created(t, { sourceId: eur.id, amount: eurAmount('1.01') });
    await advance(t, p0.providerPayoutId);
    const p1 = await created(t, { sourceId: eur.id, amount: eurAmount('1.02') });
    await t.exec(CancelPayout, { id: p1.id });
    const p2 = await created(t, { sourceId: gbp.id, amount: gbpAmount('1.03') });
    for (let i = 0; i < 3; i++) await advance(t, p2.providerPayoutId);
    const p3 = await created(t, { sourceId: eur.id, amount: eurAmount('1.04') });
    await advance(t, p3.providerPayoutId);
    const p4 = await created(t, { sourceId: gbp.id, amount: gbpAmount('1.05'), description: 'last' });
    const all = [p0, p1, p2, p3, p4];
    const newestFirst = all.map((p) => p.id).reverse();

    const back = await read(t, p4.id);
    expect(back).toEqual(p4);
    expect((await read(t, p0.id)).status).toBe('PROCESSING');
    expect((await read(t, p2.id)).status).toBe('PAID');
    const ghost = b64('Payout:MOLLIE:payout_doesnotexist');
    expect((await t.exec(GetPayout, { id: ghost })).data!.payout).toBeNull();

    const first = await t.exec(ListPayouts, { first: 10, filter: { provider: 'MOLLIE' } });
    const conn = first.data!.payouts;
    expect(conn.edges.map((e) => e.node.id)).toEqual(newestFirst);
    expect(conn.edges.map((e) => e.node.amount?.amount)).toEqual(['1.05', '1.04', '1.03', '1.02', '1.01']);
    expect(conn.edges.map((e) => e.node.status)).toEqual([
      'PENDING',
      'PROCESSING',
      'PAID',
      'CANCELED',
      'PROCESSING',
    ]);
    expect(conn.edges.map((e) => e.node.destination?.last4)).toEqual([
      '5555',
      '0000',
      '5555',
      '0000',
      '0000',
    ]);
    expect(conn.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    const walk = async (first: number, filter: PayoutFilter) => {
      const seen: string[] = [];
      const pages: number[] = [];
      let after: string | null = null;
      do {
        const res = await t.exec(ListPayouts, { first, after, filter: { provider: 'MOLLIE', ...filter } });
        expect(res.errors).toBeUndefined();
        const page: ListPayoutsQuery['payouts'] = res.data!.payouts;
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        seen.push(...page.edges.map((e) => e.node.id));
        pages.push(page.edges.length);
        after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
      } while (after && pages.length < 10);
      return { seen, pages };
    };
    expect(await walk(2, {})).toEqual({ seen: newestFirst, pages: [2, 2, 1] });
    expect(await walk(1, {})).toEqual({ seen: newestFirst, pages: [1, 1, 1, 1, 1] });
    expect(await walk(5, {})).toEqual({ seen: newestFirst, pages: [5] });

    const byStatus = async (status: PayoutStatus[]) =>
      (
        await t.exec(ListPayouts, { first: 50, filter: { provider: 'MOLLIE', status } })
      ).data!.payouts.edges.map((e) => e.node.id);
    expect(await byStatus(['PROCESSING'])).toEqual([p3.id, p0.id]);
    expect(await byStatus(['CANCELED'])).toEqual([p1.id]);
    expect(await byStatus(['PAID', 'PENDING'])).toEqual([p4.id, p2.id]);
    expect(await byStatus(['FAILED'])).toEqual([]);
    expect(await walk(1, { status: ['PROCESSING', 'PENDING'] })).toEqual({
      seen: [p4.id, p3.id, p0.id],
      pages: [1, 1, 1],
    });
  });

  it('follows Mollie’s lifecycle: initiated and processing-at-bank are PROCESSING, completed is PAID', async () => {
    const t = await fresh();
    const { eur } = await seeded(t);
    const payout = await created(t, { sourceId: eur.id, amount: eurAmount('50.00') });
    expect(payout).toMatchObject({ status: 'PENDING', allowedActions: ['CANCEL'], updatedAt: null });

    await advance(t, payout.providerPayoutId);
    let now = await read(t, payout.id);
    expect(now).toMatchObject({
      status: 'PROCESSING',
      providerStatus: 'initiated',
      allowedActions: [],
      failure: null,
    });
    expect(now.updatedAt).not.toBeNull();
    expect(await available(t, 'EUR')).toBe(245000);

    await advance(t, payout.providerPayoutId);
    now = await read(t, payout.id);
    expect(now).toMatchObject({
      status: 'PROCESSING',
      providerStatus: 'processing-at-bank',
      allowedActions: [],
      failure: null,
    });

    await advance(t, payout.providerPayoutId);
    now = await read(t, payout.id);
    expect(now).toMatchObject({
      status: 'PAID',
      providerStatus: 'completed',
      allowedActions: [],
      failure: null,
    });
    expect(now.updatedAt).not.toBeNull();
    // From Mollie's own timestamps: requested (createdAt), initiated, completed.
    expect(now.statusHistory.map((h: { providerStatus: string }) => h.providerStatus)).toEqual([
      'requested',
      'initiated',
      'completed',
    ]);

    // The bank sends it back after completion: FAILED, the reason from statusReason, money back.
    await failPayout(t, payout.providerPayoutId, 'returned');
    now = await read(t, payout.id);
    expect(now).toMatchObject({
      status: 'FAILED',
      providerStatus: 'failed',
      allowedActions: [],
      failure: { code: 'returned', message: 'The payout has been returned by the bank.' },
    });
    expect(await available(t, 'EUR')).toBe(250000);
  });

  it('reports a failure before initiation with its statusReason', async () => {
    const t = await fresh();
    const { gbp } = await seeded(t);
    const payout = await created(t, { sourceId: gbp.id, amount: gbpAmount('10.00') });
    await failPayout(t, payout.providerPayoutId, 'expired');
    expect(await read(t, payout.id)).toMatchObject({
      status: 'FAILED',
      providerStatus: 'failed',
      allowedActions: [],
      failure: { code: 'expired', message: 'The payout expired before it could be processed.' },
    });
    expect(await available(t, 'GBP')).toBe(180000);
  });

  it('cancels while requested; too late once initiated is an InvalidStateError', async () => {
    const t = await fresh();
    const { eur } = await seeded(t);
    const early = await created(t, { sourceId: eur.id, amount: eurAmount('20.00') });
    const cancel = await t.exec(CancelPayout, { id: early.id });
    expect(cancel.data!.cancelPayout).toMatchObject({
      __typename: 'CancelPayoutSuccess',
      payout: {
        id: early.id,
        status: 'CANCELED',
        providerStatus: 'canceled',
        allowedActions: [],
        failure: null,
        amount: { amount: '20.00', currency: 'EUR' },
      },
    });
    const canceled = await read(t, early.id);
    expect(canceled.status).toBe('CANCELED');
    expect(canceled.updatedAt).not.toBeNull();
    expect(await available(t, 'EUR')).toBe(250000);
    // Canceling it again is no longer possible.
    expect((await t.exec(CancelPayout, { id: early.id })).data!.cancelPayout).toMatchObject({
      __typename: 'InvalidStateError',
      code: 'INVALID_STATE',
    });

    // The balance's one "requested" slot is free again.
    const late = await created(t, { sourceId: eur.id, amount: eurAmount('30.00') });
    await advance(t, late.providerPayoutId);
    const from = t.mollie.requests.length;
    expect((await t.exec(CancelPayout, { id: late.id })).data!.cancelPayout).toMatchObject({
      __typename: 'InvalidStateError',
      code: 'INVALID_STATE',
      message: expect.stringContaining('this one is PROCESSING (initiated)'),
    });
    // The gateway knows the status windows: nothing is sent that Mollie would refuse.
    expect(countRequests(t.mollie, 'DELETE', /^\/v2\/payouts\/payout_/, from)).toBe(0);
    expect(await read(t, late.id)).toMatchObject({ status: 'PROCESSING', providerStatus: 'initiated' });
  });
});

describe('Mollie bank accounts (the balances’ transfer destinations)', () => {
  it('lists and reads the balances’ destinations, read-only and without full numbers', async () => {
    const t = await fresh();
    const { eur, gbp } = await seeded(t);
    const list = await t.exec(ListBankAccounts, { provider: 'MOLLIE', first: 10 });
    expect(list.errors).toBeUndefined();
    const nodes = list.data!.bankAccounts.edges.map((e) => e.node);
    expect(nodes).toHaveLength(2);
    expect(nodes.find((b) => b.currency === 'EUR')).toEqual({
      id: eur.bankAccountId,
      provider: 'MOLLIE',
      holderName: 'Sandbox Merchant B.V.',
      last4: '0000',
      country: 'NL',
      currency: 'EUR',
      status: 'active',
      verification: null,
    });
    expect(nodes.find((b) => b.currency === 'GBP')).toEqual({
      id: gbp.bankAccountId,
      provider: 'MOLLIE',
      holderName: 'Sandbox Merchant Ltd',
      last4: '5555',
      country: 'GB',
      currency: 'GBP',
      status: 'active',
      verification: null,
    });
    expect(list.data!.bankAccounts.pageInfo.hasNextPage).toBe(false);
    const raw = JSON.stringify(list);
    expect(raw).not.toContain(EUR_IBAN.slice(0, -4));
    expect(raw).not.toContain(GBP_IBAN.slice(0, -4));

    // One per page, no repeats.
    const one = await t.exec(ListBankAccounts, { provider: 'MOLLIE', first: 1 });
    const two = await t.exec(ListBankAccounts, {
      provider: 'MOLLIE',
      first: 1,
      after: one.data!.bankAccounts.pageInfo.endCursor,
    });
    expect(one.data!.bankAccounts.pageInfo.hasNextPage).toBe(true);
    expect(two.data!.bankAccounts.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(
      [...one.data!.bankAccounts.edges, ...two.data!.bankAccounts.edges].map((e) => e.node.id).sort(),
    ).toEqual([eur.bankAccountId, gbp.bankAccountId].sort());

    const single = await t.exec(GetBankAccount, { id: gbp.bankAccountId });
    expect(single.data!.bankAccount).toEqual(nodes.find((b) => b.currency === 'GBP'));
    expect(JSON.stringify(single)).not.toContain(GBP_IBAN.slice(0, -4));
    const ghost = b64('BankAccount:MOLLIE:bal_doesnotexist');
    expect((await t.exec(GetBankAccount, { id: ghost })).data!.bankAccount).toBeNull();
  });

  it('refuses createBankAccount for Mollie as an UnsupportedOperationError', async () => {
    const t = await fresh();
    const res = await t.exec(CreateBankAccount, {
      input: {
        provider: 'MOLLIE',
        holderName: 'A Merchant',
        country: 'NL',
        currency: 'EUR',
        iban: 'NL91ABNA0417164300',
        idempotencyKey: key(),
      },
    });
    expect(res.data!.createBankAccount).toMatchObject({
      __typename: 'UnsupportedOperationError',
      code: 'UNSUPPORTED_OPERATION',
      message: expect.stringContaining('Mollie'),
    });
    expect(t.mollie.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('loads the destinations of a page of payouts with one balance read per balance (DataLoader)', async () => {
    const t = await fresh();
    const { eur, gbp } = await seeded(t);
    for (let i = 0; i < 4; i++) {
      const p = await created(t, { sourceId: eur.id, amount: eurAmount(`2.0${i}`) });
      await advance(t, p.providerPayoutId);
    }
    let from = t.mollie.requests.length;
    const res = await t.exec(ListPayouts, { first: 20, filter: { provider: 'MOLLIE' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.payouts.edges.map((e) => e.node.destination?.id)).toEqual(
      Array(4).fill(eur.bankAccountId),
    );
    expect(countRequests(t.mollie, 'GET', /^\/v2\/balances\/bal_[^/]+$/, from)).toBe(1);
    expect(countRequests(t.mollie, 'GET', /^\/v2\/payouts$/, from)).toBe(1);

    // Two balances in one page: one read each.
    for (let i = 0; i < 3; i++) {
      const p = await created(t, { sourceId: gbp.id, amount: gbpAmount(`3.0${i}`) });
      await advance(t, p.providerPayoutId);
    }
    from = t.mollie.requests.length;
    const mixed = await t.exec(ListPayouts, { first: 20, filter: { provider: 'MOLLIE' } });
    expect(mixed.errors).toBeUndefined();
    const edges = mixed.data!.payouts.edges;
    expect(edges).toHaveLength(7);
    for (const e of edges) {
      expect(e.node.destination).toMatchObject(
        e.node.amount!.currency === 'EUR'
          ? { id: eur.bankAccountId, last4: '0000' }
          : { id: gbp.bankAccountId, last4: '5555' },
      );
    }
    const escape = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '\\$&');
    expect(countRequests(t.mollie, 'GET', new RegExp(`^/v2/balances/${escape(eur.providerId)}$`), from)).toBe(
      1,
    );
    expect(countRequests(t.mollie, 'GET', new RegExp(`^/v2/balances/${escape(gbp.providerId)}$`), from)).toBe(
      1,
    );
    expect(countRequests(t.mollie, 'GET', /^\/v2\/balances\//, from)).toBe(2);
  });
});

describe('Mollie errors through GraphQL', () => {
  let t: TestApp;
  let eur: SeededBalance;
  let gbp: SeededBalance;
  beforeAll(async () => {
    t = await startTestApp();
    ({ eur, gbp } = await seeded(t));
  });
  afterAll(() => t.close());

  /** A create that must be refused, must change nothing at Mollie, and is returned for checks. */
  async function refused(input: Input) {
    const before = await molliePayoutIds(t);
    const { result } = await create(t, input);
    expect(result.__typename).not.toBe('CreatePayoutSuccess');
    expect(await molliePayoutIds(t)).toEqual(before);
    return result;
  }

  /** A refusal decided by the gateway, before anything is sent to Mollie. */
  async function refusedLocally(input: Input) {
    const from = t.mollie.requests.length;
    const result = await refused(input);
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(0);
    return result;
  }

  it('ValidationError on destinationId, saying Mollie pays the balance’s own bank account', async () => {
    const result = await refusedLocally({
      sourceId: eur.id,
      destinationId: eur.bankAccountId,
      amount: eurAmount('1.00'),
    });
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      field: 'destinationId',
      message: expect.stringContaining('does not take destinationId'),
    });
    expect((result as { message: string }).message).toContain('own configured bank account');
  });

  it('ValidationError on sourceId when it is missing, another provider’s, or not a balance', async () => {
    expect(await refusedLocally({ amount: eurAmount('1.00') })).toMatchObject({
      __typename: 'ValidationError',
      field: 'sourceId',
      message: expect.stringContaining('requires sourceId'),
    });
    expect(
      await refusedLocally({ sourceId: b64('Balance:CASAPAY:GBP'), amount: gbpAmount('1.00') }),
    ).toMatchObject({
      __typename: 'ValidationError',
      field: 'sourceId',
      message: expect.stringContaining('CasaPay'),
    });
    // The bank account shares the balance's Mollie id, but is not a Balance.
    expect(await refusedLocally({ sourceId: eur.bankAccountId, amount: eurAmount('1.00') })).toMatchObject({
      __typename: 'ValidationError',
      field: 'sourceId',
    });
    expect(await refusedLocally({ sourceId: 'not-an-id', amount: eurAmount('1.00') })).toMatchObject({
      __typename: 'ValidationError',
      field: 'sourceId',
    });
  });

  it('ValidationError on sourceId for a balance Mollie does not know (Mollie’s 422 on balanceId)', async () => {
    const from = t.mollie.requests.length;
    const result = await refused({
      sourceId: b64('Balance:MOLLIE:bal_doesnotexist'),
      amount: eurAmount('1.00'),
    });
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
      field: 'sourceId',
      message: "The 'balanceId' field is invalid.",
    });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(1);
  });

  it('ValidationError on the amount: wrong currency for the balance, too many decimals', async () => {
    const from = t.mollie.requests.length;
    expect(await refused({ sourceId: eur.id, amount: gbpAmount('1.00') })).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount.currency',
      message: expect.stringContaining("does not match the balance currency 'EUR'"),
    });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(1);
    // A currency Mollie has no balance in at all.
    expect(
      await refusedLocally({ sourceId: eur.id, amount: { amount: '100', currency: 'JPY' } }),
    ).toMatchObject({
      __typename: 'ValidationError',
      field: 'amount.currency',
    });
    for (const amount of ['1.001', '0.00', '-1.00', 'abc']) {
      expect(await refusedLocally({ sourceId: eur.id, amount: eurAmount(amount) }), amount).toMatchObject({
        __typename: 'ValidationError',
        field: 'amount.amount',
      });
    }
  });

  it('InsufficientFundsError when the balance cannot cover the payout, or is empty', async () => {
    expect(await refused({ sourceId: eur.id, amount: eurAmount('2500.01') })).toMatchObject({
      __typename: 'InsufficientFundsError',
      code: 'INSUFFICIENT_FUNDS',
    });
    await patchBalance(t, gbp, { availableAmount: { currency: 'GBP', value: '0.00' } });
    try {
      // No amount: the full available balance, which is nothing.
      expect(await refused({ sourceId: gbp.id })).toMatchObject({
        __typename: 'InsufficientFundsError',
        code: 'INSUFFICIENT_FUNDS',
      });
    } finally {
      await patchBalance(t, gbp, { availableAmount: { currency: 'GBP', value: '1800.00' } });
    }
  });

  it('InvalidStateError while another payout of the balance is still requested', async () => {
    const pending = await created(t, { sourceId: eur.id, amount: eurAmount('1.00') });
    try {
      expect(await refused({ sourceId: eur.id, amount: eurAmount('2.00') })).toMatchObject({
        __typename: 'InvalidStateError',
        code: 'PAYOUT_ALREADY_SCHEDULED',
        message: expect.stringContaining('already scheduled'),
      });
    } finally {
      await t.exec(CancelPayout, { id: pending.id });
    }
  });

  it('InvalidStateError for an inactive balance and for one without a bank account', async () => {
    await patchBalance(t, eur, { status: 'inactive' });
    try {
      expect(await refused({ sourceId: eur.id, amount: eurAmount('1.00') })).toMatchObject({
        __typename: 'InvalidStateError',
        code: 'BALANCE_NOT_ACTIVE',
      });
      // Its destination reports the balance's state.
      expect((await t.exec(GetBankAccount, { id: eur.bankAccountId })).data!.bankAccount).toMatchObject({
        status: 'inactive',
      });
    } finally {
      await patchBalance(t, eur, { status: 'active' });
    }

    await patchBalance(t, gbp, { transferDestination: null });
    try {
      expect(await refused({ sourceId: gbp.id, amount: gbpAmount('1.00') })).toMatchObject({
        __typename: 'InvalidStateError',
        code: 'NO_PAYOUT_DESTINATION',
      });
      // No destination, no bank account.
      const list = await t.exec(ListBankAccounts, { provider: 'MOLLIE', first: 10 });
      expect(list.data!.bankAccounts.edges.map((e) => e.node.id)).toEqual([eur.bankAccountId]);
      expect((await t.exec(GetBankAccount, { id: gbp.bankAccountId })).data!.bankAccount).toBeNull();
    } finally {
      await patchBalance(t, gbp, {
        transferDestination: {
          type: 'bank-account',
          bankAccount: GBP_IBAN,
          beneficiaryName: 'Sandbox Merchant Ltd',
        },
      });
    }
  });

  it('ValidationError for a method or metadata, which Mollie payouts do not take', async () => {
    expect(
      await refusedLocally({ sourceId: eur.id, amount: eurAmount('1.00'), method: 'STANDARD' }),
    ).toMatchObject({ __typename: 'ValidationError', field: 'method' });
    expect(
      await refusedLocally({ sourceId: eur.id, amount: eurAmount('1.00'), method: 'INSTANT' }),
    ).toMatchObject({
      __typename: 'ValidationError',
      field: 'method',
    });
    expect(
      await refusedLocally({ sourceId: eur.id, amount: eurAmount('1.00'), metadata: { ref: 'x' } }),
    ).toMatchObject({ __typename: 'ValidationError', field: 'metadata' });
  });

  it('ValidationError for a description Mollie refuses (422 on description)', async () => {
    expect(
      await refused({ sourceId: eur.id, amount: eurAmount('1.00'), description: 'x'.repeat(256) }),
    ).toMatchObject({ __typename: 'ValidationError', field: 'description' });
  });

  it('NotFoundError for canceling a payout Mollie does not know; ValidationError for a bad id', async () => {
    const ghost = b64('Payout:MOLLIE:payout_doesnotexist');
    expect((await t.exec(CancelPayout, { id: ghost })).data!.cancelPayout).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    expect((await t.exec(CancelPayout, { id: 'garbage' })).data!.cancelPayout).toMatchObject({
      __typename: 'ValidationError',
      field: 'id',
    });
  });

  it('ProviderUnavailableError when Mollie keeps answering 503 or 429, and no payout is created', async () => {
    for (const status of [503, 429]) {
      const from = t.mollie.requests.length;
      t.mollie.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', status, count: 2 });
      expect(await refused({ sourceId: eur.id, amount: eurAmount('1.00') }), String(status)).toMatchObject({
        __typename: 'ProviderUnavailableError',
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'MOLLIE',
      });
      // One try and one retry (PROVIDER_RETRIES=1), both refused before executing.
      expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(2);
    }
  });

  it('a single 503 is retried with the same Idempotency-Key and creates exactly one payout', async () => {
    const before = await molliePayoutIds(t);
    const from = t.mollie.requests.length;
    t.mollie.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', status: 503, count: 1 });
    const payout = await created(t, { sourceId: gbp.id, amount: gbpAmount('1.00') });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(2);
    expect(await molliePayoutIds(t)).toEqual([payout.id, ...before]);
    await t.exec(CancelPayout, { id: payout.id });
  });

  it('ProviderRejectedError when Mollie refuses the gateway’s own credentials', async () => {
    const sim = await startMollieSimulator();
    onTestFinished(() => sim.close());
    const live = await fresh({
      GATEWAY_MODE: 'live',
      MOLLIE_API_KEY: 'live_notacceptedbythesandbox0000000',
      MOLLIE_ACCESS_TOKEN: 'access_notacceptedbythesandbox000',
      MOLLIE_BASE_URL: sim.url,
    });
    const result = (
      await live.exec(CreatePayout, {
        input: {
          provider: 'MOLLIE',
          sourceId: b64('Balance:MOLLIE:bal_anything'),
          amount: eurAmount('1.00'),
          idempotencyKey: key(),
        },
      })
    ).data!.createPayout;
    expect(result).toMatchObject({
      __typename: 'ProviderRejectedError',
      provider: 'MOLLIE',
      providerCode: 'authentication_failed',
    });
  });
});

describe.each(stateKinds())('Mollie idempotency with %s state', (state) => {
  it('returns the same payout for a repeated idempotencyKey, with one create at Mollie', async () => {
    const t = await fresh({}, state);
    const { eur } = await seeded(t);
    const idempotencyKey = key();
    const from = t.mollie.requests.length;
    const input = { sourceId: eur.id, amount: eurAmount('12.34'), idempotencyKey };
    const first = await created(t, input);
    const second = await created(t, input);
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ status: 'PENDING', amount: { amount: '12.34', currency: 'EUR' } });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from)).toBe(1);

    const other = t.mollie.requests.length;
    const changed = await create(t, { ...input, amount: eurAmount('12.35') });
    expect(changed.result).toMatchObject({ __typename: 'IdempotencyConflictError', field: 'idempotencyKey' });
    // Without amount is a different request too.
    expect((await create(t, { sourceId: eur.id, idempotencyKey })).result).toMatchObject({
      __typename: 'IdempotencyConflictError',
      field: 'idempotencyKey',
    });
    expect(countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, other)).toBe(0);
    expect(await molliePayoutIds(t)).toEqual([first.id]);
  });

  it('a create that timed out after Mollie executed it is resolved by the same Idempotency-Key', async () => {
    const t = await fresh({ PROVIDER_TIMEOUT_MS: '300' }, state);
    const { gbp } = await seeded(t);
    // Mollie executes the create but answers well after the gateway's 300 ms timeout.
    t.mollie.injectFault({ method: 'POST', pathPrefix: '/v2/payouts', delayMs: 2000, count: 1 });
    const from = t.mollie.requests.length;
    const payout = await created(t, { sourceId: gbp.id, amount: gbpAmount('4.00') });
    // Had the retry carried another key, Mollie would have refused it: one requested per balance.
    expect(payout).toMatchObject({ status: 'PENDING', amount: { amount: '4.00', currency: 'GBP' } });
    await expect
      .poll(() => countRequests(t.mollie, 'POST', /^\/v2\/payouts$/, from), { timeout: 4000 })
      .toBe(2);
    expect(await molliePayoutIds(t)).toEqual([payout.id]);
  });
});

describe('Mollie node(id:)', () => {
  it('resolves a Mollie payout, balance and bank account', async () => {
    const t = await fresh();
    const { eur } = await seeded(t);
    const payout = await created(t, { sourceId: eur.id, amount: eurAmount('5.00') });
    const cases = [
      [payout.id, { __typename: 'Payout', id: payout.id, providerPayoutId: payout.providerPayoutId }],
      [eur.id, { __typename: 'Balance', id: eur.id, currency: 'EUR' }],
      [eur.bankAccountId, { __typename: 'BankAccount', id: eur.bankAccountId, last4: '0000' }],
    ] as const;
    for (const [id, expected] of cases) {
      const res = await t.exec(Node, { id });
      expect(res.errors, id).toBeUndefined();
      expect(res.data!.node).toEqual(expected);
    }
    for (const ghost of [
      b64('Payout:MOLLIE:payout_doesnotexist'),
      b64('Balance:MOLLIE:bal_doesnotexist'),
      b64('BankAccount:MOLLIE:bal_doesnotexist'),
    ]) {
      const res = await t.exec(Node, { id: ghost });
      expect(res.data).toEqual({ node: null });
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
  });
});
