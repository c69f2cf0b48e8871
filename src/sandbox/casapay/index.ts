// The CasaPay sandbox: a Stripe-shaped /v1 payouts API over real HTTP. The seeds document only
// payouts, bank accounts, balance and webhooks; everything else follows Stripe (see the README of
// /work/shared/providers for the choices made where the seeds are silent).
//
// One sandbox-only extension, not part of CasaPay's API: the `X-Sandbox-Outcome` header on
// POST /v1/payouts (paid, canceled, failed_insufficient_funds, failed_closed_account) picks where
// the /v1/test_helpers advances take the payout; other values are a 400 (sandbox-outcome.ts).
import { Faults, startSimulator, type Route, type Fault, type SimulatorHandle } from '../http.ts';
import { createBankAccount, listBankAccounts, retrieveBankAccount } from './bank-accounts.ts';
import type { Handler } from './context.ts';
import { createDispatch } from './dispatch.ts';
import { errorResponse, faultResponse } from './errors.ts';
import { cancelPayout, createPayout, listPayouts, retrieveBalance, retrievePayout } from './payouts.ts';
import { Store } from './store.ts';
import { advancePayout, failPayout } from './test-helpers.ts';
import { WebhookQueue } from './webhooks.ts';

export type { BankAccount as CasaPayBankAccount, Payout as CasaPayPayout } from './store.ts';
export type { CasaPayEvent, PayoutEventType as CasaPayEventType } from './webhooks.ts';

export type { Fault };

export interface CasaPaySimulatorOptions {
  host?: string;
  port?: number;
  /** Where signed events are POSTed. */
  webhook?: { url: string; secret: string } | null;
  /** ms clock for `created`, `arrival_date` and the signature's t=. */
  now?: () => number;
}

export interface CasaPaySimulator extends SimulatorHandle {
  setWebhook(target: { url: string; secret: string } | null): void;
  /** Next `count` matching requests: with `status`, answer that error (CasaPay error body) WITHOUT executing;
   *  with `delayMs` (and no status), execute normally but delay the response by delayMs. */
  injectFault(fault: Fault): void;
  /** Resolves when every queued webhook delivery has been attempted. */
  idle(): Promise<void>;
}

export async function startCasaPaySimulator(
  options: CasaPaySimulatorOptions = {},
): Promise<CasaPaySimulator> {
  const now = options.now ?? Date.now;
  const store = new Store();
  const webhooks = new WebhookQueue(options.webhook ?? null, now);
  const dispatch = createDispatch(store, webhooks, now);
  const faults = new Faults();

  const endpoint = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    // An injected error stands in for a failure before CasaPay executed anything.
    handler: (req) => faults.apply(req, faultResponse, () => dispatch(req, handler)),
  });

  const handle = await startSimulator({
    faults,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: [
      endpoint('GET', '/v1/balance', retrieveBalance),
      endpoint('POST', '/v1/bank_accounts', createBankAccount),
      endpoint('GET', '/v1/bank_accounts', listBankAccounts),
      endpoint('GET', '/v1/bank_accounts/:id', retrieveBankAccount),
      endpoint('POST', '/v1/payouts', createPayout),
      endpoint('GET', '/v1/payouts', listPayouts),
      endpoint('GET', '/v1/payouts/:id', retrievePayout),
      endpoint('POST', '/v1/payouts/:id/cancel', cancelPayout),
      endpoint('POST', '/v1/test_helpers/payouts/:id/advance', advancePayout),
      endpoint('POST', '/v1/test_helpers/payouts/:id/fail', failPayout),
    ],
    notFound: (req) =>
      errorResponse(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${req.method}: ${req.path})`,
      }),
    internalError: () =>
      errorResponse(500, {
        type: 'api_error',
        message: "An unexpected error occurred on CasaPay's end while processing this request.",
      }),
  });

  return {
    ...handle,
    setWebhook: (target) => webhooks.setTarget(target),
    injectFault: (fault) => faults.inject(fault),
    idle: () => webhooks.idle(),
  };
}
