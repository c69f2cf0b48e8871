// Straddle's error envelope (the spec's ErrorResponse): `{response_type: "error", meta, error}`
// with `error.{status, type, title, detail, items}`. Every error the simulator answers is built
// here, so the shape cannot drift between endpoints.
//
// The spec fixes the shape but not the `type` strings; its one example is "/field_validation", and
// Straddle's skills record a sandbox 422 as `type: "/validation_error", title: "Validation Failed"`.
// The other types are this simulator's choice, path-like in the same style. Titles are the spec's
// response descriptions. `items` lists per-field problems (400 validation, some 422s) and is null
// otherwise, which the spec allows.
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../http.ts';

export interface ErrorItem {
  reference: string | null;
  detail: string;
}

const KINDS: Record<number, { type: string; title: string }> = {
  400: { type: '/field_validation', title: 'Bad Request' },
  401: { type: '/unauthorized', title: 'Unauthorized' },
  403: { type: '/forbidden', title: 'Forbidden' },
  404: { type: '/not_found', title: 'Not Found' },
  409: { type: '/conflict', title: 'Conflict' },
  422: { type: '/validation_error', title: 'Validation Failed' },
  429: { type: '/rate_limit', title: 'Too Many Requests' },
  500: { type: '/server_error', title: 'Server Error' },
  502: { type: '/server_error', title: 'Bad Gateway' },
  503: { type: '/server_error', title: 'Service Unavailable' },
  504: { type: '/server_error', title: 'Gateway Timeout' },
};

function kind(status: number): { type: string; title: string } {
  return KINDS[status] ?? (status >= 500 ? KINDS[500]! : { type: '/error', title: 'Request Failed' });
}

/** The `meta` of every Straddle answer, success or error. */
export function responseMeta(nowMs: number): { api_request_id: string; api_request_timestamp: string } {
  return { api_request_id: randomUUID(), api_request_timestamp: new Date(nowMs).toISOString() };
}

export function errorResponse(
  status: number,
  detail: string,
  items: ErrorItem[] | null,
  nowMs: number,
): SimResponse {
  return {
    status,
    body: {
      response_type: 'error',
      meta: responseMeta(nowMs),
      error: { status, ...kind(status), detail, items: items && items.length > 0 ? items : null },
    },
  };
}

/** Thrown by handlers and validators so a rule can refuse a request in one line. */
export class StraddleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly items: ErrorItem[] | null = null,
  ) {
    super(detail);
  }

  toResponse(nowMs: number): SimResponse {
    return errorResponse(this.status, this.detail, this.items, nowMs);
  }
}

export const badRequest = (detail: string, items: ErrorItem[] | null = null) =>
  new StraddleHttpError(400, detail, items);

export const unauthorized = (detail: string) => new StraddleHttpError(401, detail);

export const notFound = (kindName: string, id: string) =>
  new StraddleHttpError(404, `${kindName} with id '${id}' was not found.`);

export const conflict = (detail: string) => new StraddleHttpError(409, detail);

/** A business rule: well-formed, but Straddle will not do it (now). */
export const unprocessable = (detail: string, reference: string | null = null) =>
  new StraddleHttpError(422, detail, reference === null ? null : [{ reference, detail }]);

const FAULT_DETAIL: Record<number, string> = {
  400: 'The request could not be processed.',
  401: 'The API key is missing or invalid.',
  403: 'This API key is not allowed to perform this operation.',
  404: 'The requested resource was not found.',
  409: 'The request conflicts with an earlier request.',
  422: 'The request could not be completed.',
  429: 'Too many requests. Please retry later.',
};

/** What an injected fault answers: the status in Straddle's envelope, as if Straddle itself failed. */
export function faultResponse(status: number, nowMs: number): SimResponse {
  const detail =
    FAULT_DETAIL[status] ??
    (status >= 500 ? 'An unexpected error occurred. Please retry later.' : 'The request failed.');
  return errorResponse(status, detail, null, nowMs);
}
