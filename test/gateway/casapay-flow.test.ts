// The CasaPay journey through GraphQL: create → read → list → cancel, paging, node ids, and the
// DataLoader batching of destinations, against the sandbox simulator over real HTTP.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ListPayoutsQuery } from '../gql/graphql.ts';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  Balances,
  CancelPayout,
  CreateBankAccount,
  CreatePayout,
  GetPayout,
  ListBankAccounts,
  ListPayouts,
  Node,
  NodesWithDestinations,
  PayoutPageByFragment,
  PayoutPageWithoutDestinations,
} from './operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let seq = 0;
const key = () => `flow-${Date.now()}-${seq++}`;

async function gbpAccountId(app: TestApp = t): Promise<string> {
  const res = await app.exec(ListBankAccounts, { provider: 'CASAPAY', first: 10 });
  const gb = res.data!.bankAccounts.edges.find((e) => e.node.currency === 'GBP');
  return gb!.node.id;
}

async function createGbp(
  amount: string,
  destinationId: string,
  extra: Record<string, unknown> = {},
  app: TestApp = t,
) {
  const res = await app.exec(CreatePayout, {
    input: {
      provider: 'CASAPAY',
      amount: { amount, currency: 'GBP' },
      destinationId,
      idempotencyKey: key(),
      ...extra,
    },
  });
  const result = res.data!.createPayout;
  if (result.__typename !== 'CreatePayoutSuccess')
    throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.payout;
}

