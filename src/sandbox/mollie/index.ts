// Mollie Payouts + Balances API (v2) simulator for sandbox mode and tests. Wire shapes follow
// Mollie's OpenAPI spec and are checked against the official SDK (mollie-api-typescript, whose
// serverURL is the simulator's `url`: the SDK appends `/v2/...` itself).
//
// Per request: injected fault → authentication (test_ keys only; each key is its own account) →
// idempotency replay (POST/DELETE with an `idempotency-key`) → handler. Non-Mollie test helpers
// live under /v2/test-helpers (see test-helpers.ts).
import {
  Faults,
  startSimulator,
  type Route,
  type SimRequest,
  type SimResponse,
  type Fault,
  type SimulatorHandle,
} from '../http.ts';
import { getBalance, getPrimaryBalance, listBalances } from './balances.ts';
import type { AuthedRequest, MollieContext } from './context.ts';
import { MollieHttpError, faultDetail, mollieError, unauthorized } from './errors.ts';
import { createPayout, deletePayout, getPayout, listPayouts } from './payouts.ts';
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

/** The API key of a `Bearer test_…` header; live keys and access tokens are refused by the sandbox. */
function testKey(header: string | undefined): string | null {
  const m = /^Bearer\s+(test_[A-Za-z0-9_-]+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

/** Key order and whitespace in the JSON body do not make a retry "different parameters". */
function canonical(rawBody: string): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
          )
        : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(rawBody)));
  } catch {
    return rawBody;
  }
}

/**
 * Idempotency (Mollie only documents "same key = duplicate"; the replay rules are this simulator's
 * choice): a successful (2xx) answer is stored per account and key, and a retry with the same key,
 * method, path and body gets that same status and body again without executing. Reusing the key
 * for a different request is a 422. Errors are not stored, so a retry after a 422/5xx re-executes.
 */
function withIdempotency(req: SimRequest, account: Account, run: () => SimResponse): SimResponse {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') return run();
  const fingerprint = `${req.method} ${req.path} ${canonical(req.rawBody)}`;
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

  function serve(req: SimRequest, handler: Handler, idempotent: boolean): Promise<SimResponse> | SimResponse {
    // Faults model Mollie misbehaving, so they never hit the (non-Mollie) test helpers.
    if (req.path.startsWith('/v2/test-helpers/')) return execute(req, handler, idempotent);
    return faults.apply(
      req,
      (status) => mollieError(status, faultDetail(status)),
      () => execute(req, handler, idempotent),
    );
  }

  function execute(req: SimRequest, handler: Handler, idempotent: boolean): SimResponse {
    const key = testKey(req.headers.authorization);
    let out: SimResponse;
    if (key === null) {
      out = unauthorized();
    } else {
      const account = ctx.store.account(key);
      const run = () => {
        try {
          return handler(ctx, { ...req, account });
        } catch (error) {
          if (error instanceof MollieHttpError) return error.toResponse();
          throw error;
        }
      };
      out = idempotent ? withIdempotency(req, account, run) : run();
    }
    return out;
  }

  const route = (method: string, pattern: string, handler: Handler, idempotent = false): Route => ({
    method,
    pattern,
    handler: (req) => serve(req, handler, idempotent),
  });

  const handle = await startSimulator({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: [
      route('GET', '/v2/balances', listBalances),
      // Before `/v2/balances/:id`, which would otherwise swallow the alias.
      route('GET', '/v2/balances/primary', getPrimaryBalance),
      route('GET', '/v2/balances/:id', getBalance),
      route('POST', '/v2/payouts', createPayout, true),
      route('GET', '/v2/payouts', listPayouts),
      route('GET', '/v2/payouts/:id', getPayout),
      route('DELETE', '/v2/payouts/:id', deletePayout, true),
      route('POST', '/v2/test-helpers/payouts/:id/advance', advance),
      route('POST', '/v2/test-helpers/payouts/:id/fail', fail),
      route('PATCH', '/v2/test-helpers/balances/:id', patchBalance),
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
