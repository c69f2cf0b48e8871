// The state every Mollie route handler shares, built once per simulator in index.ts.
import type { SimRequest } from '../http.ts';
import type { Account, MollieStore, PayoutState } from './store.ts';

export type PayoutEventType =
  'payout.initiated' | 'payout.processing-at-bank' | 'payout.completed' | 'payout.canceled' | 'payout.failed';

export interface MollieContext {
  store: MollieStore;
  now: () => number;
  /** Absolute base URL of the simulator, used in every `_links` href. */
  baseUrl(): string;
  /** Queues a next-gen webhook event carrying a snapshot of the payout as it is now. */
  emit(type: PayoutEventType, payout: PayoutState): void;
}

/** A request that passed authentication, with the account its credential and mode select (auth.ts). */
export interface AuthedRequest extends SimRequest {
  account: Account;
}
