// The fault matrix: a provider's create, read and cancel, each under every fault its simulator can
// inject (through the simulator's own control endpoint), through the whole gateway. Whatever the
// fault, a payout is created at most once, no status is lost, the error is typed and names the
// provider; then the circuit breaker opens on a failing provider and closes once it recovers.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutProvider } from '../gql/graphql.ts';
import { CancelPayout, CreatePayout, ListPayouts } from '../gateway/operations.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createPayoutAt, payoutInputFor } from '../helpers/payouts.ts';
import { decodeGlobalId } from '../../src/domain/ids.ts';
import type { Fault } from '../../src/sandbox/http.ts';
import { PayoutStatus, ProviderHealth } from './operations.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Route = [method: string, pathPrefix: string];

export interface FaultRoutes {
  create: Route;
  read: Route;
  /** Absent where the provider cannot cancel (Token.io). */
  cancel?: Route;
}

const TIMEOUT_MS = 200;
/** Past the timeout, with room for coarse timers. */
const SLOW_MS = 450;

/** Faults that say the provider did nothing: the create is refused outright, never in doubt. */
const NOT_DONE = new Set(['503', '429 with Retry-After']);

export const FAULTS: [string, Omit<Fault, 'count' | 'method' | 'pathPrefix'>][] = [
  ['500', { kind: 'error', status: 500 }],
  ['503', { kind: 'error', status: 503 }],
  // Longer than an attempt may take, so it is not waited out inside the request.
  ['429 with Retry-After', { kind: 'error', status: 429, retryAfter: 30 }],
  ['latency past the timeout', { kind: 'latency', delayMs: SLOW_MS }],
  ['connection reset', { kind: 'reset' }],
  ['malformed JSON', { kind: 'malformed' }],
  ['success after the client timed out', { kind: 'late', delayMs: SLOW_MS }],
];

