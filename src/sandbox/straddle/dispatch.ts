// The per-request pipeline every endpoint shares: Bearer API-key auth (one sandbox account per
// key), Idempotency-Key handling on writes, and turning StraddleHttpError into Straddle's envelope.
//
// Idempotency (POST and PUT; Straddle's contract: keys of 10–40 characters, else 400):
//   - same key, same method + path + body (JSON compared after parsing, so key order and
//     whitespace do not matter) → the stored answer, replayed byte for byte (same meta too);
//   - same key, different request → 409;
//   - a key whose request failed validation (400) is used up: any reuse → 409, even with the
//     corrected body (Straddle's documented behaviour: fix the request and send a new key);
//   - other errors (401/404/409/422/429/5xx, injected faults) store nothing: the same key may be
//     retried and executes again.
import type { SimRequest, SimResponse } from '../http.ts';
import type { AuthedRequest, Handler, StraddleContext } from './context.ts';
import { StraddleHttpError, badRequest, conflict, unauthorized } from './errors.ts';
import type { Account } from './store.ts';

const KEY_MIN = 10;
const KEY_MAX = 40;

function apiKey(req: SimRequest): string {
  const header = req.headers.authorization?.trim() ?? '';
  if (header === '') {
    throw unauthorized('No API key provided. Send it as "Authorization: Bearer <API key>".');
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) throw unauthorized('Invalid Authorization header. Use "Authorization: Bearer <API key>".');
  return m[1];
}

function idempotencyKey(req: SimRequest): string | null {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined) return null;
  if (key.length < KEY_MIN || key.length > KEY_MAX) {
    throw badRequest(`The Idempotency-Key header must be ${KEY_MIN} to ${KEY_MAX} characters long.`, [
      { reference: 'Idempotency-Key', detail: `Length ${key.length} is outside ${KEY_MIN}–${KEY_MAX}.` },
    ]);
  }
  return key;
}

/** JSON with object keys sorted, so equal bodies compare equal however they were serialised. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fingerprint(req: SimRequest): string {
  let body = req.rawBody;
  try {
    if (body.trim() !== '') body = canonical(JSON.parse(body));
  } catch {
    // Not JSON: compared as sent (the handler answers 400 for it anyway).
  }
  return `${req.method} ${req.path}\n${body}`;
}

function idempotent(account: Account, key: string, req: SimRequest, run: () => SimResponse): SimResponse {
  const print = fingerprint(req);
  const prior = account.idempotency.get(key);
  if (prior) {
    if (!prior.response) {
      throw conflict(
        `The Idempotency-Key '${key}' was used by a request that failed validation. Send the corrected request with a new key.`,
      );
    }
    if (prior.fingerprint !== print) {
      throw conflict(`The Idempotency-Key '${key}' was already used for a different request.`);
    }
    return structuredClone(prior.response);
  }
  try {
    const response = run();
    if (response.status < 300)
      account.idempotency.set(key, { fingerprint: print, response: structuredClone(response) });
    return response;
  } catch (error) {
    if (error instanceof StraddleHttpError && error.status === 400) {
      account.idempotency.set(key, { fingerprint: print });
    }
    throw error;
  }
}

export interface DispatchOptions {
  /** Writes honour Idempotency-Key; test helpers do not. */
  idempotent: boolean;
}

export type Dispatch = (req: SimRequest, handler: Handler, options: DispatchOptions) => SimResponse;

export function createDispatch(ctx: StraddleContext): Dispatch {
  return (req, handler, options) => {
    try {
      const account = ctx.store.account(apiKey(req));
      const authed: AuthedRequest = { ...req, account };
      const write = req.method === 'POST' || req.method === 'PUT';
      const key = options.idempotent && write ? idempotencyKey(req) : null;
      if (key === null) return handler(ctx, authed);
      return idempotent(account, key, req, () => handler(ctx, authed));
    } catch (error) {
      if (error instanceof StraddleHttpError) return error.toResponse(ctx.now());
      throw error;
    }
  };
}
