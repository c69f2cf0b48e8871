// CasaPay error bodies follow Stripe: `{"error": {"type", "code"?, "message", "param"?}}`. Handlers
// throw CasaPayError and the dispatcher turns it into a response, so validation can live in small
// parsing helpers instead of threading early returns through every handler.
import type { SimResponse } from '../http.ts';

export type ErrorType = 'invalid_request_error' | 'api_error' | 'idempotency_error';

export interface ErrorBody {
  type: ErrorType;
  code?: string;
  message: string;
  param?: string;
}

export class CasaPayError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  /** Malformed requests never reach execution, so Stripe does not save them under an idempotency key. */
  readonly unexecuted: boolean;

  constructor(status: number, body: ErrorBody, unexecuted = false) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.unexecuted = unexecuted;
  }

  toResponse(): SimResponse {
    return errorResponse(this.status, this.body);
  }
}

export function errorResponse(status: number, body: ErrorBody): SimResponse {
  // Key order mirrors Stripe's bodies; absent optional fields are omitted rather than null.
  const error: ErrorBody = { type: body.type, message: body.message };
  if (body.code !== undefined) error.code = body.code;
  if (body.param !== undefined) error.param = body.param;
  return { status, body: { error } };
}

export function invalidParam(param: string, message: string, code?: string): CasaPayError {
  return new CasaPayError(400, { type: 'invalid_request_error', message, param, ...(code ? { code } : {}) });
}

export function invalidRequest(message: string, code?: string, status = 400): CasaPayError {
  return new CasaPayError(status, { type: 'invalid_request_error', message, ...(code ? { code } : {}) });
}

export function malformedRequest(message: string): CasaPayError {
  return new CasaPayError(400, { type: 'invalid_request_error', message }, true);
}

export function missingParam(param: string): CasaPayError {
  return invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
}

export type ObjectKind = 'payout' | 'bank account';

/** Unknown ids: 404 on the path id, 400 when the id came in as a parameter (destination, cursors). */
export function noSuch(kind: ObjectKind, id: string, param = 'id'): CasaPayError {
  return new CasaPayError(param === 'id' ? 404 : 400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export function unauthorized(message: string): CasaPayError {
  return new CasaPayError(401, { type: 'invalid_request_error', message }, true);
}

/** Bodies for injected faults: what a client sees when CasaPay throttles or breaks. */
export function faultResponse(status: number): SimResponse {
  if (status === 429) {
    return errorResponse(429, {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message:
        'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
    });
  }
  if (status >= 500) {
    return errorResponse(status, {
      type: 'api_error',
      message: "An unexpected error occurred on CasaPay's end while processing this request. Please retry.",
    });
  }
  return errorResponse(status, {
    type: 'invalid_request_error',
    message: `The request could not be processed (injected fault, HTTP ${status}).`,
  });
}
