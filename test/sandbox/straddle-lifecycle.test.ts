// The payout lifecycle in the Straddle simulator: the test helper's steps, hold, release and cancel
// in and out of their windows (422 naming the status), auto_hold, a future payment_date, and every
// config.sandbox_outcome reaching its outcome with Straddle's reason, source and return code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  easternDateOf,
  linkedPaykey,
  newStraddleKey,
  payoutBody,
  straddleCall,
  type Reply,
} from '../helpers/straddle-spec.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let clock = Date.parse('2025-03-03T15:00:00.000Z');
let sim: StraddleSimulator;
beforeAll(async () => {
  sim = await startStraddleSimulator({ now: () => clock });
});
afterAll(() => sim.close());

const call = (key: string, method: string, path: string, body?: unknown) =>
  straddleCall(sim.url, key, method, path, body);
const today = () => easternDateOf(clock);

interface Fixture {
  key: string;
  token: string;
}

async function fixture(): Promise<Fixture> {
  const key = newStraddleKey();
  return { key, token: (await linkedPaykey(sim.url, key)).token };
}

async function newPayout(f: Fixture, over: Json = {}): Promise<string> {
  const res = await call(f.key, 'POST', '/v1/payouts', payoutBody(f.token, today(), over));
  expect(res.status).toBe(201);
  return res.body.data.id as string;
}

const advance = (f: Fixture, id: string) => call(f.key, 'POST', `/test-helpers/payouts/${id}/advance`);
const action = (f: Fixture, id: string, verb: 'hold' | 'release' | 'cancel', reason = `${verb} please`) =>
  call(f.key, 'PUT', `/v1/payouts/${id}/${verb}`, { reason });

/** Advances `steps` times, each step a 200. */
async function advanceBy(f: Fixture, id: string, steps: number): Promise<Json> {
  let last: Reply | undefined;
  for (let i = 0; i < steps; i++) {
    last = await advance(f, id);
    expect(last.status, `advance ${i + 1}`).toBe(200);
  }
  return last?.body.data ?? (await call(f.key, 'GET', `/v1/payouts/${id}`)).body.data;
}

function expect422(res: Reply, detail: string | RegExp) {
  expect(res.status).toBe(422);
  expect(res.body.error).toMatchObject({
    status: 422,
    type: '/validation_error',
    title: 'Validation Failed',
  });
  expect(res.body.error.detail).toMatch(detail);
}

const statuses = (payout: Json) => (payout.status_history as Json[]).map((h) => h.status);

describe('the test helper', () => {
  it('walks a standard payout created → scheduled → pending → paid, then stops (422 naming Paid)', async () => {
    const f = await fixture();
    const id = await newPayout(f);
    clock += 1000;
    const scheduled = (await advance(f, id)).body.data;
    expect(scheduled.status_details).toMatchObject({ reason: 'ok', source: 'system', code: null });
    expect([scheduled.status, scheduled.processed_at, scheduled.funding_ids]).toEqual([
      'scheduled',
      null,
      [],
    ]);
    clock += 1000;
    const pending = (await advance(f, id)).body.data;
    expect(pending.status).toBe('pending');
    expect(pending.processed_at).toBe(new Date(clock).toISOString());
    expect(pending.funding_ids).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(Object.values(pending.trace_ids)).toEqual([expect.stringMatching(/^\d{15}$/)]);
    clock += 1000;
    const paid = (await advance(f, id)).body.data;
    expect(paid).toMatchObject({ status: 'paid', effective_at: new Date(clock).toISOString() });
    expect(statuses(paid)).toEqual(['created', 'scheduled', 'pending', 'paid']);
    expect(paid.status_history.map((h: Json) => h.changed_at)).toEqual(
      [-3000, -2000, -1000, 0].map((d) => new Date(clock + d).toISOString()),
    );
    expect422(await advance(f, id), /is Paid, the end of its sandbox_outcome 'standard'/);
  });

  it('answers 404 for an unknown payout or one of another account', async () => {
    const f = await fixture();
    const id = await newPayout(f);
    const other = await fixture();
    expect((await advance(other, id)).status).toBe(404);
    expect((await action(other, id, 'hold')).status).toBe(404);
    expect((await call(other.key, 'GET', `/v1/payouts/${id}`)).status).toBe(404);
  });

  it('keeps a future-dated payout scheduled until its US Eastern payment_date', async () => {
    const f = await fixture();
    const date = addDays(today(), 2);
    const id = await newPayout(f, { payment_date: date });
    expect((await advance(f, id)).body.data.status).toBe('scheduled');
    expect422(await advance(f, id), new RegExp(`Scheduled for ${date} \\(US Eastern\\)`));
    // 03:00 UTC on that date is still the day before in New York.
    clock = Date.parse(`${date}T03:00:00.000Z`);
    expect422(await advance(f, id), /is not sent before that date/);
    clock = Date.parse(`${date}T05:00:00.000Z`);
    expect((await advance(f, id)).body.data.status).toBe('pending');
    clock = Date.parse('2025-03-03T15:00:00.000Z');
  });
});

