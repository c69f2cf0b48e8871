// Mollie's error body (`error-response` in the spec): status mirrors the HTTP status, title is the
// HTTP reason phrase, `field` only for errors about one request field. Every error the simulator
// answers goes through here so the shape cannot drift between endpoints.
import type { SimResponse } from '../http.ts';

export const HAL_JSON = 'application/hal+json';

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const HANDLING_ERRORS_DOC = 'https://docs.mollie.com/overview/handling-errors';

export interface MollieErrorBody {
  status: number;
  title: string;
  detail: string;
  field?: string;
  _links: { documentation: { href: string; type: string } };
}

export function errorBody(status: number, detail: string, field?: string, docHref?: string): MollieErrorBody {
  return {
    status,
    title: REASON[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
    detail,
    ...(field === undefined ? {} : { field }),
    _links: { documentation: { href: docHref ?? HANDLING_ERRORS_DOC, type: 'text/html' } },
  };
}

export function mollieError(status: number, detail: string, field?: string, docHref?: string): SimResponse {
  return { status, contentType: HAL_JSON, body: errorBody(status, detail, field, docHref) };
}

/** Thrown inside handlers so deep validation code can bail out with a Mollie error in one line. */
export class MollieHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field?: string,
    readonly docHref?: string,
  ) {
    super(detail);
  }

  toResponse(): SimResponse {
    return mollieError(this.status, this.detail, this.field, this.docHref);
  }
}

const AUTHENTICATION_DOC = 'https://docs.mollie.com/overview/authentication';

/** The exact 401 Mollie sends for a missing or rejected credential. */
export const unauthorized = (): MollieHttpError =>
  new MollieHttpError(
    401,
    'Missing authentication, or failed to authenticate',
    undefined,
    AUTHENTICATION_DOC,
  );

/** 403 for an API key on the Balances API, whose spec `security` lists only organisation credentials. */
export const apiKeyForbidden = (): MollieHttpError =>
  new MollieHttpError(
    403,
    'This endpoint requires an organization access token or OAuth with the balances.read scope; API keys cannot access balances.',
    undefined,
    AUTHENTICATION_DOC,
  );

export const notFound = (kind: string, id: string): SimResponse =>
  mollieError(404, `No ${kind} exists with token ${id}.`);

export function faultDetail(status: number): string {
  if (status === 429) return 'You have exceeded the rate limit. Please slow down your requests.';
  if (status === 503) return 'The service is temporarily unavailable. Please try again later.';
  if (status === 502 || status === 504)
    return 'The upstream service did not respond in time. Please try again later.';
  if (status >= 500) return 'An internal server error occurred while processing your request.';
  return 'The request could not be processed.';
}