describe('CasaPay payouts through GraphQL', () => {
  it('creates, reads back, lists and cancels a payout', async () => {
    const destinationId = await gbpAccountId();
    const payout = await createGbp('115.00', destinationId, {
      description: 'January rent',
      metadata: { landlord_id: 'll_789' },
      method: 'STANDARD',
    });
    // CasaPay reports only when a payout was created (pending).
    expect(payout.statusHistory).toEqual([
      { status: 'PENDING', providerStatus: 'pending', reason: null, occurredAt: payout.createdAt },
    ]);
    expect(payout).toMatchObject({
      provider: 'CASAPAY',
      status: 'PENDING',
      providerStatus: 'pending',
      amount: { amount: '115.00', currency: 'GBP', minorUnits: 11500 },
      description: 'January rent',
      method: 'STANDARD',
      metadata: { landlord_id: 'll_789' },
      allowedActions: ['CANCEL'],
      failure: null,
      destination: { id: destinationId, last4: '2345' },
    });
    expect(payout.providerPayoutId).toMatch(/^po_/);
    expect(new Date(payout.expectedArrivalAt!).getTime()).toBeGreaterThan(
      new Date(payout.createdAt).getTime(),
    );

    const read = await t.exec(GetPayout, { id: payout.id });
    expect(read.data!.payout).toMatchObject({
      id: payout.id,
      status: 'PENDING',
      destination: { holderName: 'Property Management Ltd', last4: '2345' },
    });

    const list = await t.exec(ListPayouts, { first: 5, filter: { provider: 'CASAPAY' } });
    expect(list.data!.payouts.edges[0]!.node.id).toBe(payout.id);

    const cancel = await t.exec(CancelPayout, { id: payout.id });
    expect(cancel.data!.cancelPayout).toMatchObject({
      __typename: 'CancelPayoutSuccess',
      payout: { id: payout.id, status: 'CANCELED', providerStatus: 'canceled', allowedActions: [] },
    });
    const again = await t.exec(GetPayout, { id: payout.id });
    expect(again.data!.payout!.status).toBe('CANCELED');
  });

  it('debits the balance on create and credits it back on cancel', async () => {
    const gbp = async () =>
      (await t.exec(Balances, { provider: 'CASAPAY' })).data!.balances.nodes.find(
        (b) => b.currency === 'GBP',
      )!.available.minorUnits;
    const before = await gbp();
    const payout = await createGbp('10.01', await gbpAccountId());
    expect(await gbp()).toBe(before - 1001);
    await t.exec(CancelPayout, { id: payout.id });
    expect(await gbp()).toBe(before);
  });

  it('tracks status moves the provider makes, including a late failure after paid', async () => {
    const payout = await createGbp('20.00', await gbpAccountId());
    const helper = (path: string, body?: object) =>
      fetch(`${t.casapay.url}/v1/test_helpers/payouts/${payout.providerPayoutId}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${casapayKey()}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    await helper('advance');
    let read = (await t.exec(GetPayout, { id: payout.id })).data!.payout!;
    expect(read).toMatchObject({ status: 'PROCESSING', providerStatus: 'in_transit', allowedActions: [] });
    await helper('advance');
    read = (await t.exec(GetPayout, { id: payout.id })).data!.payout!;
    expect(read).toMatchObject({ status: 'PAID', providerStatus: 'paid' });
    await helper('fail', { failure_code: 'account_closed' });
    read = (await t.exec(GetPayout, { id: payout.id })).data!.payout!;
    expect(read.status).toBe('FAILED');
    expect(read.failure?.code).toBe('account_closed');
    expect(read.failure?.message).toBeTruthy();
    // CasaPay reports only the creation; the rest is what the gateway observed, in order.
    expect(read.statusHistory.map((h) => [h.status, h.providerStatus])).toEqual([
      ['PENDING', 'pending'],
      ['PROCESSING', 'in_transit'],
      ['PAID', 'paid'],
      ['FAILED', 'failed'],
    ]);
    expect(read.statusHistory.at(-1)!.reason).toBe(read.failure!.message);
  });

  it('pages newest first with opaque cursors, without gaps or repeats, and filters by status', async () => {
    // A fresh sandbox account: nothing but this test's payouts.
    const own = await startTestApp();
    onTestFinished(() => own.close());
    const destinationId = await gbpAccountId(own);
    const created: { id: string; createdAt: string }[] = [];
    for (let i = 0; i < 5; i++) created.push(await createGbp(`1.0${i}`, destinationId, {}, own));
    await own.exec(CancelPayout, { id: created[1]!.id });
    const since = created[0]!.createdAt;

    const seen: string[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    do {
      const res = await own.exec(ListPayouts, {
        first: 2,
        after,
        filter: { provider: 'CASAPAY', createdAfter: since },
      });
      const conn: ListPayoutsQuery['payouts'] = res.data!.payouts;
      seen.push(...conn.edges.map((e) => e.node.id));
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 10);
    const mine = seen.filter((id) => created.some((c) => c.id === id));
    expect(mine).toEqual(created.map((c) => c.id).reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const canceled = await own.exec(ListPayouts, {
      first: 50,
      filter: { provider: 'CASAPAY', status: ['CANCELED'], createdAfter: since },
    });
    expect(canceled.data!.payouts.edges.map((e) => e.node.id)).toEqual([created[1]!.id]);
    const open = await own.exec(ListPayouts, {
      first: 50,
      filter: { status: ['PENDING', 'CANCELED'], createdAfter: since },
    });
    expect(open.data!.payouts.edges.map((e) => e.node.id)).toEqual(created.map((c) => c.id).reverse());
  });

  it('resolves payouts, bank accounts and balances through node(id:)', async () => {
    const destinationId = await gbpAccountId();
    const payout = await createGbp('3.00', destinationId);
    const balances = (await t.exec(Balances, {})).data!.balances.nodes;
    for (const [id, type] of [
      [payout.id, 'Payout'],
      [destinationId, 'BankAccount'],
      [balances[0]!.id, 'Balance'],
    ] as const) {
      const res = await t.exec(Node, { id });
      expect(res.data!.node).toMatchObject({ __typename: type, id });
    }
    const missing = Buffer.from('Payout:CASAPAY:po_doesnotexist').toString('base64');
    expect((await t.exec(GetPayout, { id: missing })).data!.payout).toBeNull();
  });

  it('creates bank accounts and pays them; a page of 20 payouts over 3 accounts costs one list call', async () => {
    const accounts: string[] = [];
    for (const n of ['00000001', '00000002', '00000003']) {
      const res = await t.exec(CreateBankAccount, {
        input: {
          provider: 'CASAPAY',
          holderName: `Landlord ${n}`,
          country: 'GB',
          currency: 'GBP',
          sortCode: '10-88-00',
          accountNumber: n,
          idempotencyKey: key(),
        },
      });
      const r = res.data!.createBankAccount;
      if (r.__typename !== 'CreateBankAccountSuccess') throw new Error(JSON.stringify(r));
      expect(r.bankAccount).toMatchObject({
        provider: 'CASAPAY',
        last4: n.slice(-4),
        country: 'GB',
        currency: 'GBP',
      });
      accounts.push(r.bankAccount.id);
    }
    for (let i = 0; i < 20; i++) await createGbp('1.00', accounts[i % 3]!);
    const filter = { provider: 'CASAPAY' } as const;
    const lists = (from: number) => t.casapay.requests.slice(from).filter((r) => r.path === '/v1/payouts');
    const expanded = (query: string) => new URLSearchParams(query).getAll('expand[]');

    // The destinations come with the list (Stripe's expand[]=data.destination): no account reads.
    let from = t.casapay.requests.length;
    const res = await t.exec(ListPayouts, { first: 20, filter });
    const edges = res.data!.payouts.edges;
    expect(edges).toHaveLength(20);
    expect(edges.map((e) => e.node.destination!.last4)).toEqual(
      // Newest first: payout i went to account i % 3.
      Array.from({ length: 20 }, (_, j) => ['0001', '0002', '0003'][(19 - j) % 3]),
    );
    expect(edges[0]!.node.destination).toMatchObject({ id: accounts[1], holderName: 'Landlord 00000002' });
    expect(lists(from).map((r) => expanded(r.query))).toEqual([['data.destination']]);
    expect(countRequests(t.casapay, 'GET', /^\/v1\/bank_accounts/, from)).toBe(0);

    // Selected through a fragment: the same.
    from = t.casapay.requests.length;
    const byFragment = await t.exec(PayoutPageByFragment, { first: 20, filter });
    expect(byFragment.errors).toBeUndefined();
    expect(lists(from).map((r) => expanded(r.query))).toEqual([['data.destination']]);
    expect(countRequests(t.casapay, 'GET', /^\/v1\/bank_accounts/, from)).toBe(0);

    // A page that does not read destinations does not ask for them.
    from = t.casapay.requests.length;
    await t.exec(PayoutPageWithoutDestinations, { first: 20, filter });
    expect(lists(from).map((r) => expanded(r.query))).toEqual([[]]);

    // Read by id, the 20 payouts' destinations are batched: one read per distinct account.
    from = t.casapay.requests.length;
    const nodes = await t.exec(NodesWithDestinations, { ids: edges.map((e) => e.node.id) });
    expect(nodes.errors).toBeUndefined();
    expect(countRequests(t.casapay, 'GET', /^\/v1\/bank_accounts\/ba_/, from)).toBe(3);
  });
});

/** The CasaPay test key the sandbox gateway uses (its own simulator account). */
function casapayKey(): string {
  return t.app.sandboxCredentials.get('CASAPAY')!.apiKey!;
}
