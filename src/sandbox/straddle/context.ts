// What every Straddle route handler gets, built once per simulator in index.ts. Handlers are
// synchronous: a request runs to completion within one tick, so two requests never interleave
// halfway through a status change or an idempotency-key check.
import type { SimRequest, SimResponse } from '../http.ts';
import type { Account, StraddleStore } from './store.ts';
import type { WebhookQueue } from './webhooks.ts';

export interface StraddleContext {
  store: StraddleStore;
  now: () => number;
  webhooks: WebhookQueue;
}

/** A request that passed authentication, with the sandbox account its API key selects. */
export interface AuthedRequest extends SimRequest {
  account: Account;
}

/** Returns the answer, or throws StraddleHttpError. */
export type Handler = (ctx: StraddleContext, req: AuthedRequest) => SimResponse;
