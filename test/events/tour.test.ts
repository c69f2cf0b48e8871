// The whole gateway in one pass, as a frontend uses it, on memory and on real Redis: a payout at
// each of the four providers (routed where the gateway can decide), one federated page listing
// them, each watched over a subscription to a final status driven by simulatePayoutStatus (three
// by the providers' signed webhooks, Token.io by polling), and the balances that moved.
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePayoutInput, PayoutProvider, StatusChangedSubscription } from '../gql/graphql.ts';
import { KEYS, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import { payoutInputFor } from '../helpers/payouts.ts';
import { subscribe } from '../helpers/subscriptions.ts';
import { Balances, CreatePayout, ListPayouts } from '../gateway/operations.ts';
import { SimulatePayoutStatus, StatusChanged } from './operations.ts';

type Event = StatusChangedSubscription['payoutStatusChanged'];

describe.each(stateKinds())('a tour of all four providers (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    // Token.io has no webhooks: its changes arrive by polling, a hundred times as often here.
    t = await startTestApp(kind, { GATEWAY_POLL_SCALE: '0.002' });
  });
  afterAll(() => t.close());

  it('creates, lists, watches to a final status and reads the balances that moved', async () => {
    const available = async () =>
      new Map(
        (await t.exec(Balances, {})).data!.balances.nodes.map((b) => [
          `${b.provider}:${b.currency}`,
          b.available.minorUnits,
        ]),
      );
    const before = await available();

    // Every change of every payout, over a WebSocket, from before the first create.
    const listeners = t.app.state.events.listenerCount();
    const sub = subscribe<StatusChangedSubscription>('ws', t.app.url, KEYS.full, print(StatusChanged));
    await expect.poll(() => t.app.state.events.listenerCount()).toBeGreaterThan(listeners);

    // CasaPay, Token.io and Straddle by their destination's owner; Mollie by GBP's routing rule
    // (the only one of its providers that pays without a destination), from its GBP balance.
    const inputs: Record<PayoutProvider, Partial<CreatePayoutInput>> = {
      CASAPAY: {
        ...(await payoutInputFor(t, 'CASAPAY')),
        provider: null,
        amount: { amount: '12.50', currency: 'GBP' },
      },
      MOLLIE: { amount: { amount: '7.25', currency: 'GBP' } },
      TOKENIO: {
        ...(await payoutInputFor(t, 'TOKENIO')),
        provider: null,
        sourceId: null,
        amount: { amount: '3.10', currency: 'GBP' },
      },
      STRADDLE: {
        ...(await payoutInputFor(t, 'STRADDLE')),
        provider: null,
        amount: { amount: '20.00', currency: 'USD' },
      },
    };
    const ids = new Map<PayoutProvider, string>();
    for (const [provider, input] of Object.entries(inputs) as [
      PayoutProvider,
      Partial<CreatePayoutInput>,
    ][]) {
      const r = (
        await t.exec(CreatePayout, {
          input: { ...input, idempotencyKey: `tour-${randomBytes(6).toString('hex')}` } as CreatePayoutInput,
        })
      ).data!.createPayout;
      if (r.__typename !== 'CreatePayoutSuccess') throw new Error(JSON.stringify(r));
      expect(r.payout.provider).toBe(provider);
      ids.set(provider, r.payout.id);
    }

    // One federated page holds all four, newest first.
    const page = (await t.exec(ListPayouts, { first: 10 })).data!.payouts;
    expect(page.providerErrors).toEqual([]);
    expect(page.edges.map((e) => e.node.id)).toEqual([...ids.values()].reverse());

    // Each to PAID at its provider's simulator; the subscription sees each get there.
    for (const id of ids.values()) {
      const r = (await t.exec(SimulatePayoutStatus, { id, status: 'PAID' })).data!.simulatePayoutStatus;
      expect(r.__typename, JSON.stringify(r)).toBe('SimulatePayoutStatusSuccess');
    }
    const events = (): Event[] => sub.results.flatMap((r) => (r.data ? [r.data.payoutStatusChanged] : []));
    await expect
      .poll(
        () =>
          new Set(
            events()
              .filter((e) => e.status === 'PAID')
              .map((e) => e.payout.id),
          ),
        { timeout: 15_000 },
      )
      .toEqual(new Set(ids.values()));
    expect(sub.results.filter((r) => r.errors)).toEqual([]);
    for (const [provider, id] of ids) {
      const seen = events().filter((e) => e.payout.id === id);
      // From the create to PAID, each change once, in order.
      expect(seen[0], provider).toMatchObject({ sequence: 1, previousStatus: null, status: 'PENDING' });
      expect(seen.map((e) => e.sequence)).toEqual(seen.map((_, i) => i + 1));
      expect(seen.at(-1)!.status).toBe('PAID');
      if (provider === 'TOKENIO') expect(seen.at(-1)!.source).toBe('POLL');
      else expect(seen.at(-1)!.source).toBe('WEBHOOK');
    }
    sub.close();

    // The balances the payouts were paid from moved by their amounts (Straddle keeps none).
    const after = await available();
    expect(before.get('CASAPAY:GBP')! - after.get('CASAPAY:GBP')!).toBe(1250);
    expect(before.get('MOLLIE:GBP')! - after.get('MOLLIE:GBP')!).toBe(725);
    expect(before.get('TOKENIO:GBP')! - after.get('TOKENIO:GBP')!).toBe(310);
    expect([...after.keys()].some((k) => k.startsWith('STRADDLE'))).toBe(false);
  });
});
