// What every Token.io route handler gets, built once per simulator in index.ts. Handlers are
// synchronous: a request runs to completion within one tick, so two requests never interleave
// halfway through a balance move (only authentication, which verifies signatures, is async).
import type { SimRequest, SimResponse } from '../http.ts';
import type { Account, TokenioStore } from './store.ts';

export interface TokenioContext {
  store: TokenioStore;
  now: () => number;
}

/** A request that passed authentication, with the sandbox account its credential selects. */
export interface AuthedRequest extends SimRequest {
  account: Account;
}

/** Returns the answer, or throws TokenioHttpError. */
export type Handler = (ctx: TokenioContext, req: AuthedRequest) => SimResponse;
