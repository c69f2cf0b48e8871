// Straddle's published response and webhook schemas (the unmodified extract in test/fixtures), as a
// check on every body the Straddle simulator answers or sends, and a small client for its tests.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Request } from 'openapi-backend';
import { expect } from 'vitest';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const definition = JSON.parse(
  readFileSync(new URL('../fixtures/straddle-openapi.json', import.meta.url), 'utf8'),
);
const schemas = definition.components.schemas as Json;

// Patches, in memory only:
// 1. The snapshot's paths lack GET /v1/paykeys/{id}/reveal, which Straddle's SDKs and skills
//    document (`revealPaykey`) and whose answer schema, RevealPaykeyV1ItemResponse, the spec does
//    have: added with GetPaykey's parameters and error answers.
const getPaykey = definition.paths['/v1/paykeys/{id}'].get as Json;
const revealResponses = structuredClone(getPaykey.responses) as Json;
for (const media of Object.values(revealResponses['200'].content) as Json[]) {
  media.schema = { $ref: '#/components/schemas/RevealPaykeyV1ItemResponse' };
}
definition.paths['/v1/paykeys/{id}/reveal'] = {
  get: { ...getPaykey, operationId: 'RevealPaykey', responses: revealResponses },
};
// 2. The webhook payload's `status_details.reason` list (StatusReasonEventV1) lacks five REST
//    reasons; Straddle's skills record events carrying them anyway (e.g. `cancel_request`) and tell
//    receivers to accept them, so the event list is widened to the REST one.
schemas.StatusReasonEventV1.enum = [...schemas.StatusReasonV1.enum];
// 3. Webhooks are requests, not answers: each is checked as the 200 answer of a synthetic
//    operation named after the event, whose schema is the webhook's request body schema.
for (const [event, item] of Object.entries(definition.webhooks as Json)) {
  definition.paths[`/__webhooks/${event}`] = {
    post: {
      operationId: event,
      responses: {
        200: { description: event, content: item.post.requestBody.content },
      },
    },
  };
}

const FORMATS: Record<string, RegExp | true> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  ipv4: /^(\d{1,3})(\.\d{1,3}){3}$/,
  uri: /^[a-z][a-z0-9+.-]*:/i,
  // DeviceInfoUnmaskedV1.ip_address says `format: "**.**.**.**"`, which names no format.
  '**.**.**.**': true,
};

const spec = new OpenAPIBackend({
  definition,
  strict: false,
  // openapi-backend checks documents against the OpenAPI 3.0 meta-schema, which this 3.1 document
  // (top-level `webhooks`, `$ref` siblings) fails, and then loads nothing: quick mode skips that
  // check (and compiles each validator when first used).
  quick: true,
  customizeAjv: (ajv) => {
    for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
    return ajv;
  },
});
await spec.init();

/**
 * A body against the spec's answer schema for the operation serving (method, path) and status.
 * Test helpers answer payouts, so they are checked as GetPayout. Every Straddle error is an
 * ErrorResponse, but operations declare only some statuses (none declares 409, 429 or 502–504, and
 * the PUTs no 404): an undeclared error status is checked against the operation's 400 schema (the
 * same ErrorResponse), and a success status must be declared.
 */
export function expectSpec(method: string, path: string, status: number, body: unknown): void {
  const op = spec.matchOperation({ method, path: path.split('?')[0], headers: {}, query: {} } as Request);
  if (!path.startsWith('/test-helpers') && status !== 404) expect(op, `${method} ${path}`).toBeDefined();
  const id = op?.operationId ?? 'GetPayout';
  const declared = spec.getOperation(id)?.responses?.[status] !== undefined;
  if (status < 400) expect(declared, `${id} declares ${status}`).toBe(true);
  const checkedAs = declared ? status : 400;
  // A $ref the document cannot resolve dereferences to null, which would validate anything.
  const schema = (spec.getOperation(id)?.responses?.[checkedAs] as Json | undefined)?.content?.[
    'application/json'
  ]?.schema;
  expect(schema, `${id} → ${checkedAs} has a schema`).toBeTruthy();
  expect(spec.validateResponse(body, id, checkedAs).errors ?? [], `${method} ${path} → ${status}`).toEqual(
    [],
  );
  if (status >= 400) expect((body as Json).error?.status, 'error.status').toBe(status);
}

/** A webhook body against its event's schema in the spec's `webhooks` section. */
export function expectWebhookSpec(body: Json): void {
  const event = String(body.event_type);
  const op = spec.getOperation(event) as Json | undefined;
  expect(
    op?.responses?.[200]?.content?.['application/json']?.schema,
    `webhook ${event} has a schema`,
  ).toBeTruthy();
  expect(spec.validateResponse(body, event, 200).errors ?? [], `webhook ${event}`).toEqual([]);
}

// ---- A small client for the Straddle simulator tests: every answer is checked against the spec.

export interface Reply {
  status: number;
  body: Json;
}

/** A fresh API key, i.e. a fresh (empty) sandbox account. */
export const newStraddleKey = () => `sk_sandbox_${randomBytes(12).toString('hex')}`;

/** A valid Idempotency-Key (10–40 characters). */
export const newIdempotencyKey = () => `idem-${randomBytes(8).toString('hex')}`;

export async function straddleCall(
  baseUrl: string,
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  expectSpec(method, path, res.status, json);
  return { status: res.status, body: json };
}

/** Today's US Eastern calendar date at `ms` (Straddle's `payment_date` zone), computed independently. */
export function easternDateOf(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(ms));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const customerBody = (over: Json = {}): Json => ({
  name: 'Ron Swanson',
  type: 'individual',
  email: `ron.${randomBytes(4).toString('hex')}@pawnee.example`,
  phone: '+12128675309',
  device: { ip_address: '192.168.1.1' },
  ...over,
});

export const bankAccountBody = (customerId: string, over: Json = {}): Json => ({
  customer_id: customerId,
  routing_number: '021000021',
  account_number: '123456789',
  account_type: 'checking',
  ...over,
});

/** A customer and an active paykey on the account; `token` is the full paykey token. */
export async function linkedPaykey(
  baseUrl: string,
  key: string,
  paykeyOver: Json = {},
): Promise<{ customer: Json; paykey: Json; token: string }> {
  const customer = await straddleCall(baseUrl, key, 'POST', '/v1/customers', customerBody());
  expect(customer.status).toBe(201);
  const paykey = await straddleCall(
    baseUrl,
    key,
    'POST',
    '/v1/bridge/bank_account',
    bankAccountBody(customer.body.data.id, paykeyOver),
  );
  expect(paykey.status).toBe(201);
  return { customer: customer.body.data, paykey: paykey.body.data, token: paykey.body.data.paykey };
}

export const payoutBody = (token: string, paymentDate: string, over: Json = {}): Json => ({
  paykey: token,
  amount: 10_000,
  currency: 'USD',
  description: 'Vendor invoice payment',
  payment_date: paymentDate,
  device: { ip_address: '192.168.1.1' },
  external_id: `po-${randomBytes(6).toString('hex')}`,
  ...over,
});