describe('hold, release and cancel', () => {
  it('holds in created, scheduled and on_hold with the user_action source and the reason as message', async () => {
    const f = await fixture();
    const id = await newPayout(f);
    const held = (await action(f, id, 'hold', 'Checking the invoice')).body.data;
    expect(held.status).toBe('on_hold');
    expect(held.status_details).toMatchObject({
      message: 'Checking the invoice',
      reason: 'user_request',
      source: 'user_action',
      code: null,
    });
    expect((await action(f, id, 'hold', 'Still checking')).body.data.status_details.message).toBe(
      'Still checking',
    );
    const released = (await action(f, id, 'release', 'Invoice fine')).body.data;
    expect(released.status).toBe('created');
    expect(released.status_details).toMatchObject({
      reason: 'user_request',
      source: 'user_action',
      message: 'Invoice fine',
    });
    await advance(f, id);
    expect((await action(f, id, 'hold')).body.data.status).toBe('on_hold');
    expect(statuses((await call(f.key, 'GET', `/v1/payouts/${id}`)).body.data)).toEqual([
      'created',
      'on_hold',
      'on_hold',
      'created',
      'scheduled',
      'on_hold',
    ]);
  });

  it('cancels in created, scheduled and on_hold (cancel_request), after which nothing moves', async () => {
    const f = await fixture();
    for (const setup of [[], ['advance'], ['hold']]) {
      const id = await newPayout(f);
      if (setup.includes('advance')) await advance(f, id);
      if (setup.includes('hold')) await action(f, id, 'hold');
      const res = await action(f, id, 'cancel', 'Customer asked');
      expect(res.status).toBe(200);
      expect(res.body.data.status_details).toMatchObject({
        message: 'Customer asked',
        reason: 'cancel_request',
        source: 'user_action',
      });
      expect(res.body.data.status).toBe('cancelled');
      expect422(await advance(f, id), /is Cancelled, a final status/);
      expect422(await action(f, id, 'hold'), /^Unable to change status of a payment once it is Cancelled\.$/);
    }
  });

  it('refuses hold, release and cancel once pending, paid or failed (422 naming the status)', async () => {
    const f = await fixture();
    const id = await newPayout(f, { config: { sandbox_outcome: 'failed_closed_bank_account' } });
    for (const [steps, name] of [
      [2, 'Pending'],
      [1, 'Failed'],
    ] as const) {
      await advanceBy(f, id, steps);
      for (const verb of ['hold', 'release', 'cancel'] as const) {
        expect422(await action(f, id, verb), `Unable to change status of a payment once it is ${name}.`);
      }
    }
    const paid = await newPayout(f);
    await advanceBy(f, paid, 3);
    expect422(await action(f, paid, 'cancel'), 'Unable to change status of a payment once it is Paid.');
  });

  it('releases only an on_hold payout', async () => {
    const f = await fixture();
    const id = await newPayout(f);
    expect422(
      await action(f, id, 'release'),
      'Unable to release a payment that is not on hold; it is Created.',
    );
    await advance(f, id);
    expect422(await action(f, id, 'release'), /it is Scheduled\.$/);
  });

  it('needs a reason (400) and refuses other fields', async () => {
    const f = await fixture();
    const id = await newPayout(f);
    const res = await call(f.key, 'PUT', `/v1/payouts/${id}/hold`, { message: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.items.map((i: Json) => i.reference)).toEqual(['message', 'reason']);
  });

  it('creates an auto_hold payout on_hold (auto_hold) with its message; released, it goes on', async () => {
    const f = await fixture();
    const res = await call(
      f.key,
      'POST',
      '/v1/payouts',
      payoutBody(f.token, today(), { config: { auto_hold: true, auto_hold_message: 'Review first' } }),
    );
    expect(res.body.data).toMatchObject({
      status: 'on_hold',
      config: { auto_hold: true, auto_hold_message: 'Review first', sandbox_outcome: 'standard' },
    });
    expect(res.body.data.status_details).toMatchObject({
      reason: 'auto_hold',
      source: 'watchtower',
      message: 'Review first',
    });
    expect(statuses(res.body.data)).toEqual(['created', 'on_hold']);
    const id = res.body.data.id as string;
    expect422(await advance(f, id), /is On Hold: release or cancel it first/);
    await action(f, id, 'release');
    expect((await advanceBy(f, id, 3)).status).toBe('paid');
  });
});

describe('config.sandbox_outcome', () => {
  const ok = { reason: 'ok', source: 'system', code: null };
  it.each([
    ['standard', ['created', 'scheduled', 'pending', 'paid'], ok],
    ['paid', ['created', 'scheduled', 'pending', 'paid'], ok],
    [
      'cancelled_for_fraud_risk',
      ['created', 'cancelled'],
      { reason: 'payment_blocked', source: 'watchtower', code: null },
    ],
    [
      'cancelled_for_balance_check',
      ['created', 'cancelled'],
      { reason: 'insufficient_funds', source: 'watchtower', code: null },
    ],
    [
      'failed_insufficient_funds',
      ['created', 'scheduled', 'pending', 'failed'],
      { reason: 'insufficient_funds', source: 'bank_decline', code: 'R01' },
    ],
    [
      'failed_customer_dispute',
      ['created', 'scheduled', 'pending', 'failed'],
      { reason: 'disputed', source: 'customer_dispute', code: 'R05' },
    ],
    [
      'failed_closed_bank_account',
      ['created', 'scheduled', 'pending', 'failed'],
      { reason: 'closed_bank_account', source: 'bank_decline', code: 'R02' },
    ],
    [
      'reversed_insufficient_funds',
      ['created', 'scheduled', 'pending', 'paid', 'reversed'],
      { reason: 'insufficient_funds', source: 'bank_decline', code: 'R01' },
    ],
    [
      'reversed_customer_dispute',
      ['created', 'scheduled', 'pending', 'paid', 'reversed'],
      { reason: 'disputed', source: 'customer_dispute', code: 'R05' },
    ],
    [
      'reversed_closed_bank_account',
      ['created', 'scheduled', 'pending', 'paid', 'reversed'],
      { reason: 'closed_bank_account', source: 'bank_decline', code: 'R02' },
    ],
  ])('%s reaches its outcome, one helper step at a time', async (outcome, path, last) => {
    const f = await fixture();
    const id = await newPayout(f, { config: { sandbox_outcome: outcome } });
    const payout = await advanceBy(f, id, path.length - 1);
    expect(statuses(payout)).toEqual(path);
    expect(payout.status).toBe(path[path.length - 1]);
    expect(payout.status_details).toMatchObject(last);
    expect(payout.status_details.message).toEqual(expect.any(String));
    expect(payout.config.sandbox_outcome).toBe(outcome);
    expect((await advance(f, id)).status).toBe(422);
    if (path.includes('paid')) expect(payout.effective_at).not.toBeNull();
  });

  it('on_hold_daily_limit holds for amount_too_large (watchtower); once released it is paid', async () => {
    const f = await fixture();
    const id = await newPayout(f, { config: { sandbox_outcome: 'on_hold_daily_limit' } });
    const held = await advanceBy(f, id, 1);
    expect(held.status).toBe('on_hold');
    expect(held.status_details).toMatchObject({
      reason: 'amount_too_large',
      source: 'watchtower',
      code: null,
    });
    expect422(await advance(f, id), /On Hold/);
    await action(f, id, 'release', 'Limit raised');
    const paid = await advanceBy(f, id, 3);
    expect(statuses(paid)).toEqual(['created', 'on_hold', 'created', 'scheduled', 'pending', 'paid']);
  });
});
