// GET /payouts against the Token.io simulator: the required and clamped limit, paging through the
// opaque next-page offsets (each payout once, newest first), and every filter. The simulator's
// clock is driven so payouts land on chosen days. Bodies are checked against the spec extract.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTokenioError, tokenioCall } from '../helpers/tokenio-spec.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let clock = Date.parse('2025-03-01T00:00:00.000Z');
let sim: TokenioSimulator;
beforeAll(async () => {
  sim = await startTokenioSimulator({ now: () => clock });
});
afterAll(() => sim.close());

const call = (key: string, method: string, path: string, body?: unknown) =>
  tokenioCall(sim.url, key, method, path, body);
const expectInvalid = (res: { status: number; body: Json }, message: RegExp) =>
  expectTokenioError(res, 400, 'INVALID_ARGUMENT', message);

interface Account {
  key: string;
  gbp: string;
}

async function account(): Promise<Account> {
  const key = Buffer.from(`m-${randomBytes(8).toString('hex')}:secret`).toString('base64');
  const list = (await call(key, 'GET', '/virtual-accounts')).body.virtualAccount as Json[];
  return { key, gbp: list.find((v) => v.currency === 'GBP')?.accountId };
}

/** Creates a payout at `at` (ISO time, default: one second after the previous one). */
async function payout(a: Account, refId: string, at?: string, extra: Json = {}): Promise<Json> {
  clock = at ? Date.parse(at) : clock + 1000;
  const res = await call(a.key, 'POST', '/payouts', {
    initiation: {
      refId,
      description: 'Payout batch 0001',
      amount: { value: '1.00', currency: 'GBP' },
      debtor: { accountId: a.gbp },
      creditor: { name: 'Jane Doe', sortCode: '040004', accountNumber: '12345678' },
      ...extra,
    },
  });
  expect(res.status).toBe(200);
  return res.body.payout;
}

const ids = async (a: Account, query: string) =>
  ((await call(a.key, 'GET', `/payouts?${query}`)).body.payouts as Json[]).map((p) => p.id as string);

describe('limit and paging', () => {
  it('requires a limit of at least 1 and clamps one above 200 to 200', async () => {
    const a = await account();
    for (const q of ['', 'limit=', 'limit=0', 'limit=-3', 'limit=ten', 'limit=2.5']) {
      expectInvalid(await call(a.key, 'GET', `/payouts?${q}`), /limit/);
    }
    expect((await call(a.key, 'GET', '/payouts?limit=500')).body).toEqual({
      payouts: [],
      paging: { limit: 200 },
    });
    expect((await call(a.key, 'GET', '/payouts?limit=200')).body.paging).toEqual({ limit: 200 });
  });

  it('pages newest first through next-page offsets, each payout once, offset only on full pages', async () => {
    const a = await account();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await payout(a, `page-${i}`)).id);
    const newestFirst = [...created].reverse();

    const seen: string[] = [];
    const sizes: number[] = [];
    let offset: string | undefined;
    do {
      const res = await call(
        a.key,
        'GET',
        `/payouts?limit=3${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`,
      );
      const page = res.body.payouts as Json[];
      sizes.push(page.length);
      seen.push(...page.map((p) => p.id as string));
      expect(res.body.paging.limit).toBe(3);
      offset = res.body.paging.offset;
      expect(offset === undefined).toBe(page.length < 3);
    } while (offset);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(newestFirst);

    // A full last page still gets an offset; the page after it is empty and has none.
    const six = await call(a.key, 'GET', '/payouts?limit=6');
    const after = await call(
      a.key,
      'GET',
      `/payouts?limit=1&offset=${encodeURIComponent(six.body.paging.offset)}`,
    );
    expect(after.body.payouts.map((p: Json) => p.id)).toEqual([created[0]]);
    expect(after.body.paging).toEqual({ limit: 1, offset: expect.any(String) });
    const end = await call(
      a.key,
      'GET',
      `/payouts?limit=1&offset=${encodeURIComponent(after.body.paging.offset)}`,
    );
    expect(end.body).toEqual({ payouts: [], paging: { limit: 1 } });
  });

  it('keeps the next page stable when payouts are created between two page requests', async () => {
    const a = await account();
    const old = [];
    for (let i = 0; i < 4; i++) old.push((await payout(a, `stable-${i}`)).id);
    const first = await call(a.key, 'GET', '/payouts?limit=2');
    await payout(a, 'stable-new');
    const second = await call(
      a.key,
      'GET',
      `/payouts?limit=2&offset=${encodeURIComponent(first.body.paging.offset)}`,
    );
    expect(second.body.payouts.map((p: Json) => p.id)).toEqual([old[1], old[0]]);
  });

  it('orders payouts created in the same millisecond by id, descending', async () => {
    const a = await account();
    const at = '2025-05-05T05:05:05.005Z';
    const same = [
      (await payout(a, 'tie-1', at)).id,
      (await payout(a, 'tie-2', at)).id,
      (await payout(a, 'tie-3', at)).id,
    ];
    expect(await ids(a, 'limit=10')).toEqual([...same].sort().reverse());
    const one = await call(a.key, 'GET', '/payouts?limit=1');
    const rest = await ids(a, `limit=10&offset=${encodeURIComponent(one.body.paging.offset)}`);
    expect([one.body.payouts[0].id, ...rest]).toEqual([...same].sort().reverse());
  });

  it('refuses an offset it did not issue', async () => {
    const a = await account();
    const foreign = Buffer.from('va:1').toString('base64url');
    for (const offset of ['garbage!', 'bm90LWFuLW9mZnNldA', foreign]) {
      expectInvalid(await call(a.key, 'GET', `/payouts?limit=5&offset=${offset}`), /offset/);
    }
  });
});