async function control(t: TestApp, provider: PayoutProvider, method: 'POST' | 'DELETE', fault?: Fault) {
  const sim = t.app.simulators.get(provider)!;
  const res = await fetch(`${sim.url}/__sandbox/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(fault ? { body: JSON.stringify(fault) } : {}),
  });
  expect(res.status).toBeLessThan(300);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function faultMatrix(provider: PayoutProvider, routes: FaultRoutes) {
  describe(`${provider} under provider faults`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('memory', {
        PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
        PROVIDER_RETRIES: '1',
        PROVIDER_BREAKER_THRESHOLD: '1000', // the breaker has its own test below
        GATEWAY_POLL_SCALE: '0.01',
      });
    });
    afterAll(() => t.close());
    // Mollie schedules one payout per balance at a time: each test leaves none pending.
    afterEach(async () => {
      if (provider !== 'MOLLIE') return;
      const pending = await t.exec(ListPayouts, { first: 100, filter: { provider, status: ['PENDING'] } });
      for (const e of pending.data!.payouts.edges) await t.exec(CancelPayout, { id: e.node.id });
    });

    // Reads and cancels are faulted for the one payout under test: the poller reads others meanwhile.
    const inject = (
      route: Route,
      fault: Omit<Fault, 'count' | 'method' | 'pathPrefix'>,
      count: number,
      id?: string,
    ) =>
      control(t, provider, 'POST', {
        ...fault,
        method: route[0],
        pathPrefix: route[1],
        count,
        ...(id ? { contains: decodeGlobalId(id, ['Payout'], 'id').id } : {}),
      });
    const clear = async () => {
      await control(t, provider, 'DELETE');
      await sleep(SLOW_MS + 100); // requests held by a slow fault have been answered
    };
    const payoutsSince = async (createdAfter: string) =>
      (await t.exec(ListPayouts, { first: 100, filter: { provider, createdAfter } })).data!.payouts.edges.map(
        (e) => e.node.id,
      );

    describe.each(FAULTS)('%s', (name, fault) => {
      it('create: one payout at most, and the same key finds it afterwards', async () => {
        const since = new Date(Date.now() - 1000).toISOString();
        const before = await payoutsSince(since);
        const input = {
          ...(await payoutInputFor(t, provider)),
          idempotencyKey: `fault-${randomBytes(6).toString('hex')}`,
        };
        // Every attempt, and CasaPay's and Mollie's lookup by replay, meets the fault.
        await inject(routes.create, fault, 3);
        const first = (await t.exec(CreatePayout, { input: input as never })).data!.createPayout as Json;
        const allowed = NOT_DONE.has(name)
          ? ['ProviderUnavailableError']
          : ['CreatePayoutSuccess', 'PayoutInDoubtError'];
        expect(allowed, JSON.stringify(first)).toContain(first.__typename);
        if (first.__typename !== 'CreatePayoutSuccess') expect(first.provider).toBe(provider);
        if (first.__typename === 'PayoutInDoubtError')
          expect(first.idempotencyKey).toBe(input.idempotencyKey);
        await clear();

        // The same request again, until the gateway knows: the payout, and only one.
        let again: Json = {};
        await expect
          .poll(
            async () => {
              again = (await t.exec(CreatePayout, { input: input as never })).data!.createPayout as Json;
              return again.__typename;
            },
            { timeout: 5000, interval: 150 },
          )
          .toBe('CreatePayoutSuccess');
        if (first.__typename === 'CreatePayoutSuccess') expect(again.payout.id).toBe(first.payout.id);
        const created = (await payoutsSince(since)).filter((id) => !before.includes(id));
        expect(created).toEqual([again.payout.id]);
      });

      it('read: a typed error naming the provider, and the status intact afterwards', async () => {
        const payout = await createPayoutAt(t, provider);
        // More than the gateway's two attempts: the poller may read this payout meanwhile and meet one.
        await inject(routes.read, fault, 6, payout.id);
        const failed = await t.exec(PayoutStatus, { id: payout.id });
        expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider });
        await clear();
        const read = await t.exec(PayoutStatus, { id: payout.id });
        expect(read.data!.payout).toMatchObject({ id: payout.id, status: payout.status });
      });

      it.runIf(routes.cancel)('cancel: done or a typed error, and the outcome is never lost', async () => {
        const payout = await createPayoutAt(t, provider);
        await inject(routes.cancel!, fault, 2, payout.id);
        const first = (await t.exec(CancelPayout, { id: payout.id })).data!.cancelPayout as Json;
        const allowed = NOT_DONE.has(name)
          ? ['ProviderUnavailableError']
          : ['CancelPayoutSuccess', 'ProviderUnavailableError'];
        expect(allowed, JSON.stringify(first)).toContain(first.__typename);
        if (first.__typename === 'ProviderUnavailableError') expect(first.provider).toBe(provider);
        await clear();
        // What the provider did shows on the next read; a cancel it never did can be sent again.
        let read = (await t.exec(PayoutStatus, { id: payout.id })).data!.payout!;
        if (first.__typename === 'CancelPayoutSuccess') expect(read.status).toBe('CANCELED');
        if (read.status !== 'CANCELED') {
          const second = (await t.exec(CancelPayout, { id: payout.id })).data!.cancelPayout;
          expect(second.__typename).toBe('CancelPayoutSuccess');
          read = (await t.exec(PayoutStatus, { id: payout.id })).data!.payout!;
        }
        expect(read.status).toBe('CANCELED');
        expect(read.statusHistory.map((h) => h.status)).toContain('CANCELED');
      });
    });
  });

  describe(`${provider}'s circuit breaker`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('memory', {
        PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
        PROVIDER_RETRIES: '0',
        PROVIDER_BREAKER_THRESHOLD: '3',
        PROVIDER_BREAKER_HALF_OPEN_MS: '400',
      });
    });
    afterAll(() => t.close());

    const health = async () =>
      (await t.exec(ProviderHealth, {})).data!.providers.find((p) => p.provider === provider)!.health!;

    it('opens after consecutive failures, fails fast while open, and closes once the provider answers', async () => {
      const payout = await createPayoutAt(t, provider);
      expect((await health()).circuit).toBe('CLOSED');
      await control(t, provider, 'POST', {
        kind: 'error',
        status: 503,
        method: routes.read[0],
        pathPrefix: routes.read[1],
        count: 3,
      });
      for (let i = 0; i < 3; i++) {
        const r = await t.exec(PayoutStatus, { id: payout.id });
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider });
      }
      const open = await health();
      expect(open).toMatchObject({ circuit: 'OPEN', lastFailure: { reason: 'HTTP 503' } });
      expect(open.failures).toBeGreaterThanOrEqual(3);

      // Open: refused at once, without a request to the provider.
      const sim = t.app.simulators.get(provider)!;
      const from = sim.requests.length;
      const refused = await t.exec(PayoutStatus, { id: payout.id });
      expect(refused.errors?.[0]).toMatchObject({
        message: expect.stringContaining('circuit open'),
        extensions: { code: 'PROVIDER_UNAVAILABLE', provider },
      });
      expect(sim.requests.length).toBe(from);

      await sleep(500); // past PROVIDER_BREAKER_HALF_OPEN_MS: the next call tests the provider
      expect((await health()).circuit).toBe('HALF_OPEN');
      const read = await t.exec(PayoutStatus, { id: payout.id });
      expect(read.data!.payout).toMatchObject({ id: payout.id });
      const closed = await health();
      expect(closed.circuit).toBe('CLOSED');
      expect(closed.latencyP50Ms).not.toBeNull();
    });
  });
}
