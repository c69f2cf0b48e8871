// Mollie's JSON (v2 Payouts + Balances), as the OpenAPI spec defines it. Private to this folder.
// Loose objects: Mollie adding a field must not break us; a field we rely on going missing must.
import { z } from 'zod';

export const PAYOUT_STATUSES = [
  'requested',
  'initiated',
  'processing-at-bank',
  'completed',
  'failed',
  'canceled',
] as const;
export type WireStatus = (typeof PAYOUT_STATUSES)[number];

/** Every currency a Mollie balance can hold (spec `currencies`). */
export const BALANCE_CURRENCIES = [
  'EUR',
  'GBP',
  'CHF',
  'DKK',
  'NOK',
  'PLN',
  'SEK',
  'USD',
  'CZK',
  'HUF',
  'AUD',
  'CAD',
] as const;

export const amountSchema = z.looseObject({ currency: z.string(), value: z.string() });
export type WireAmount = z.infer<typeof amountSchema>;

// Second-precision ISO 8601 with an offset ("2024-03-20T09:13:40+00:00").
const timestamp = z.iso.datetime({ offset: true });
const link = z.looseObject({ href: z.string(), type: z.string().optional() });

export const payoutSchema = z.looseObject({
  resource: z.literal('payout'),
  id: z.string(),
  balanceId: z.string(),
  // Nullable in the spec: a payout requested without amount has none until Mollie initiates it.
  amount: amountSchema.nullable().optional(),
  description: z.string().nullable().optional(),
  // Kept as a string: an unknown status is reported as UNKNOWN, not rejected.
  status: z.string(),
  statusReason: z.looseObject({ code: z.string(), message: z.string() }).nullable().optional(),
  createdAt: timestamp,
  initiatedAt: timestamp.nullable().optional(),
  completedAt: timestamp.nullable().optional(),
  canceledAt: timestamp.nullable().optional(),
});
export type WirePayout = z.infer<typeof payoutSchema>;

/** A next-gen webhook event in full-payload mode: the payout snapshot is `_embedded.entity`. */
export const eventSchema = z.looseObject({
  resource: z.literal('event'),
  id: z.string(),
  type: z.string(),
  entityId: z.string(),
  createdAt: z.string(),
  _embedded: z.looseObject({ entity: z.unknown() }).optional(),
});

export const transferDestinationSchema = z.looseObject({
  type: z.string(),
  // A string in the spec, whose own example is the number 123456: accept both, keep a string.
  bankAccount: z.union([z.string(), z.number()]).transform(String),
  beneficiaryName: z.string().nullable().optional(),
});

export const balanceSchema = z.looseObject({
  resource: z.literal('balance'),
  id: z.string(),
  currency: z.string(),
  status: z.string(),
  availableAmount: amountSchema,
  pendingAmount: amountSchema,
  transferDestination: transferDestinationSchema.nullable().optional(),
});
export type WireBalance = z.infer<typeof balanceSchema>;

// Lists: `{count, _embedded: {payouts|balances: T[]}, _links: {next: url | null, …}}`; `count` is
// the size of this page, not a total, so only `_links.next` says whether more exist.
const listLinks = z.looseObject({ next: link.nullable().optional() });

export const payoutListSchema = z.looseObject({
  _embedded: z.looseObject({ payouts: z.array(payoutSchema) }),
  _links: listLinks,
});

export const balanceListSchema = z.looseObject({
  _embedded: z.looseObject({ balances: z.array(balanceSchema) }),
  _links: listLinks,
});

export const errorSchema = z.looseObject({
  status: z.number().int(),
  title: z.string().optional(),
  detail: z.string(),
  field: z.string().optional(),
});
export type WireError = z.infer<typeof errorSchema>;

export interface CreatePayoutBody {
  balanceId: string;
  amount?: WireAmount;
  description?: string;
}
