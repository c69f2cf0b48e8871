// What an authenticated endpoint handler gets. Handlers are synchronous on purpose: a request runs
// to completion within one tick, so two requests can never interleave halfway through a balance move.
import type { SimRequest } from '../http.ts';
import type { Params } from './params.ts';
import type { Account, Payout, Store } from './store.ts';
import type { PayoutEventType } from './webhooks.ts';

export interface Ctx {
  req: SimRequest;
  store: Store;
  account: Account;
  /** Parsed JSON body; `{}` for GET and for an empty POST body. */
  params: Params;
  nowSeconds(): number;
  emit(type: PayoutEventType, payout: Payout, previous?: Partial<Payout>): void;
}

/** Returns the 200 body, or throws CasaPayError. */
export type Handler = (ctx: Ctx) => unknown;
