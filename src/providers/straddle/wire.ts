// Straddle's JSON (v1 payouts, payments search, customers, bank-account paykeys), as its OpenAPI
// spec defines it. Private to this folder. Every answer is an envelope `{data, meta, response_type}`.
import { z } from 'zod';
import { perItemSchema } from '../../util/schemas.ts';

export const PAYMENT_STATUSES = [
  'created',
  'scheduled',
  'validating',
  'on_hold',
  'pending',
  'paid',
  'failed',
  'cancelled',
  'reversed',
] as const;
export type WireStatus = (typeof PAYMENT_STATUSES)[number];

const statusDetails = z.looseObject({
  changed_at: z.string(),
  message: z.string().nullable().optional(),
  reason: z.string(),
  source: z.string(),
  code: z.string().nullable().optional(),
});
export type WireStatusDetails = z.infer<typeof statusDetails>;

const historyEntry = statusDetails.extend({ status: z.string() });

/** A payout, or a payments-search summary of one (which carries no status history). */
export const payoutSchema = z.looseObject({
  id: z.string(),
  paykey: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  description: z.string().nullable().optional(),
  payment_date: z.string(),
  external_id: z.string(),
  // Kept as a string: an unknown status is reported as UNKNOWN, not rejected.
  status: z.string(),
  status_details: statusDetails,
  status_history: z.array(historyEntry).optional(),
  paykey_details: z.looseObject({ id: z.string() }).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  created_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
});
export type WirePayout = z.infer<typeof payoutSchema>;

/** A Standard Webhooks body as Straddle sends it; `data` of payout events is PayoutEventV1. */
export const eventSchema = z.looseObject({
  event_type: z.string(),
  event_id: z.string(),
  data: z.unknown(),
});

export const pagedMetaSchema = z.looseObject({
  page_number: z.number().int(),
  page_size: z.number().int(),
  total_pages: z.number().int(),
  total_items: z.number().int().optional(),
});

export const paykeySchema = z.looseObject({
  id: z.string(),
  paykey: z.string(),
  label: z.string(),
  customer_id: z.string().nullable().optional(),
  institution_name: z.string().nullable().optional(),
  status: z.string(),
  bank_data: z
    .looseObject({ account_number: z.string(), routing_number: z.string(), account_type: z.string() })
    .nullable()
    .optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  created_at: z.string(),
});
export type WirePaykey = z.infer<typeof paykeySchema>;

export const customerSchema = z.looseObject({ id: z.string(), name: z.string(), status: z.string() });

export const errorSchema = z.looseObject({
  error: z.looseObject({
    status: z.number().int(),
    type: z.string(),
    title: z.string(),
    detail: z.string().nullable().optional(),
    items: z
      .array(
        z.looseObject({
          reference: z.string().nullable().optional(),
          detail: z.string().nullable().optional(),
        }),
      )
      .nullable()
      .optional(),
  }),
});
export type WireError = z.infer<typeof errorSchema>['error'];

export const envelope = perItemSchema(<S extends z.ZodType>(data: S) =>
  z.looseObject({ data, response_type: z.string() }),
);
export const pagedEnvelope = perItemSchema(<S extends z.ZodType>(item: S) =>
  z.looseObject({ data: z.array(item), meta: pagedMetaSchema }),
);
