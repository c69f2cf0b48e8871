// Token.io's published response schemas (the unmodified extract in test/fixtures), as a check on
// every body the Token.io simulator answers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Request } from 'openapi-backend';
import { expect } from 'vitest';

// One spec defect is patched here, in memory only: ResolvedPayoutInitiation.required lists
// `paymentType`, which the schema never defines and which Token.io's own payout examples omit.
const definition = JSON.parse(
  readFileSync(new URL('../fixtures/tokenio-openapi.json', import.meta.url), 'utf8'),
);
const resolved = definition.components.schemas.ResolvedPayoutInitiation;
resolved.required = resolved.required.filter((f: string) => f !== 'paymentType');
const spec = new OpenAPIBackend({
  definition,
  strict: false,
  // VirtualAccount's dates say `format: "string"`, which names no format: accept it without warnings.
  customizeAjv: (ajv) => ajv.addFormat('string', true),
});
await spec.init();

/**
 * A body against the spec's response schema for the operation serving (method, path) and status.
 * Test helpers and unknown routes answer payout and error bodies: checked as GetPayout's. An
 * operation without a schema for the status (post-verification declares only 200 and 400) is
 * checked against GetPayout's, as every Token.io operation shares the same error schemas.
 */
export function expectSpec(method: string, path: string, status: number, body: unknown): void {
  const op = spec.matchOperation({ method, path: path.split('?')[0], headers: {}, query: {} } as Request);
  // Only test helpers and unknown routes (404) are outside the spec.
  if (!path.startsWith('/test-helpers') && status !== 404) expect(op, `${method} ${path}`).toBeDefined();
  const id = op?.operationId && op.responses?.[status] ? op.operationId : 'GetPayout';
  expect(spec.getOperation(id)?.responses?.[status], `${id} declares ${status}`).toBeDefined();
  expect(spec.validateResponse(body, id, status).errors ?? [], `${method} ${path} → ${status}`).toEqual([]);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A fresh sandbox API key in Token.io's format (base64 of `m-<member>:<secret>`): a fresh account. */
export const newTokenioKey = (member = randomBytes(8).toString('hex')) =>
  Buffer.from(`m-${member}:${randomBytes(16).toString('hex')}`).toString('base64');

/**
 * A request to a Token.io simulator at `baseUrl`, its body checked against the spec. `key` is a
 * Basic key, or a whole Authorization value when it has a space; null sends none.
 */
export async function tokenioCall(
  baseUrl: string,
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: key.includes(' ') ? key : `Basic ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  expectSpec(method, path, res.status, json);
  return { status: res.status, body: json };
}

/** Token.io's error body, exactly: `{error: {errorCode, message, tokenTraceId, paymentId?}}`. */
export function expectTokenioError(
  res: { status: number; body: Json },
  status: number,
  errorCode: string,
  message?: string | RegExp,
  paymentId?: string,
): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: {
      errorCode,
      message:
        message === undefined
          ? expect.any(String)
          : typeof message === 'string'
            ? message
            : expect.stringMatching(message),
      tokenTraceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      ...(paymentId === undefined ? {} : { paymentId }),
    },
  });
}
