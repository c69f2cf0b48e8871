// Token.io simulator for sandbox mode and tests: the Payouts API (beta), settlement accounts
// (/virtual-accounts) and account verification, with wire shapes from Token.io's published
// OpenAPI bundle (test/fixtures/tokenio-openapi.json is the extract the tests validate against).
//
// Per request: injected fault → authentication (auth.ts: Basic API key or signed JWT; each
// credential is its own sandbox account, seeded on first use) → handler. Non-Token.io test helpers
// live under /test-helpers (see test-helpers.ts).
//
// One sandbox-only extension, not part of Token.io's API: the `X-Sandbox-Outcome` header on
// POST /payouts (paid, failed_insufficient_funds, failed_closed_account) picks where the
// test-helper advances take the payout; other values are a 400 (sandbox-outcome.ts).
//
// No webhooks: Token.io's webhook signing is not publicly specified (only a third-party summary
// mentions an Ed25519 `token-signature` header, with no published key), so the simulator sends
// none and setWebhook() is a no-op. The gateway polls Token.io payouts instead.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import {
  Faults,
  startSimulator,
  type Fault,
  type Route,
  type SimRequest,
  type SimResponse,
  type SimulatorHandle,
} from '../http.ts';
import { authenticate, toPublicKey } from './auth.ts';
import type { Handler, TokenioContext } from './context.ts';
import { TokenioHttpError, faultResponse, tokenioError } from './errors.ts';
import { listPayouts } from './list.ts';
import { createPayout, getPayout } from './payouts.ts';
import { TokenioStore } from './store.ts';
import { advance, fail, registerKey } from './test-helpers.ts';
import { verifyAccount } from './verifications.ts';
import { createVirtualAccount, getVirtualAccount, listVirtualAccounts } from './virtual-accounts.ts';

export type { Fault };
export { basicMemberId } from './auth.ts';
export { INSUFFICIENT_FUNDS_REASON } from './payouts.ts';

export interface TokenioSimulatorOptions {
  host?: string;
  port?: number;
  /** Clock in ms: timestamps on entities, the ULID time of verification ids and JWT `exp` checks. */
  now?: () => number;
}

export interface TokenioSimulator extends SimulatorHandle {
  /** No-op: Token.io's webhook signing is not publicly specified, so the simulator sends none. */
  setWebhook(target: unknown): void;
  /** Resolves immediately (nothing is ever queued). */
  idle(): Promise<void>;
  /** Next `count` matching requests: with `status`, answer that error (Token.io error body) WITHOUT
   *  executing; with `delayMs` (no status), execute normally but delay the response. */
  injectFault(fault: Fault): void;
  /** Registers a member's public key for Bearer JWT auth (as PUT /test-helpers/members/…/keys/…). */
  registerMemberKey(memberId: string, keyId: string, publicKey: JsonWebKey | KeyObject): void;
}

/** Turns a thrown TokenioHttpError into its answer; anything else is a bug (500 via the toolkit). */
async function answer(run: () => SimResponse | Promise<SimResponse>): Promise<SimResponse> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TokenioHttpError) return error.toResponse();
    throw error;
  }
}

export async function startTokenioSimulator(
  options: TokenioSimulatorOptions = {},
): Promise<TokenioSimulator> {
  const now = options.now ?? Date.now;
  const ctx: TokenioContext = { store: new TokenioStore(now), now };
  const faults = new Faults();

  const execute = (req: SimRequest, handler: Handler) =>
    answer(async () => handler(ctx, { ...req, account: await authenticate(ctx.store, req, now) }));

  // Faults model Token.io misbehaving, so they never hit the (non-Token.io) test helpers.
  const api = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    handler: (req) =>
      faults.apply(
        req,
        (status) => faultResponse(status, req.path),
        () => execute(req, handler),
      ),
  });
  const helper = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    handler: (req) => execute(req, handler),
  });

  const handle = await startSimulator({
    faults,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: [
      api('POST', '/payouts', createPayout),
      api('GET', '/payouts', listPayouts),
      api('GET', '/payouts/:id', getPayout),
      api('POST', '/virtual-accounts', createVirtualAccount),
      api('GET', '/virtual-accounts', listVirtualAccounts),
      api('GET', '/virtual-accounts/:accountId', getVirtualAccount),
      api('POST', '/account-verifications', verifyAccount),
      helper('POST', '/test-helpers/payouts/:id/advance', advance),
      helper('POST', '/test-helpers/payouts/:id/fail', fail),
      {
        method: 'PUT',
        pattern: '/test-helpers/members/:memberId/keys/:keyId',
        handler: (req) => answer(() => registerKey(ctx, req)),
      },
    ],
    notFound: (req) => tokenioError(404, `No route for ${req.method} ${req.path}.`, req.path),
    internalError: () => tokenioError(500, 'An unexpected internal server error occurred.'),
  });

  return {
    ...handle,
    setWebhook: () => undefined,
    idle: () => Promise.resolve(),
    injectFault: (fault) => faults.inject(fault),
    registerMemberKey: (memberId, keyId, publicKey) =>
      ctx.store.registerKey(memberId, keyId, toPublicKey(publicKey)),
  };
}
