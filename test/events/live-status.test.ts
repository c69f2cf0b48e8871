// The whole live path, on memory and on real Redis: a provider's signed webhook (or a poll) → the
// status ledger → the event log → subscribers over SSE (graphql-sse's client) and WebSocket
// (graphql-ws's client). Payouts are moved by simulatePayoutStatus at the providers' simulators,
// which then send their own signed webhooks to the gateway over real HTTP.
import { createHmac, randomBytes } from 'node:crypto';
import { print } from 'graphql';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutStatus, StatusChangedSubscription } from '../gql/graphql.ts';
import { KEYS, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import { createPayoutAt } from '../helpers/payouts.ts';
import { subscribe, type Transport } from '../helpers/subscriptions.ts';
import { encodeEvent } from '../../src/events/ledger.ts';
import { GetPayout } from '../gateway/operations.ts';
import { SimulatePayoutStatus, StatusChanged } from './operations.ts';

type Event = StatusChangedSubscription['payoutStatusChanged'];
const QUERY = print(StatusChanged);
const stripe = new Stripe('sk_test_unused');

/** Every subscription a test opened, closed after it whether it passed or not. */
const open: { close(): void }[] = [];

/** Closes them and waits until the gateway has let go of every listener. */
async function closeAll(t: TestApp) {
  open.splice(0).forEach((s) => s.close());
  await expect.poll(() => t.app.state.events.listenerCount()).toBe(0);
}

/** Subscribes and waits until the gateway has attached the listener (so nothing is missed). */
async function watch(t: TestApp, transport: Transport, variables: Record<string, unknown>, key = KEYS.full) {
  const before = t.app.state.events.listenerCount();
  const sub = subscribe<StatusChangedSubscription>(transport, t.app.url, key, QUERY, variables);
  open.push(sub);
  await expect.poll(() => t.app.state.events.listenerCount()).toBeGreaterThan(before);
  return {
    sub,
    /** The first `n` events (failing on an error result). */
    async events(n: number): Promise<Event[]> {
      const results = await sub.next(n);
      for (const r of results) if (r.errors) throw new Error(JSON.stringify(r.errors));
      return results.map((r) => r.data!.payoutStatusChanged);
    },
  };
}

async function simulate(t: TestApp, id: string, status: PayoutStatus) {
  const r = (await t.exec(SimulatePayoutStatus, { id, status })).data!.simulatePayoutStatus;
  expect(r.__typename, JSON.stringify(r)).toBe('SimulatePayoutStatusSuccess');
}

describe.each(stateKinds())('live status through webhooks (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());
  afterEach(() => closeAll(t));

  it('brings each webhook-driven provider’s changes to SSE and WebSocket subscribers, in sequence', async () => {
    for (const provider of ['CASAPAY', 'MOLLIE', 'STRADDLE'] as const) {
      const byProvider = await watch(t, 'ws', { provider });
      const payout = await createPayoutAt(t, provider);
      const byId = await watch(t, 'sse', { id: payout.id });
      await simulate(t, payout.id, 'PAID');
      await expect.poll(() => byProvider.sub.results.at(-1)?.data?.payoutStatusChanged.status).toBe('PAID');
      const all = (await byProvider.events(1)).filter((e) => e.payout.id === payout.id);
      const [created, ...moves] = all;
      // The create's answer and the simulator's payout.created webhook race to record it first.
      expect(created).toMatchObject({ sequence: 1, previousStatus: null, status: 'PENDING' });
      expect(['MUTATION', 'WEBHOOK']).toContain(created!.source);
      expect(moves.length).toBeGreaterThanOrEqual(2);
      // Each change once, numbered without gaps, each from the status before it, each by webhook.
      all.forEach((e, i) => {
        expect(e.sequence).toBe(i + 1);
        if (i > 0) expect(e).toMatchObject({ previousStatus: all[i - 1]!.status, source: 'WEBHOOK' });
        expect(e.payout.status).toBe(e.status);
      });
      // The id subscription started after the create: it sees the moves, exactly as the other did.
      expect(await byId.events(moves.length)).toEqual(moves);
      await closeAll(t);
    }
  });

  describe('CasaPay deliveries posted by hand, signed with Stripe’s helper', () => {
    const deliver = async (payload: string, secret = t.app.webhookSecrets.get('CASAPAY')!) =>
      fetch(`${t.app.url}/webhooks/casapay`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'casapay-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      });
    /** A real event body: the simulator's payout, in `status`, at `created` (unix seconds). */
    async function event(payoutId: string, status: string, created: number) {
      const res = await fetch(`${t.casapay.url}/v1/payouts/${payoutId}`, {
        headers: { authorization: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}` },
      });
      const object = { ...((await res.json()) as object), status };
      return JSON.stringify({
        id: `evt_${randomBytes(8).toString('hex')}`,
        object: 'event',
        api_version: '2024-06-20',
        created,
        type: status === 'paid' ? 'payout.paid' : status === 'failed' ? 'payout.failed' : 'payout.updated',
        livemode: false,
        pending_webhooks: 1,
        data: { object },
        request: { id: null, idempotency_key: null },
      });
    }

    it('applies one delivery once, however often it comes', async () => {
      const payout = await createPayoutAt(t, 'CASAPAY');
      const w = await watch(t, 'sse', { id: payout.id });
      const body = await event(payout.providerPayoutId, 'in_transit', Math.floor(Date.now() / 1000));
      const answers = await Promise.all([deliver(body), deliver(body)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const again = await deliver(body);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ duplicate: true }); // known by its event id
      const [first] = await w.events(1);
      expect(first).toMatchObject({ status: 'PROCESSING', sequence: 2, source: 'WEBHOOK' });
      // A later, different delivery is the next event: nothing came in between.
      await deliver(await event(payout.providerPayoutId, 'paid', Math.floor(Date.now() / 1000) + 1));
      const events = await w.events(2);
      expect(events.map((e) => [e.status, e.sequence])).toEqual([
        ['PROCESSING', 2],
        ['PAID', 3],
      ]);
      w.sub.close();
    });

    it('never lets an older event overwrite a newer one', async () => {
      const payout = await createPayoutAt(t, 'CASAPAY');
      const w = await watch(t, 'ws', { id: payout.id });
      const now = Math.floor(Date.now() / 1000);
      const inTransit = await event(payout.providerPayoutId, 'in_transit', now + 1);
      const paid = await event(payout.providerPayoutId, 'paid', now + 2);
      expect((await deliver(paid)).status).toBe(200);
      expect((await deliver(inTransit)).status).toBe(200); // accepted delivery, stale content
      // CasaPay's late return (paid → failed) is a real move out of a final status.
      expect((await deliver(await event(payout.providerPayoutId, 'failed', now + 3))).status).toBe(200);
      const events = await w.events(2);
      expect(events.map((e) => [e.previousStatus, e.status, e.sequence])).toEqual([
        ['PENDING', 'PAID', 2],
        ['PAID', 'FAILED', 3],
      ]);
      w.sub.close();
    });

    it('a read that a webhook overtakes neither repeats the change nor undoes it', async () => {
      const payout = await createPayoutAt(t, 'CASAPAY');
      const w = await watch(t, 'sse', { id: payout.id });
      const sim = t.casapay;
      // The held answer must be the query's: a poll of this payout would take the fault instead.
      await t.app.gateway.poller?.stop();
      const pendingFaults = async () =>
        ((await (await fetch(`${sim.url}/__sandbox/faults`)).json()) as { pending: unknown[] }).pending
          .length;
      /** Sends the read and waits until its provider call is held at the simulator. */
      async function heldRead(kind: 'late' | 'latency') {
        sim.injectFault({
          kind,
          delayMs: 800,
          method: 'GET',
          pathPrefix: '/v1/payouts/',
          contains: payout.providerPayoutId,
          count: 1,
        });
        const answer = t.exec(GetPayout, { id: payout.id });
        await expect.poll(pendingFaults).toBe(0);
        return { answer }; // not the promise itself: awaiting this must not wait for the answer
      }
      const now = Math.floor(Date.now() / 1000);
      const secret = t.app.webhookSecrets.get('CASAPAY')!;
      try {
        // The provider answers what it had before the change: the change stays recorded.
        const stale = (await heldRead('late')).answer;
        expect((await deliver(await event(payout.providerPayoutId, 'in_transit', now))).status).toBe(200);
        expect((await stale).data!.payout).toMatchObject({ status: 'PENDING' });

        // The provider answers the change itself: it is recorded once, by the webhook.
        sim.setWebhook(null); // only the hand-made delivery below
        const fresh = (await heldRead('latency')).answer;
        for (let step = 0; step < 2; step++) {
          const res = await fetch(`${sim.url}/v1/test_helpers/payouts/${payout.providerPayoutId}/advance`, {
            method: 'POST',
            headers: { authorization: `Bearer ${t.app.sandboxCredentials.get('CASAPAY')!.apiKey}` },
          });
          expect(res.status).toBe(200);
        }
        expect((await deliver(await event(payout.providerPayoutId, 'paid', now + 1))).status).toBe(200);
        expect((await fresh).data!.payout).toMatchObject({ status: 'PAID' });
      } finally {
        sim.setWebhook({ url: `${t.app.url}/webhooks/casapay`, secret });
        t.app.gateway.poller?.start();
      }

      const events = await w.events(2);
      expect(events.map((e) => [e.previousStatus, e.status, e.sequence, e.source])).toEqual([
        ['PENDING', 'PROCESSING', 2, 'WEBHOOK'],
        ['PROCESSING', 'PAID', 3, 'WEBHOOK'],
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(w.sub.results).toHaveLength(2);
      w.sub.close();
    });

    it('refuses a forged or stale signature with 400, and nothing changes', async () => {
      const payout = await createPayoutAt(t, 'CASAPAY');
      const w = await watch(t, 'sse', { id: payout.id });
      const now = Math.floor(Date.now() / 1000);
      const paid = await event(payout.providerPayoutId, 'paid', now);
      expect((await deliver(paid, 'whsec_forged')).status).toBe(400);
      const stale = stripe.webhooks.generateTestHeaderString({
        payload: paid,
        secret: t.app.webhookSecrets.get('CASAPAY')!,
        timestamp: now - 301,
      });
      const refused = await fetch(`${t.app.url}/webhooks/casapay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'casapay-signature': stale },
        body: paid,
      });
      expect(refused.status).toBe(400);
      // The next event the subscriber sees is the genuine one, from PENDING: the forgeries did nothing.
      await deliver(await event(payout.providerPayoutId, 'in_transit', now));
      expect((await w.events(1))[0]).toMatchObject({
        previousStatus: 'PENDING',
        status: 'PROCESSING',
        sequence: 2,
      });
      w.sub.close();
    });
  });

  it('reads the payout at once when a verified Mollie event carries only its id', async () => {
    const payout = await createPayoutAt(t, 'MOLLIE');
    const w = await watch(t, 'sse', { id: payout.id });
    const secret = t.app.webhookSecrets.get('MOLLIE')!;
    t.mollie.setWebhook(null); // the simulator's own full-payload events stay out of this test
    try {
      const res = await fetch(`${t.mollie.url}/v2/test-helpers/payouts/${payout.providerPayoutId}/advance`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.app.sandboxCredentials.get('MOLLIE')!.apiKey}` },
      });
      expect(res.status).toBe(200);
      // A "simple" next-gen subscription: the event names the payout and embeds nothing.
      const body = JSON.stringify({
        resource: 'event',
        id: `event_${randomBytes(8).toString('hex')}`,
        type: 'payout.initiated',
        entityId: payout.providerPayoutId,
        createdAt: new Date().toISOString(),
      });
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const answer = await fetch(`${t.app.url}/webhooks/mollie`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mollie-signature': signature },
        body,
      });
      expect(answer.status).toBe(200);
      expect((await w.events(1))[0]).toMatchObject({
        previousStatus: 'PENDING',
        source: 'POLL',
        sequence: 2,
      });
    } finally {
      t.mollie.setWebhook({ url: `${t.app.url}/webhooks/mollie`, secret });
    }
  });

  it('replays every event a disconnected subscriber missed, exactly once, then goes live', async () => {
    const payout = await createPayoutAt(t, 'CASAPAY');
    const first = await watch(t, 'sse', { id: payout.id });
    await simulate(t, payout.id, 'PROCESSING');
    const [seen] = await first.events(1);
    const listening = t.app.state.events.listenerCount();
    first.sub.close();
    await expect.poll(() => t.app.state.events.listenerCount()).toBe(listening - 1);

    await simulate(t, payout.id, 'PAID'); // while nobody listens
    await t.casapay.idle(); // delivered, and so recorded: the gateway answers after recording
    const resumed = await watch(t, 'ws', { id: payout.id, after: seen!.cursor });
    await simulate(t, payout.id, 'FAILED'); // live, after the replay
    const events = await resumed.events(2);
    expect(events.map((e) => [e.status, e.sequence])).toEqual([
      ['PAID', 3],
      ['FAILED', 4],
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.sub.results).toHaveLength(2);
    resumed.sub.close();
  });

  it('leaves no listener behind after 1,000 subscribe/unsubscribe cycles', async () => {
    const body = JSON.stringify({ query: QUERY, variables: { provider: 'CASAPAY' } });
    const before = t.app.state.events.listenerCount();
    for (let round = 0; round < 10; round++) {
      const open: { abort: AbortController; res?: Response }[] = [];
      try {
        await Promise.all(
          Array.from({ length: 100 }, async () => {
            const held: (typeof open)[number] = { abort: new AbortController() };
            open.push(held);
            // The response is held until the abort: an unread body that is collected would end the
            // subscription on its own and hide what this test is about.
            held.res = await fetch(`${t.app.url}/graphql`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${KEYS.readOnly}`,
                'content-type': 'application/json',
                accept: 'text/event-stream',
              },
              body,
              signal: held.abort.signal,
            });
            expect(held.res.status).toBe(200);
          }),
        );
        await expect.poll(() => t.app.state.events.listenerCount()).toBe(before + 100);
      } finally {
        open.forEach((o) => o.abort.abort());
      }
      await expect.poll(() => t.app.state.events.listenerCount()).toBe(before);
    }
  });

  it('replays a long backlog in full, waiting for the client', async () => {
    // 1,100 events written straight into the log (more than a stream buffers), then read over SSE.
    const from = await t.app.state.events.head();
    const providerPayoutId = `po_backlog_${randomBytes(4).toString('hex')}`;
    const payout = {
      provider: 'CASAPAY',
      providerPayoutId,
      status: 'PENDING',
      providerStatus: 'pending',
      amount: null,
      description: null,
      method: null,
      destinationId: null,
      failure: null,
      expectedArrivalAt: null,
      createdAt: new Date(),
      updatedAt: null,
      metadata: null,
      statusHistory: [],
    } as const;
    for (let s = 1; s <= 1100; s++) {
      const status = s % 2 ? 'PENDING' : 'ON_HOLD';
      await t.app.state.events.commit(
        `CASAPAY:${providerPayoutId}`,
        s - 1,
        JSON.stringify({ sequence: s, status, history: [] }),
        encodeEvent({
          provider: 'CASAPAY',
          providerPayoutId,
          sequence: s,
          previousStatus: null,
          status,
          occurredAt: Date.now(),
          source: 'POLL',
          payout: { ...payout, status, statusHistory: [] },
        }),
      );
    }
    const id = Buffer.from(`Payout:CASAPAY:${providerPayoutId}`).toString('base64');
    const w = await watch(t, 'sse', { id, after: from ?? '0-0' });
    const events = await w.events(1100);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 1100 }, (_, i) => i + 1));
  });

  it('asks for payouts:read when subscribing, and a WebSocket for a valid key', async () => {
    for (const transport of ['sse', 'ws'] as const) {
      const denied = subscribe(transport, t.app.url, KEYS.writeOnly, QUERY, {});
      open.push(denied);
      const [result] = await denied.next(1);
      expect(result!.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        requiredScopes: ['payouts:read'],
      });
      denied.close();
    }
    const anonymous = subscribe('ws', t.app.url, null, QUERY, {});
    expect(await anonymous.done).toMatchObject({ code: 4403 });
    const bad = subscribe('sse', t.app.url, KEYS.full, QUERY, { after: 'not-a-cursor' });
    open.push(bad);
    const [result] = await bad.next(1);
    expect(result!.errors?.[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'after' } });
    bad.close();
  });

  it('polls a Token.io payout at once when Token.io’s (unverifiable) webhook names it', async () => {
    const payout = await createPayoutAt(t, 'TOKENIO');
    const w = await watch(t, 'sse', { id: payout.id });
    const res = await fetch(
      `${t.tokenio.url}/test-helpers/payouts/${encodeURIComponent(payout.providerPayoutId)}/advance`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${t.app.sandboxCredentials.get('TOKENIO')!.apiKey}` },
      },
    );
    expect(res.status).toBe(200);
    const hint = await fetch(`${t.app.url}/webhooks/tokenio`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'PAYOUT_STATUS_CHANGED', payout: { id: payout.providerPayoutId } }),
    });
    expect(hint.status).toBe(202);
    // A hint carries no status of its own: the change comes from Token.io's API.
    expect((await w.events(1))[0]).toMatchObject({ status: 'PROCESSING', source: 'POLL', sequence: 2 });
    w.sub.close();
  });
});

describe.each(stateKinds())('live status when webhooks are lost (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    // Polled a few hundred times as often as in production, so a test sees the poller converge.
    t = await startTestApp(kind, { GATEWAY_POLL_SCALE: '0.002' });
    for (const sim of t.app.simulators.values()) sim.setWebhook(null);
  });
  afterAll(() => t.close());
  afterEach(() => closeAll(t));

  it.each(['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE'] as const)(
    'the poller brings %s payouts to their final status',
    async (provider) => {
      const payout = await createPayoutAt(t, provider);
      const w = await watch(t, 'ws', { id: payout.id });
      await simulate(t, payout.id, 'PAID');
      await expect
        .poll(() => w.sub.results.at(-1)?.data?.payoutStatusChanged.status, { timeout: 10_000 })
        .toBe('PAID');
      const events = w.sub.results.map((r) => r.data!.payoutStatusChanged);
      expect(events.every((e) => e.source === 'POLL')).toBe(true);
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 2));
      w.sub.close();
    },
  );

  it('records the gateway’s own changes with source MUTATION', async () => {
    const payout = await createPayoutAt(t, 'MOLLIE');
    const w = await watch(t, 'sse', { id: payout.id });
    const { CancelPayout } = await import('../gateway/operations.ts');
    const r = (await t.exec(CancelPayout, { id: payout.id })).data!.cancelPayout;
    expect(r.__typename).toBe('CancelPayoutSuccess');
    expect((await w.events(1))[0]).toMatchObject({
      previousStatus: 'PENDING',
      status: 'CANCELED',
      source: 'MUTATION',
      sequence: 2,
    });
    w.sub.close();
  });
});

describe('simulatePayoutStatus in live mode', () => {
  it('is an UnsupportedOperationError', async () => {
    const live = await startTestApp('memory', { GATEWAY_MODE: 'live', CASAPAY_API_KEY: 'sk_live_unused' });
    try {
      const id = Buffer.from('Payout:CASAPAY:po_123').toString('base64');
      const r = (await live.exec(SimulatePayoutStatus, { id, status: 'PAID' })).data!.simulatePayoutStatus;
      expect(r).toMatchObject({ __typename: 'UnsupportedOperationError', code: 'UNSUPPORTED_OPERATION' });
    } finally {
      await live.close();
    }
  });
});
