// One graph over all four providers: `payouts` without a provider is one connection, newest first,
// whose cursor remembers each provider's own position; a page costs at most one list call per
// provider; a provider that fails is named in `providerErrors` while the others still answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListPayoutsQuery, PayoutFilter, PayoutProvider, PayoutStatus } from '../gql/graphql.ts';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import { createPayoutAt } from '../helpers/payouts.ts';
import { SimulatePayoutStatus } from '../events/operations.ts';
import { Balances, ListBankAccounts, ListPayouts } from './operations.ts';

const PROVIDERS: PayoutProvider[] = ['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE'];
const EACH = 37;

let t: TestApp;
/** Every payout made here: global id → its provider. */
const made = new Map<string, PayoutProvider>();
/** The ones taken to PAID. */
const paid = new Set<string>();

type Edge = ListPayoutsQuery['payouts']['edges'][number];
type Sim = TestApp['casapay'] | TestApp['mollie'] | TestApp['tokenio'] | TestApp['straddle'];

const sims = (): Record<PayoutProvider, Sim> => ({
  CASAPAY: t.casapay,
  MOLLIE: t.mollie,
  TOKENIO: t.tokenio,
  STRADDLE: t.straddle,
});

/** Each provider's list endpoint (Token.io's batch read by ids is the same path: not a list). */
function listCalls(provider: PayoutProvider, from: number): number {
  const sim = sims()[provider];
  const path = {
    CASAPAY: '/v1/payouts',
    MOLLIE: '/v2/payouts',
    TOKENIO: '/payouts',
    STRADDLE: '/v1/payments',
  };
  return sim.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && r.path === path[provider] && !/(^|&)(ids|refIds)=/.test(r.query))
    .length;
}

/**
 * Follows endCursor to the end, checking what each page cost: at most one list call per provider,
 * and (but for one call that finds nothing more) none to a provider whose payouts have all been shown.
 */
async function pageAll(filter: PayoutFilter | null) {
  const edges: Edge[] = [];
  const pages: { providers: Set<string>; calls: Record<PayoutProvider, number> }[] = [];
  let after: string | null = null;
  for (;;) {
    if (pages.length === 40) throw new Error('more than 40 pages');
    const from = Object.fromEntries(PROVIDERS.map((p) => [p, sims()[p].requests.length]));
    const res = await t.exec(ListPayouts, { first: 10, after, filter });
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    const page: ListPayoutsQuery['payouts'] = res.data.payouts;
    expect(page.providerErrors).toEqual([]);
    const calls = Object.fromEntries(PROVIDERS.map((p) => [p, listCalls(p, from[p]!)])) as Record<
      PayoutProvider,
      number
    >;
    for (const p of PROVIDERS) expect(calls[p], `${p}, page ${pages.length + 1}`).toBeLessThanOrEqual(1);
    pages.push({ providers: new Set(page.edges.map((e) => e.node.provider)), calls });
    edges.push(...page.edges);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor ?? null;
  }
  for (const p of PROVIDERS) {
    const last = pages.findLastIndex((page) => page.providers.has(p));
    const later = pages.slice(last + 1).reduce((n, page) => n + page.calls[p], 0);
    expect(later, `${p}: list calls after its last payout was shown`).toBeLessThanOrEqual(1);
  }
  return edges;
}

/** Newest first; at the same instant, payouts of different providers by id. */
function expectNewestFirst(edges: Edge[]) {
  for (let i = 1; i < edges.length; i++) {
    const [a, b] = [edges[i - 1]!.node, edges[i]!.node];
    const [ta, tb] = [Date.parse(a.createdAt as string), Date.parse(b.createdAt as string)];
    expect(ta, `${a.id} before ${b.id}`).toBeGreaterThanOrEqual(tb);
    if (ta === tb && a.provider !== b.provider) expect(a.id < b.id, `${a.id} before ${b.id}`).toBe(true);
  }
}

async function drive(id: string, status: PayoutStatus) {
  const r = await t.exec(SimulatePayoutStatus, { id, status });
  if (r.data?.simulatePayoutStatus?.__typename !== 'SimulatePayoutStatusSuccess')
    throw new Error(JSON.stringify(r));
}

beforeAll(async () => {
  t = await startTestApp();
  // Interleaved, so that the providers' payouts mix in time; every third one paid.
  for (let i = 0; i < EACH; i++) {
    const batch = await Promise.all(
      PROVIDERS.map((p) => createPayoutAt(t, p, { description: `Federated ${i}` })),
    );
    await Promise.all(
      batch.map(async (payout) => {
        made.set(payout.id, payout.provider);
        if (i % 3 === 0) {
          await drive(payout.id, 'PAID');
          paid.add(payout.id);
        } else if (payout.provider === 'MOLLIE') {
          // Mollie schedules one payout per balance a day: the next waits until this one is initiated.
          await drive(payout.id, 'PROCESSING');
        }
      }),
    );
  }
}, 120_000);
afterAll(() => t.close());

