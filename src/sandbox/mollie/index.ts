// Mollie Payouts + Balances API (v2) simulator for sandbox mode and tests. Wire shapes follow
// Mollie's OpenAPI spec and are checked against the official SDK (mollie-api-typescript, whose
// serverURL is the simulator's `url`: the SDK appends `/v2/...` itself).
//
// Per request: injected fault → authentication and mode (auth.ts: `test_` API keys and `access_`
// organisation tokens, each endpoint taking what the spec's `security` allows; `test_x` and
// `access_x` share one account) → idempotency replay (POST/DELETE with an `idempotency-key`) →
// handler. Non-Mollie test helpers live under /v2/test-helpers (see test-helpers.ts).
//
// One sandbox-only extension, not part of Mollie's API: the `X-Sandbox-Outcome` header on
// POST /v2/payouts (paid, canceled, failed_insufficient_funds, failed_closed_account) picks where
// the test-helper advances take the payout; other values are a 422 (sandbox-outcome.ts).
import {
  Faults,
  startSimulator,
  type Route,
  type SimRequest,
  type SimResponse,
  type Fault,
  type SimulatorHandle,
} from '../http.ts';
import { authenticate, type Access } from './auth.ts';
import { getBalance, getPrimaryBalance, listBalances } from './balances.ts';
import type { AuthedRequest, MollieContext } from './context.ts';
import { canonicalJson } from '../../util/json.ts';
import { MollieHttpError, faultDetail, mollieError } from './errors.ts';
import { createPayout, deletePayout, getPayout, listPayouts } from './payouts.ts';
import { OUTCOME_HEADER, outcomeHeader } from './sandbox-outcome.ts';
import { MollieStore, type Account } from './store.ts';
import { advance, fail, patchBalance } from './test-helpers.ts';
import { WebhookQueue, buildEvent, type WebhookTarget } from './webhooks.ts';

export type { Fault };

export interface MollieSimulatorOptions {
  host?: string;
  port?: number;
  /** Next-gen webhook target; every payout status change is POSTed here, signed with `secret`. */
  webhook?: WebhookTarget | null;
  /** Clock in ms; timestamps on entities and events come from it. */
  now?: () => number;
}

export interface MollieSimulator extends SimulatorHandle {
  setWebhook(target: WebhookTarget | null): void;
  /** Next `count` matching requests: with `status`, answer that error (Mollie error body) WITHOUT executing;
   *  with `delayMs` (no status), execute normally but delay the response. */
  injectFault(fault: Fault): void;
  /** Resolves when queued webhook deliveries have been attempted. */
  idle(): Promise<void>;
}

type Handler = (ctx: MollieContext, req: AuthedRequest) => SimResponse;

interface Endpoint {
  handler: Handler;
  access: Access;
  idempotent: boolean;
}

/** Key order and whitespace in the JSON body do not make a retry "different parameters". */
function canonical(rawBody: string): string {
  try {
    return canonicalJson(JSON.parse(rawBody));
  } catch {
    return rawBody;
  }
}

/**
 * Idempotency (Mollie only documents "same key = duplicate"; the replay rules are this simulator's
 * choice): a successful (2xx) answer is stored per account and key, and a retry with the same key,
 * method, path and body gets that same status and body again without executing. Reusing the key
 * for a different request is a 422. Errors are not stored, so a retry after a 422/5xx re-executes.
 * The sandbox-only X-Sandbox-Outcome header is part of "the request" when sent: another outcome
 * under the same key is a 422 too, not a replay of the first payout.
 */
function withIdempotency(req: SimRequest, account: Account, run: () => SimResponse): SimResponse {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') return run();
  const outcome = outcomeHeader(req);
  const fingerprint =
    `${req.method} ${req.path} ${canonical(req.rawBody)}` +
    (outcome === undefined ? '' : ` ${OUTCOME_HEADER}: ${outcome}`);
  const seen = account.idempotency.get(key);
  if (seen) {
    if (seen.fingerprint === fingerprint) return seen.response;
    return mollieError(
      422,
      `The idempotency key '${key}' was already used for a request with different parameters.`,
    );
  }
  const out = run();
  if (out.status >= 200 && out.status < 300) account.idempotency.set(key, { fingerprint, response: out });
  return out;
}

export async function startMollieSimulator(options: MollieSimulatorOptions = {}): Promise<MollieSimulator> {
  const now = options.now ?? Date.now;
  const queue = new WebhookQueue(options.webhook ?? null);
  let baseUrl = '';
  const ctx: MollieContext = {
    store: new MollieStore(now),
    now,
    baseUrl: () => baseUrl,
    emit: (type, payout) => queue.enqueue(buildEvent(ctx, type, payout)),
  };
  const faults = new Faults();

  function serve(req: SimRequest, endpoint: Endpoint): Promise<SimResponse> | SimResponse {
    // Faults model Mollie misbehaving, so they never hit the (non-Mollie) test helpers.
    if (endpoint.access === 'test-helpers') return execute(req, endpoint);
    return faults.apply(
      req,
      (status) => mollieError(status, faultDetail(status)),
      () => execute(req, endpoint),
    );
  }

  function execute(raw: SimRequest, { handler, access, idempotent }: Endpoint): SimResponse {
    // A thrown error never reaches the idempotency store (only returned 2xx answers are kept).
    try {
      const { account, req } = authenticate(ctx.store, raw, access);
      const run = () => handler(ctx, { ...req, account });
      return idempotent ? withIdempotency(req, account, run) : run();
    } catch (error) {
      if (error instanceof MollieHttpError) return error.toResponse();
      throw error;
    }
  }

  const route = (
    method: string,
    pattern: string,
    handler: Handler,
    access: Access,
    idempotent = false,
  ): Route => ({
    method,
    pattern,
    handler: (req) => serve(req, { handler, access, idempotent }),
  });

  const handle = await startSimulator({
    faults,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: [
      route('GET', '/v2/balances', listBalances, 'balances'),
      // Before `/v2/balances/:id`, which would otherwise swallow the alias.
      route('GET', '/v2/balances/primary', getPrimaryBalance, 'balances'),
      route('GET', '/v2/balances/:id', getBalance, 'balances'),
      route('POST', '/v2/payouts', createPayout, 'payouts', true),
      route('GET', '/v2/payouts', listPayouts, 'payouts'),
      route('GET', '/v2/payouts/:id', getPayout, 'payouts'),
      route('DELETE', '/v2/payouts/:id', deletePayout, 'payouts', true),
      route('POST', '/v2/test-helpers/payouts/:id/advance', advance, 'test-helpers'),
      route('POST', '/v2/test-helpers/payouts/:id/fail', fail, 'test-helpers'),
      route('PATCH', '/v2/test-helpers/balances/:id', patchBalance, 'test-helpers'),
    ],
    notFound: () => mollieError(404, 'The requested resource does not exist.'),
    internalError: () => mollieError(500, faultDetail(500)),
  });
  baseUrl = handle.url;

  return {
    ...handle,
    setWebhook: (target) => queue.setTarget(target),
    injectFault: (fault) => faults.inject(fault),
    idle: () => queue.idle(),
  };
}
