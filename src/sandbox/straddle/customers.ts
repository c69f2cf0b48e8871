// POST /v1/customers (CreateCustomer) and GET /v1/customers/{id} (GetCustomer).
//
// Straddle runs identity and fraud checks on create; the sandbox decides by
// `config.sandbox_outcome`: `verified` (and `standard`, which in the real sandbox runs the checks
// on your test identity: here it always verifies), `review` or `rejected`, reported at once in the
// create answer. A customer's email is unique within the account (a repeat is 422, as observed in
// Straddle's sandbox). `compliance_profile` is accepted but not stored or echoed (it is optional in
// CustomerV1, and the simulator keeps no SSNs or EINs).
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, StraddleContext } from './context.ts';
import { notFound, unprocessable } from './errors.ts';
import { Fields, jsonBody, type JsonObject } from './request.ts';
import { objectResponse, serializeCustomer } from './serialize.ts';
import type { Customer, CustomerStatus } from './store.ts';

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CUSTOMER_OUTCOMES = ['standard', 'verified', 'rejected', 'review'] as const;
const PROCESSING = ['inline', 'background', 'skip'] as const;
const FIELDS = [
  'name',
  'type',
  'email',
  'phone',
  'device',
  'address',
  'compliance_profile',
  'external_id',
  'metadata',
  'config',
];

function address(f: Fields, raw: JsonObject | undefined): Record<string, unknown> | null {
  if (!raw) return null;
  const a = f.child('address', raw);
  a.onlyKnown(['address1', 'address2', 'city', 'state', 'zip']);
  const address1 = a.string('address1');
  const address2 = a.string('address2', { optional: true });
  const city = a.string('city');
  const state = a.string('state');
  const zip = a.string('zip');
  if (typeof state === 'string' && !/^[A-Z]{2}$/.test(state))
    a.add('state', "'address.state' must be a two-letter state code.");
  if (typeof zip === 'string' && !/^[0-9]{5}(-[0-9]{4})?$/.test(zip))
    a.add('zip', "'address.zip' must be a ZIP or ZIP+4 code.");
  return { address1, address2: address2 ?? null, city, state, zip };
}

function config(f: Fields, raw: JsonObject | undefined): Record<string, string> {
  if (!raw) return { sandbox_outcome: 'standard' };
  const c = f.child('config', raw);
  c.onlyKnown(['sandbox_outcome', 'processing_method']);
  const outcome = c.enumValue('sandbox_outcome', CUSTOMER_OUTCOMES, true) ?? 'standard';
  const processing = c.enumValue('processing_method', PROCESSING, true);
  return { sandbox_outcome: outcome, ...(processing ? { processing_method: processing } : {}) };
}

const STATUS_FOR: Record<string, CustomerStatus> = {
  standard: 'verified',
  verified: 'verified',
  review: 'review',
  rejected: 'rejected',
};

export function createCustomer(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const body = jsonBody(req.rawBody);
  const f = new Fields(body);
  f.onlyKnown(FIELDS);
  const name = f.string('name');
  const type = f.enumValue('type', ['individual', 'business'] as const);
  const email = f.string('email');
  if (typeof email === 'string' && !EMAIL.test(email)) f.add('email', "'email' must be an email address.");
  const phone = f.string('phone');
  if (typeof phone === 'string' && !E164.test(phone)) {
    f.add('phone', "'phone' must be in E.164 format, e.g. +12128675309.");
  }
  const device = f.device();
  const addr = address(f, f.object('address', true));
  if (body.compliance_profile !== undefined && body.compliance_profile !== null)
    f.object('compliance_profile');
  const externalId = f.string('external_id', { optional: true });
  const metadata = f.metadata();
  const cfg = config(f, f.object('config', true));
  f.done();

  const { account } = req;
  for (const c of account.customers.values()) {
    if (c.email.toLowerCase() === (email as string).toLowerCase()) {
      throw unprocessable(`A customer with email '${email}' already exists.`, 'email');
    }
  }
  const now = ctx.now();
  const customer: Customer = {
    id: randomUUID(),
    name: name as string,
    type: type as Customer['type'],
    email: email as string,
    phone: phone as string,
    externalId: externalId ?? null,
    status: STATUS_FOR[cfg.sandbox_outcome as string] ?? 'verified',
    device: device as Customer['device'],
    address: addr,
    metadata: metadata ?? null,
    config: cfg,
    createdAt: now,
    updatedAt: now,
  };
  account.customers.set(customer.id, customer);
  return objectResponse(201, serializeCustomer(customer), now);
}

export function getCustomer(ctx: StraddleContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const customer = req.account.customers.get(id);
  if (!customer) throw notFound('Customer', id);
  return objectResponse(200, serializeCustomer(customer), ctx.now());
}