describe('payouts across four providers', () => {
  it(`yields all ${4 * EACH} exactly once, newest first, 10 a page, one list call per provider a page`, async () => {
    const edges = await pageAll(null);
    const ids = edges.map((e) => e.node.id);
    expect(ids).toHaveLength(made.size);
    expect(new Set(ids)).toEqual(new Set(made.keys()));
    expectNewestFirst(edges);
    // Every provider's payouts are spread over the pages, not one provider after another.
    expect(new Set(edges.slice(0, 10).map((e) => e.node.provider)).size).toBeGreaterThan(1);
  });

  it('yields exactly the payouts a status filter matches, in the same order', async () => {
    const all = await pageAll(null);
    // PAID is one status every provider can filter on; PAID or CANCELED CasaPay and Mollie filter here.
    for (const status of [['PAID'], ['PAID', 'CANCELED']] as PayoutStatus[][]) {
      const edges = await pageAll({ status });
      expect(edges.map((e) => e.node.id)).toEqual(
        all.filter((e) => status.includes(e.node.status)).map((e) => e.node.id),
      );
      expect(new Set(edges.map((e) => e.node.id))).toEqual(paid);
    }
  });
});

describe('a provider failing during a federated read', () => {
  it('lets the others answer and names it in providerErrors; its payouts come on a later page', async () => {
    // Both attempts (the test transport retries once) of Mollie's next list call fail.
    t.mollie.injectFault({ method: 'GET', pathPrefix: '/v2/payouts', status: 503, count: 2 });
    const page1 = (await t.exec(ListPayouts, { first: 10 })).data!.payouts;
    expect(page1.providerErrors).toEqual([
      { provider: 'MOLLIE', code: 'PROVIDER_UNAVAILABLE', message: expect.any(String) },
    ]);
    expect(page1.edges).toHaveLength(10);
    expect(page1.edges.some((e) => e.node.provider === 'MOLLIE')).toBe(false);

    // Mollie is back: paging on brings every payout, Mollie's newest included, exactly once.
    const seen = page1.edges.map((e) => e.node.id);
    let after = page1.pageInfo.endCursor;
    for (let pages = 0; pages < 40 && after; pages++) {
      const page = (await t.exec(ListPayouts, { first: 10, after })).data!.payouts;
      expect(page.providerErrors).toEqual([]);
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    expect(seen).toHaveLength(made.size);
    expect(new Set(seen)).toEqual(new Set(made.keys()));
  });

  it('fails whole when the one provider asked for by name fails', async () => {
    t.mollie.injectFault({ method: 'GET', pathPrefix: '/v2/payouts', status: 503, count: 2 });
    const res = await t.exec(ListPayouts, { first: 10, filter: { provider: 'MOLLIE' } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'MOLLIE' });
  });

  it('does the same for balances and bank accounts, asking every provider at once', async () => {
    t.tokenio.injectFault({ method: 'GET', pathPrefix: '/virtual-accounts', status: 503, count: 2 });
    const balances = (await t.exec(Balances, {})).data!.balances;
    expect(balances.providerErrors).toEqual([
      { provider: 'TOKENIO', code: 'PROVIDER_UNAVAILABLE', message: expect.any(String) },
    ]);
    expect(new Set(balances.nodes.map((b) => b.provider))).toEqual(new Set(['CASAPAY', 'MOLLIE']));

    t.casapay.injectFault({ method: 'GET', pathPrefix: '/v1/bank_accounts', status: 503, count: 2 });
    const accounts = (await t.exec(ListBankAccounts, { first: 100 })).data!.bankAccounts;
    expect(accounts.providerErrors).toEqual([
      { provider: 'CASAPAY', code: 'PROVIDER_UNAVAILABLE', message: expect.any(String) },
    ]);
    expect(new Set(accounts.edges.map((e) => e.node.provider))).toEqual(
      new Set(['MOLLIE', 'TOKENIO', 'STRADDLE']),
    );
    // The failed provider's accounts are still ahead of the cursor.
    const next = (await t.exec(ListBankAccounts, { first: 100, after: accounts.pageInfo.endCursor })).data!
      .bankAccounts;
    expect(next.providerErrors).toEqual([]);
    expect(next.edges.map((e) => e.node.provider)).toContain('CASAPAY');
    expect(countRequests(t.casapay, 'GET', /^\/v1\/bank_accounts$/)).toBeGreaterThan(0);
  });
});
