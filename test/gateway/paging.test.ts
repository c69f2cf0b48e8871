// Paging a list whose filter CasaPay cannot apply itself (several statuses): one page reads one
// provider page (100 payouts), so with more payouts than that the cursor must still move on, order
// must hold across providers, and cursors the API never issued must be refused.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.ts';
import type { ListPayoutsQuery, PayoutFilter } from '../gql/graphql.ts';
import { countRequests, startTestApp, type TestApp } from '../helpers/app.ts';
import { Balances, CancelPayout, CreatePayout, ListPayouts } from './operations.ts';

/** More than the two provider pages of 100 payouts that two gateway pages scan. */
const BULK = 250;

let t: TestApp;
/** CasaPay payouts made straight on the simulator (quicker than GraphQL), oldest first. */
const bulk: string[] = [];
let casapayPaid: string;
let mollieCanceled: string;

async function sim(method: string, path: string, body?: object): Promise<{ id: string }> {
  const res = await fetch(`${t.casapay.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

type Page = ListPayoutsQuery['payouts'];

/** Follows endCursor while hasNextPage, at most `maxPages` pages. */
async function pageAll(filter: PayoutFilter, maxPages = 5) {
  const pages: Page[] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const from = t.casapay.requests.length;
    const res = await t.exec(ListPayouts, { first: 10, after, filter });
    // One CasaPay list call per page, however few of its payouts match.
    expect(countRequests(t.casapay, 'GET', /^\/v1\/payouts$/, from)).toBe(1);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    const page: Page = res.data.payouts;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    // Every page must move the cursor on, even one with no edges.
    expect(page.pageInfo.endCursor).toBeTruthy();
    expect(page.pageInfo.endCursor).not.toBe(after);
    after = page.pageInfo.endCursor ?? null;
  }
  expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
  return { pages, ids: pages.flatMap((p) => p.edges.map((e) => e.node.id)) };
}

beforeAll(async () => {
  t = await startTestApp();
  // Oldest: a canceled Mollie payout, then (a clock second later, so the order is certain) a paid
  // CasaPay one, then the bulk of pending CasaPay payouts.
  const balance = (await t.exec(Balances, { provider: 'MOLLIE' })).data!.balances.nodes[0]!;
  const created = (
    await t.exec(CreatePayout, {
      input: {
        provider: 'MOLLIE',
        sourceId: balance.id,
        amount: { amount: '1.00', currency: balance.currency },
        idempotencyKey: 'paging-mollie',
      },
    })
  ).data!.createPayout;
  if (created.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(created));
  mollieCanceled = created.payout.id;
  const canceled = (await t.exec(CancelPayout, { id: mollieCanceled })).data!.cancelPayout;
  if (canceled.__typename !== 'CancelPayoutSuccess') throw new Error(JSON.stringify(canceled));
  await sleep(1100);

  const accounts = (await sim('GET', '/v1/bank_accounts?limit=100')) as unknown as {
    data: { id: string; currency: string }[];
  };
  const destination = accounts.data.find((a) => a.currency === 'gbp')!.id;
  const pay = async () => (await sim('POST', '/v1/payouts', { amount: 1, currency: 'gbp', destination })).id;
  const paid = await pay();
  await sim('POST', `/v1/test_helpers/payouts/${paid}/advance`);
  await sim('POST', `/v1/test_helpers/payouts/${paid}/advance`);
  casapayPaid = encodeGlobalId('Payout', 'CASAPAY', paid);
  await sleep(1100);

  for (let i = 0; i < BULK; i += 50) {
    bulk.push(...(await Promise.all(Array.from({ length: Math.min(50, BULK - i) }, pay))));
  }
}, 60_000);
afterAll(() => t.close());

describe('a filter CasaPay applies only on our side, over more than one provider page', () => {
  it('moves the cursor past pages with no match, and finds a match beyond the first scan', async () => {
    const filter: PayoutFilter = { provider: 'CASAPAY', status: ['CANCELED', 'FAILED'] };
    const none = await pageAll(filter);
    expect(none.ids).toEqual([]);
    expect(none.pages.length).toBeGreaterThan(1);

    // The oldest payout lies past the first two pages' scans.
    const oldest = bulk[0]!;
    await sim('POST', `/v1/test_helpers/payouts/${oldest}/fail`);
    const one = await pageAll(filter);
    expect(one.ids).toHaveLength(1);
    const found = one.pages.flatMap((p) => p.edges)[0]!.node;
    expect(found.status).toBe('FAILED');
    expect(found.id).toBe(encodeGlobalId('Payout', 'CASAPAY', oldest));
  });

  it('keeps newest first across providers when one provider’s scan was cut short', async () => {
    // CasaPay's match is newer than Mollie's but lies past the first page's scan: the first page
    // must not emit Mollie's older payout before CasaPay has been read that far.
    const all = await pageAll({ status: ['PAID', 'CANCELED'] });
    expect(all.ids).toEqual([casapayPaid, mollieCanceled]);
  });
});

describe('cursors', () => {
  it('refuses cursors of a shape this API never issues', async () => {
    for (const forged of ['{"CASAPAY":5}', '{"NOPE":"x"}', '{"CASAPAY":""}', '[]']) {
      const res = await t.exec(ListPayouts, {
        first: 2,
        after: Buffer.from(forged).toString('base64url'),
      });
      expect(res.errors?.[0], forged).toMatchObject({
        extensions: { code: 'VALIDATION_FAILED', field: 'after' },
      });
    }
  });
});
