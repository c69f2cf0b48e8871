// A status event fanned out to many subscribers is executed once per query and API key, not once
// per subscriber: a field that costs a provider call (the payout's destination) is read once for all
// the subscribers of one key, while a key with other scopes still gets its own answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, KEYS, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import { createPayoutAt, payoutInputFor } from '../helpers/payouts.ts';
import { subscribe, type Received, type Transport } from '../helpers/subscriptions.ts';

const QUERY = `subscription Watch($provider: PayoutProvider) {
  payoutStatusChanged(provider: $provider) {
    status
    payout { id destination { id last4 } }
  }
}`;

type Event = { payoutStatusChanged: { status: string; payout: { id: string; destination: unknown } } };

describe.each(stateKinds())('fan-out (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  /** Provider reads of the destination while `fullKeys` + 1 read-only subscribers get one created event. */
  async function readsFor(fullKeys: number) {
    const subs: Received<Event>[] = [];
    const open = async (transport: Transport, key: string) => {
      const before = t.app.state.events.listenerCount();
      const sub = subscribe<Event>(transport, t.app.url, key, QUERY, { provider: 'CASAPAY' });
      subs.push(sub);
      await expect.poll(() => t.app.state.events.listenerCount()).toBeGreaterThan(before);
      return sub;
    };
    try {
      const full: Received<Event>[] = [];
      for (let i = 0; i < fullKeys; i++) full.push(await open(i % 2 ? 'ws' : 'sse', KEYS.full));
      const readOnly = await open('sse', KEYS.readOnly);
      await payoutInputFor(t, 'CASAPAY'); // the helper's own reads, before counting
      const from = t.casapay.requests.length;
      await createPayoutAt(t, 'CASAPAY');
      await expect.poll(() => [...full, readOnly].every((s) => s.results.length >= 1)).toBe(true);
      const reads = countRequests(t.casapay, 'GET', /^\/v1\/bank_accounts\/[^/]+$/, from);

      // Every subscriber of the full key got the same answer, destination included.
      const answers = full.map((s) => s.results[0]!);
      for (const a of answers) expect(a).toEqual(answers[0]);
      expect(answers[0]!.data!.payoutStatusChanged.payout.destination).toMatchObject({
        last4: expect.any(String),
      });
      // The read-only key may not see bank accounts: its own execution says so.
      const denied = readOnly.results[0]!;
      expect(denied.data?.payoutStatusChanged.payout.destination ?? null).toBeNull();
      expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      return reads;
    } finally {
      subs.forEach((s) => s.close());
      await expect.poll(() => t.app.state.events.listenerCount()).toBe(0);
    }
  }

  it('executes an event once for all subscribers of one key and query, apart for another key', async () => {
    // Eight subscribers of the full key cost the provider what one does.
    const one = await readsFor(1);
    expect(one).toBeGreaterThan(0);
    expect(await readsFor(8)).toBe(one);
  });
});
