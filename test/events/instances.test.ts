// Several gateway instances on one Redis: a status change recorded by one reaches subscribers of
// another (Redis pub/sub through @graphql-yoga/redis-event-target), and the poll schedule outlives
// an instance (a payout created before a restart is polled by whoever runs next).
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusChangedSubscription } from '../gql/graphql.ts';
import { countRequests, KEYS, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import { createPayoutAt } from '../helpers/payouts.ts';
import { subscribe } from '../helpers/subscriptions.ts';
import { SimulatePayoutStatus, StatusChanged } from './operations.ts';

describe.runIf(stateKinds().includes('redis'))('two gateway instances on one Redis', () => {
  const statePrefix = `test:${randomBytes(6).toString('hex')}:`;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Each instance has its own simulators in sandbox mode; neither polls, so every event here
    // comes from A's webhooks.
    [a, b] = await Promise.all([
      startTestApp('redis', {}, undefined, { statePrefix, noPoller: true }),
      startTestApp('redis', {}, undefined, { statePrefix, noPoller: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers a webhook received by one instance to a subscriber of the other', async () => {
    const sub = subscribe<StatusChangedSubscription>('ws', b.app.url, KEYS.readOnly, print(StatusChanged), {
      provider: 'CASAPAY',
    });
    try {
      await expect.poll(() => b.app.state.events.listenerCount()).toBe(1);
      const payout = await createPayoutAt(a, 'CASAPAY');
      const r = (await a.exec(SimulatePayoutStatus, { id: payout.id, status: 'PAID' })).data!
        .simulatePayoutStatus;
      expect(r.__typename).toBe('SimulatePayoutStatusSuccess');
      await expect.poll(() => sub.results.at(-1)?.data?.payoutStatusChanged.status).toBe('PAID');
      const events = sub.results.map((x) => x.data!.payoutStatusChanged);
      expect(events.map((e) => e.payout.id).every((id) => id === payout.id)).toBe(true);
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      expect(events.slice(1).every((e) => e.source === 'WEBHOOK')).toBe(true);
      expect(a.app.state.events.listenerCount()).toBe(0); // A has no subscriber: B's heard it over Redis
    } finally {
      sub.close();
    }
  });
});

describe.runIf(stateKinds().includes('redis'))('the poll schedule across a restart', () => {
  it('is picked up by the next instance on the same Redis', async () => {
    const statePrefix = `test:${randomBytes(6).toString('hex')}:`;
    const fast = { GATEWAY_POLL_SCALE: '0.001' }; // the first poll is due 0.3 s after the create
    const first = await startTestApp('redis', fast, undefined, { statePrefix, noPoller: true });
    const payout = await createPayoutAt(first, 'CASAPAY');
    await first.close();

    // The next instance's sandbox simulators are new and never saw the payout: it polls it all the
    // same (the schedule lives in Redis), learns it is gone, and stops polling it.
    const next = await startTestApp('redis', fast, undefined, { statePrefix });
    try {
      const path = new RegExp(`^/v1/payouts/${payout.providerPayoutId}$`);
      await expect.poll(() => countRequests(next.casapay, 'GET', path), { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(countRequests(next.casapay, 'GET', path)).toBe(1);
    } finally {
      await next.close();
    }
  });
});
