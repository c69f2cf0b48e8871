// Token.io's error bodies (the spec's inline_response_4xx/5xx): always `{"error": {...}}` with an
// `errorCode`, a `message` and a `tokenTraceId` (what Token.io support asks for). The 404, 429,
// 501, 503 and 504 schemas also require a `paymentId`: the id looked up for a 404, a fixed phrase
// (the spec's examples) for the others. Every error the simulator answers is built here, so the
// shape cannot drift between endpoints.
import { randomBytes } from 'node:crypto';
import type { SimResponse } from '../http.ts';

/** gRPC-style codes Token.io answers with, per HTTP status (403 and 500 use the spec's spelling). */
const ERROR_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PermissionDenied',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'InternalServerError',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The `paymentId` the spec's schemas require, with the spec's example values. */
const FIXED_PAYMENT_ID: Record<number, string> = {
  429: 'Resource exhausted. Check quota.',
  501: 'Not implemented.',
  503: 'Unavailable',
  504: 'Deadline exceeded.',
};

export interface TokenioErrorBody {
  errorCode: string;
  message: string;
  tokenTraceId: string;
  paymentId?: string;
}

export function errorCodeFor(status: number): string {
  return ERROR_CODE[status] ?? (status >= 500 ? 'InternalServerError' : 'FAILED_PRECONDITION');
}

export function tokenioError(status: number, message: string, paymentId?: string): SimResponse {
  const error: TokenioErrorBody = {
    errorCode: errorCodeFor(status),
    message,
    tokenTraceId: randomBytes(16).toString('hex'),
  };
  const id = paymentId ?? FIXED_PAYMENT_ID[status];
  if (id !== undefined) error.paymentId = id;
  return { status, body: { error } };
}

/** Thrown by handlers and validators so a rule can refuse a request in one line. */
export class TokenioHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly paymentId?: string,
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return tokenioError(this.status, this.message, this.paymentId);
  }
}

export const invalidArgument = (message: string): TokenioHttpError => new TokenioHttpError(400, message);

export const unauthenticated = (message: string): TokenioHttpError => new TokenioHttpError(401, message);

/** 404 naming the id that was looked up (PaymentNotFoundError's required `paymentId`). */
export const notFound = (kind: string, id: string): TokenioHttpError =>
  new TokenioHttpError(404, `${kind} ${id} was not found.`, id);

/** What an injected fault answers: the status in Token.io's body, as if Token.io itself failed. */
export function faultResponse(status: number, path: string): SimResponse {
  if (status === 404) return tokenioError(404, 'The requested entity was not found.', path);
  return tokenioError(status, faultMessage(status));
}

function faultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'The client specified an invalid argument.';
    case 401:
      return 'The authorization information is missing or invalid.';
    case 403:
      return 'Permission to access this endpoint is denied.';
    case 429:
      return 'Too many requests. Resource exhausted.';
    case 501:
      return 'The operation was not implemented.';
    case 503:
      return 'The service is unavailable. Please retry.';
    case 504:
      return 'The deadline expired before the operation could complete.';
    default:
      return status >= 500 ? 'An unexpected internal server error occurred.' : 'The request failed.';
  }
}
