// CasaPay's JSON, as its seeds and the Stripe shapes it follows define it. Private to this folder.
// Schemas are loose objects: a provider adding a field must not break us, a missing one must.
import { z } from 'zod';
import { perItemSchema } from '../../util/schemas.ts';

export const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type WireStatus = (typeof PAYOUT_STATUSES)[number];

export const bankAccountSchema = z.looseObject({
  id: z.string(),
  object: z.literal('bank_account'),
  account_holder_name: z.string().nullable().optional(),
  country: z.string(),
  currency: z.string(),
  last4: z.string(),
  status: z.string(),
});
export type WireBankAccount = z.infer<typeof bankAccountSchema>;

export const payoutSchema = z.looseObject({
  id: z.string(),
  object: z.literal('payout'),
  amount: z.number().int(),
  currency: z.string(),
  // Kept as a string: an unknown status is reported as UNKNOWN, not rejected.
  status: z.string(),
  // The bank account itself where the request asked for `expand[]=destination` (a list: `data.destination`).
  destination: z.union([z.string(), bankAccountSchema]).nullable(),
  arrival_date: z.number().int().nullable(),
  description: z.string().nullable().optional(),
  method: z.string().nullable().optional(),
  failure_code: z.string().nullable().optional(),
  failure_message: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  created: z.number().int(),
});
export type WirePayout = z.infer<typeof payoutSchema>;

/** A Stripe-shaped event; `data.object` is the payout as it was at the change. */
export const eventSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  created: z.number().int(),
  data: z.looseObject({ object: z.unknown() }),
});

export const listSchema = perItemSchema(<T extends z.ZodType>(item: T) =>
  z.looseObject({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), url: z.string() }),
);

const balanceAmount = z.looseObject({ amount: z.number().int(), currency: z.string() });
export const balanceSchema = z.looseObject({
  object: z.literal('balance'),
  available: z.array(balanceAmount),
  pending: z.array(balanceAmount),
});
export type WireBalance = z.infer<typeof balanceSchema>;

export const errorSchema = z.looseObject({
  error: z.looseObject({
    type: z.string(),
    code: z.string().optional(),
    message: z.string().optional(),
    param: z.string().optional(),
  }),
});
export type WireError = z.infer<typeof errorSchema>['error'];

export interface CreatePayoutBody {
  amount: number;
  currency: string;
  destination: string;
  description?: string;
  method?: 'standard' | 'instant';
  metadata?: Record<string, string>;
}

export interface CreateBankAccountBody {
  account_holder_name: string;
  account_number?: string;
  sort_code?: string;
  currency: string;
  country: string;
  metadata?: Record<string, string>;
}
