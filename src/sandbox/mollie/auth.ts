// Authentication and mode selection, following the `security` of each operation in Mollie's spec:
//
//   Balances API  GET /v2/balances, /v2/balances/primary, /v2/balances/{id}
//                 organisation access token (advancedAccessToken, scope balances.read) or OAuth only;
//                 an API key is refused with 403.
//   Payouts API   POST/GET /v2/payouts, GET/DELETE /v2/payouts/{id}
//                 API key or organisation access token.
//   Test helpers  /v2/test-helpers/... (not Mollie): either credential, `testmode` ignored.
//
// Credentials: `Bearer test_<suffix>` is a test-mode API key; `Bearer access_<suffix>` is an
// organisation access token. `live_` keys and anything else are a 401 (the sandbox has no live mode
// to serve them). An API key selects its mode itself and must not send `testmode`; nothing changes
// for it. An access token picks the mode per request: `testmode=true` (query on GET/DELETE, JSON body
// field on POST) is test mode, anything else live mode. Test entities cannot be retrieved in live
// mode, and the sandbox has no live data, so live mode sees an empty account: empty lists, 404 for an
// id, and the 422 invalid `balanceId` for a create.
//
// SANDBOX CONVENTION: the account is keyed by the credential's <suffix>, so `test_abc` and
// `access_abc` reach the SAME seeded account (same balances, same payouts, same idempotency keys),
// the way a real organisation's token sees the test balances its profile's test key pays out from.
import type { SimRequest } from '../http.ts';
import { MollieHttpError, apiKeyForbidden, unauthorized } from './errors.ts';
import type { Account, MollieStore } from './store.ts';

/** Which credentials an endpoint takes and whether an access token's `testmode` applies. */
export type Access = 'balances' | 'payouts' | 'test-helpers';

export interface Credential {
  kind: 'api-key' | 'access-token';
  /** Keys the sandbox account (see SANDBOX CONVENTION above). */
  suffix: string;
}

/** The credential of a `Bearer test_…` or `Bearer access_…` header; null for anything else. */
export function parseCredential(header: string | undefined): Credential | null {
  const m = /^Bearer\s+(test|access)_([A-Za-z0-9_-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1] || !m[2]) return null;
  return { kind: m[1].toLowerCase() === 'test' ? 'api-key' : 'access-token', suffix: m[2] };
}

export interface Authenticated {
  account: Account;
  /** The request as handlers and idempotency see it: a token's POST body without `testmode`. */
  req: SimRequest;
}

/** Throws the Mollie 401/403 (or a `testmode` 400/422) when the request may not go on. */
export function authenticate(store: MollieStore, req: SimRequest, access: Access): Authenticated {
  const credential = parseCredential(req.headers.authorization);
  if (credential === null) throw unauthorized();
  if (credential.kind === 'api-key') {
    if (access === 'balances') throw apiKeyForbidden();
    return { account: store.account(credential.suffix), req };
  }
  if (access === 'test-helpers') return { account: store.account(credential.suffix), req };
  const { testmode, stripped } = req.method === 'POST' ? bodyTestmode(req) : queryTestmode(req);
  return { account: testmode ? store.account(credential.suffix) : store.liveAccount(), req: stripped };
}

interface Mode {
  testmode: boolean;
  stripped: SimRequest;
}

function queryTestmode(req: SimRequest): Mode {
  const raw = req.query.get('testmode');
  if (raw !== null && raw !== 'true' && raw !== 'false') {
    throw new MollieHttpError(400, `Invalid testmode value '${raw}': use 'true' or 'false'.`, 'testmode');
  }
  return { testmode: raw === 'true', stripped: req };
}

/**
 * `testmode` from a JSON body, removed from the body afterwards so that the payout validation does
 * not see it and an idempotent retry with and without it is the same request. A body that is not a
 * JSON object is left for the handler to refuse (400).
 */
function bodyTestmode(req: SimRequest): Mode {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch {
    return { testmode: false, stripped: req };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('testmode' in body)) {
    return { testmode: false, stripped: req };
  }
  const { testmode, ...rest } = body as Record<string, unknown>;
  if (testmode !== true && testmode !== false && testmode !== null) {
    throw new MollieHttpError(422, "The 'testmode' field must be a boolean.", 'testmode');
  }
  return { testmode: testmode === true, stripped: { ...req, rawBody: JSON.stringify(rest) } };
}
