// Straddle simulator for sandbox mode and tests: payouts (ACH, USD), customers, bank-account
// paykeys and payment search of Straddle's v1 API, with Straddle's envelopes and signed webhooks.
// Wire shapes follow Straddle's OpenAPI 3.1 spec (test/fixtures/straddle-openapi.json is the
// extract the tests validate every answer against); behaviour follows the spec's operation
// descriptions, then Straddle's own agent skills (observed sandbox behaviour).
//
// Per request: injected fault → Bearer API key (any non-empty key is its own sandbox account,
// created empty on first use: make a customer, then a paykey, then payouts) → Idempotency-Key on
// writes (dispatch.ts) → handler. Payouts move only through the test helper under /test-helpers
// (test-helpers.ts, not Straddle). Webhooks (webhooks.ts): payout.created.v1 + payout.event.v1 on
// create, payout.event.v1 on every change (status or update), paykey.created.v1 + paykey.event.v1
// on paykey create; Standard Webhooks signatures.
import {
  Faults,
  startSimulator,
  type Fault,
  type Route,
  type SimRequest,
  type SimulatorHandle,
} from '../http.ts';
import type { Handler, StraddleContext } from './context.ts';
import { createCustomer, getCustomer } from './customers.ts';
import { createDispatch } from './dispatch.ts';
import { errorResponse, faultResponse } from './errors.ts';
import {
  createBankAccountPaykey,
  getPaykey,
  getPaykeyUnmasked,
  listPaykeys,
  revealPaykey,
} from './paykeys.ts';
import {
  cancelPayout,
  createPayout,
  getPayout,
  holdPayout,
  releasePayout,
  unmaskPayout,
  updatePayout,
} from './payouts.ts';
import { searchPayments } from './search.ts';
import { StraddleStore } from './store.ts';
import { advancePayout } from './test-helpers.ts';
import { WebhookQueue, type WebhookTarget } from './webhooks.ts';

export type { Fault };
export type { StraddleEventType, WebhookTarget as StraddleWebhookTarget } from './webhooks.ts';

export interface StraddleSimulatorOptions {
  host?: string;
  port?: number;
  /** Clock in ms: timestamps, today's US Eastern date for `payment_date`, webhook-timestamp. */
  now?: () => number;
  /** Where signed events are POSTed; the secret is `whsec_<base64>`. */
  webhook?: WebhookTarget | null;
}

export interface StraddleSimulator extends SimulatorHandle {
  /** Where events go from now on (null: nowhere). Throws on a secret that is not `whsec_<base64>`. */
  setWebhook(target: { url: string; secret: string } | null): void;
  /** Resolves when every webhook delivery queued so far has been attempted. */
  idle(): Promise<void>;
  /** Next `count` matching requests: with `status`, answer that error (Straddle's envelope) WITHOUT
   *  executing; with `delayMs` (no status), execute normally but delay the answer. */
  injectFault(fault: Fault): void;
}

export async function startStraddleSimulator(
  options: StraddleSimulatorOptions = {},
): Promise<StraddleSimulator> {
  const now = options.now ?? Date.now;
  const webhooks = new WebhookQueue(options.webhook ?? null, now);
  const ctx: StraddleContext = { store: new StraddleStore(), now, webhooks };
  const dispatch = createDispatch(ctx);
  const faults = new Faults();

  // Faults model Straddle misbehaving, so they never hit the (non-Straddle) test helpers.
  const api = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    handler: (req: SimRequest) =>
      faults.apply(
        req,
        (status) => faultResponse(status, now()),
        () => dispatch(req, handler, { idempotent: true }),
      ),
  });
  const helper = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    handler: (req: SimRequest) => dispatch(req, handler, { idempotent: false }),
  });

  const handle = await startSimulator({
    faults,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: [
      api('POST', '/v1/customers', createCustomer),
      api('GET', '/v1/customers/:id', getCustomer),
      api('POST', '/v1/bridge/bank_account', createBankAccountPaykey),
      api('GET', '/v1/paykeys', listPaykeys),
      api('GET', '/v1/paykeys/:id', getPaykey),
      api('GET', '/v1/paykeys/:id/unmasked', getPaykeyUnmasked),
      api('GET', '/v1/paykeys/:id/reveal', revealPaykey),
      api('POST', '/v1/payouts', createPayout),
      api('GET', '/v1/payouts/:id', getPayout),
      api('PUT', '/v1/payouts/:id', updatePayout),
      api('PUT', '/v1/payouts/:id/hold', holdPayout),
      api('PUT', '/v1/payouts/:id/release', releasePayout),
      api('PUT', '/v1/payouts/:id/cancel', cancelPayout),
      api('GET', '/v1/payouts/:id/unmask', unmaskPayout),
      api('GET', '/v1/payments', searchPayments),
      helper('POST', '/test-helpers/payouts/:id/advance', advancePayout),
    ],
    notFound: (req) => errorResponse(404, `No route for ${req.method} ${req.path}.`, null, now()),
    internalError: () => errorResponse(500, 'An unexpected error occurred.', null, now()),
  });

  return {
    ...handle,
    setWebhook: (target) => webhooks.setTarget(target),
    idle: () => webhooks.idle(),
    injectFault: (fault) => faults.inject(fault),
  };
}
