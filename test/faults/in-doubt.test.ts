// A create in doubt settled by the poller alone: Token.io gets the create, answers too late, and
// carries it out after the gateway's lookup found nothing. The poller finds it, records it (an
// event for subscribers), and the client's repeat gets it without a second create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/events/ledger.ts';
import { CreatePayout } from '../gateway/operations.ts';
import { countRequests, startTestApp, stateKinds, type TestApp } from '../helpers/app.ts';
import { payoutInputFor } from '../helpers/payouts.ts';

describe.each(stateKinds())('a create in doubt with %s state', (state) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(state, {
      PROVIDER_TIMEOUT_MS: '200',
      PROVIDER_RETRIES: '1',
      GATEWAY_POLL_SCALE: '0.01',
    });
  });
  afterAll(() => t.close());

  it('is answered PayoutInDoubtError, then settled by the poller without a second payout', async () => {
    const input = {
      ...(await payoutInputFor(t, 'TOKENIO')),
      idempotencyKey: `doubt-poller-${state}-${Date.now()}`,
    };
    t.tokenio.injectFault({
      kind: 'latency',
      method: 'POST',
      pathPrefix: '/payouts',
      delayMs: 500,
      count: 1,
    });
    const head = await t.app.state.events.head();
    const from = t.tokenio.requests.length;
    const first = (await t.exec(CreatePayout, { input: input as never })).data!.createPayout;
    expect(first).toMatchObject({
      __typename: 'PayoutInDoubtError',
      provider: 'TOKENIO',
      idempotencyKey: input.idempotencyKey,
    });

    // No request from the client: the poller looks again after the settle time and finds the payout.
    let found: string | undefined;
    await expect
      .poll(
        async () => {
          const events = (await t.app.state.events.read(head, 100)).map((e) => decodeEvent(e.value));
          found = events.find(
            (e) => e.provider === 'TOKENIO' && e.payout.description === input.description,
          )?.providerPayoutId;
          return found;
        },
        { timeout: 5000, interval: 100 },
      )
      .toBeDefined();

    const again = (await t.exec(CreatePayout, { input: input as never })).data!.createPayout;
    expect(again).toMatchObject({ __typename: 'CreatePayoutSuccess' });
    expect(countRequests(t.tokenio, 'POST', /^\/payouts$/, from)).toBe(1);
  });
});
