// The per-request pipeline every endpoint shares: API-key auth (one sandbox account per test key),
// Idempotency-Key replay, JSON body parsing, and turning CasaPayError into Stripe-style bodies.
// The sandbox-only X-Sandbox-Outcome header (sandbox-outcome.ts) joins the idempotency fingerprint
// when sent: the same body with another outcome is another request, not a replay.
import type { SimRequest, SimResponse } from '../http.ts';
import type { Handler } from './context.ts';
import { CasaPayError, invalidRequest, unauthorized } from './errors.ts';
import { parseJsonBody } from './params.ts';
import { OUTCOME_HEADER, outcomeHeader } from './sandbox-outcome.ts';
import { newId, type Account, type Store } from './store.ts';
import type { WebhookQueue } from './webhooks.ts';

const NO_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";

/** Enough to recognise a key in a log, never enough to reuse it. */
export function maskKey(key: string): string {
  const prefix = /^(sk|pk|rk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  return rest.length > 8 ? `${prefix}****${rest.slice(-4)}` : `${prefix}****`;
}

function apiKey(req: SimRequest): string {
  const header = req.headers['authorization']?.trim();
  if (!header) throw unauthorized(NO_KEY);
  const match = /^(Bearer|Basic)(?:\s+(.*))?$/i.exec(header);
  let key = match?.[2]?.trim() ?? header;
  // Stripe also takes the key as the Basic-auth user name with an empty password.
  if (match?.[1]?.toLowerCase() === 'basic' && key) {
    key = Buffer.from(key, 'base64').toString('utf8').split(':')[0] ?? '';
  }
  if (!key) throw unauthorized(NO_KEY);
  if (key.startsWith('sk_live_')) {
    throw unauthorized(
      `This CasaPay sandbox accepts test mode keys (sk_test_…) only; a live mode key was provided: ${maskKey(key)}.`,
    );
  }
  if (!match || !/^sk_test_[A-Za-z0-9_-]{1,240}$/.test(key)) {
    throw unauthorized(`Invalid API Key provided: ${maskKey(key)}`);
  }
  return key;
}

function idempotencyKey(req: SimRequest): string | null {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined) return null;
  if (key.length === 0 || key.length > 255) {
    throw invalidRequest('Invalid Idempotency-Key header: keys must be between 1 and 255 characters long.');
  }
  return key;
}

function mismatch(key: string): CasaPayError {
  return new CasaPayError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

/** Stripe keeps what executed: successes and business refusals, not parameter validation failures. */
function worthStoring(error: CasaPayError): boolean {
  return !error.unexecuted && !(error.status === 400 && error.body.param !== undefined);
}

export type Dispatch = (req: SimRequest, handler: Handler) => SimResponse;

export function createDispatch(store: Store, webhooks: WebhookQueue, nowMs: () => number): Dispatch {
  const execute = (req: SimRequest, handler: Handler, requestId: string): SimResponse => {
    const account: Account = store.account(apiKey(req));
    const key = req.method === 'POST' ? idempotencyKey(req) : null;
    const outcome = outcomeHeader(req);
    // Without the header the fingerprint is exactly what it was before the extension existed.
    const fingerprint =
      `${req.method} ${req.path}\n${req.rawBody}` +
      (outcome === undefined ? '' : `\n${OUTCOME_HEADER}: ${outcome}`);
    const prior = key === null ? undefined : account.idempotency.get(key);
    if (key !== null && prior) {
      if (prior.fingerprint !== fingerprint) throw mismatch(key);
      return { ...prior.response, headers: { ...prior.response.headers, 'Idempotent-Replayed': 'true' } };
    }
    let response: SimResponse;
    try {
      const body = handler({
        req,
        store,
        account,
        params: req.method === 'POST' ? parseJsonBody(req) : {},
        nowSeconds: () => Math.floor(nowMs() / 1000),
        emit: (type, payout, previous) =>
          webhooks.emit(type, payout, { requestId, idempotencyKey: key }, previous),
      });
      // A snapshot, so later lifecycle changes never leak into a stored idempotent response.
      response = { status: 200, body: structuredClone(body) };
    } catch (error) {
      if (!(error instanceof CasaPayError) || !worthStoring(error)) throw error;
      response = error.toResponse();
    }
    response.headers = { 'Request-Id': requestId, ...(key === null ? {} : { 'Idempotency-Key': key }) };
    if (key !== null) account.idempotency.set(key, { fingerprint, response });
    return response;
  };

  return (req, handler) => {
    const requestId = newId('req_', 14);
    try {
      return execute(req, handler, requestId);
    } catch (error) {
      if (!(error instanceof CasaPayError)) throw error;
      return { ...error.toResponse(), headers: { 'Request-Id': requestId } };
    }
  };
}