describe('filters', () => {
  let a: Account;
  let p: Json[];
  beforeAll(async () => {
    a = await account();
    p = [
      await payout(a, 'day1-start', '2025-03-01T00:00:00.000Z'),
      await payout(a, 'day1-end', '2025-03-01T23:59:59.999Z', { onBehalfOfId: 'sub-1' }),
      await payout(a, 'day2', '2025-03-02T12:00:00.000Z'),
      await payout(a, 'day4', '2025-03-04T08:00:00.000Z', { onBehalfOfId: 'sub-1' }),
    ];
    await call(a.key, 'POST', `/test-helpers/payouts/${p[2]?.id}/advance`);
    await call(a.key, 'POST', `/test-helpers/payouts/${p[3]?.id}/fail`);
  });
  const id = (i: number) => p[i]?.id as string;
  const q = (s: string) => ids(a, `limit=50&${s}`);

  it('ids and invertIds (repeated parameter)', async () => {
    expect(await q(`ids=${id(0)}&ids=${id(2)}`)).toEqual([id(2), id(0)]);
    expect(await q(`ids=${id(0)}&ids=${id(2)}&invertIds=true`)).toEqual([id(3), id(1)]);
    expect(await q(`ids=${id(0)}&invertIds=false`)).toEqual([id(0)]);
    expect(await q('invertIds=true')).toEqual([id(3), id(2), id(1), id(0)]);
    expect(await q('ids=po:unknown:1')).toEqual([]);
    expectInvalid(await call(a.key, 'GET', '/payouts?limit=5&invertIds=yes'), /invertIds/);
  });

  it('statuses and invertStatuses (repeated parameter, PayoutStatus enum)', async () => {
    expect(await q('statuses=INITIATION_PENDING')).toEqual([id(1), id(0)]);
    expect(await q('statuses=INITIATION_PROCESSING&statuses=INITIATION_REJECTED')).toEqual([id(3), id(2)]);
    expect(await q('statuses=INITIATION_PENDING&invertStatuses=true')).toEqual([id(3), id(2)]);
    expect(await q('statuses=INITIATION_COMPLETED')).toEqual([]);
    expectInvalid(await call(a.key, 'GET', '/payouts?limit=5&statuses=PENDING'), /Unknown payout status/);
    expectInvalid(await call(a.key, 'GET', '/payouts?limit=5&invertStatuses=1'), /invertStatuses/);
  });

  it('refIds and onBehalfOfId', async () => {
    expect(await q('refIds=day2&refIds=day1-start&refIds=nope')).toEqual([id(2), id(0)]);
    expect(await q('onBehalfOfId=sub-1')).toEqual([id(3), id(1)]);
    expect(await q('onBehalfOfId=sub-2')).toEqual([]);
    expect(await q(`refIds=day4&statuses=INITIATION_REJECTED&ids=${id(3)}`)).toEqual([id(3)]);
  });

  it('startDate and endDate: inclusive UTC days on createdDateTime', async () => {
    expect(await q('startDate=2025-03-01&endDate=2025-03-01')).toEqual([id(1), id(0)]);
    expect(await q('startDate=2025-03-02')).toEqual([id(3), id(2)]);
    expect(await q('endDate=2025-03-02')).toEqual([id(2), id(1), id(0)]);
    expect(await q('startDate=2025-03-03&endDate=2025-03-03')).toEqual([]);
    expect(await q('startDate=2025-03-04&endDate=2025-03-04')).toEqual([id(3)]);
    for (const bad of [
      'startDate=2025-3-1',
      'endDate=2025-02-30',
      'startDate=20250301',
      'endDate=2025-03-01T00:00',
    ]) {
      expectInvalid(await call(a.key, 'GET', `/payouts?limit=5&${bad}`), /YYYY-MM-DD/);
    }
    expectInvalid(
      await call(a.key, 'GET', '/payouts?limit=5&startDate=2025-03-02&endDate=2025-03-01'),
      /startDate/,
    );
  });
});
