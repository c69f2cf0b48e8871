// Token.io's JSON (Payouts beta, settlement accounts, account verifications), as its OpenAPI spec
// defines it. Private to this folder. Loose objects: a new field must not break us; a field we
// rely on going missing must.
import { z } from 'zod';

export const PAYOUT_STATUSES = [
  'INITIATION_PENDING',
  'INITIATION_PROCESSING',
  'INITIATION_COMPLETED',
  'INITIATION_REJECTED',
  'INITIATION_FAILED',
] as const;
export type WireStatus = (typeof PAYOUT_STATUSES)[number];

/** Token.io pays EUR over SEPA (IBAN) and GBP over Faster Payments (sort code + account number). */
export const CURRENCIES = ['GBP', 'EUR'] as const;

// Decimal strings, though the spec's own examples for balances are numbers: accept both, keep text.
const decimal = z.union([z.string(), z.number()]).transform(String);

export const amountSchema = z.looseObject({ value: decimal, currency: z.string() });
export type WireAmount = z.infer<typeof amountSchema>;

export const creditorSchema = z.looseObject({
  name: z.string().optional(),
  ultimateCreditorName: z.string().optional(),
  bankName: z.string().optional(),
  iban: z.string().optional(),
  bic: z.string().optional(),
  accountNumber: z.string().optional(),
  sortCode: z.union([z.string(), z.number()]).transform(String).optional(),
  accountVerificationId: z.string().optional(),
});
export type WireCreditor = z.infer<typeof creditorSchema>;

export const payoutSchema = z.looseObject({
  id: z.string(),
  memberId: z.string(),
  createdDateTime: z.string(),
  updatedDateTime: z.string(),
  // Kept as a string: an unknown status is reported as UNKNOWN, not rejected.
  status: z.string(),
  bankPaymentStatus: z.string().optional(),
  statusReasonInformation: z.string().optional(),
  bankTransactionId: z.string().optional(),
  initiation: z
    .looseObject({
      refId: z.string(),
      description: z.string().optional(),
      amount: amountSchema,
      debtor: z.looseObject({ accountId: z.string() }),
      creditor: creditorSchema,
    })
    .optional(),
});
export type WirePayout = z.infer<typeof payoutSchema>;

export const payoutResponseSchema = z.looseObject({ payout: payoutSchema });
export const payoutsResponseSchema = z.looseObject({
  payouts: z.array(payoutSchema).default([]),
  paging: z.looseObject({ limit: z.number().optional(), offset: z.string().optional() }).optional(),
});

export const virtualAccountSchema = z.looseObject({
  accountId: z.string(),
  accountName: z.string().optional(),
  accountNickName: z.string().optional(),
  currency: z.string(),
  country: z.string().optional(),
  availableBalance: decimal.optional(),
  bookedBalance: decimal.optional(),
  clearedBalance: decimal.optional(),
  status: z.string().optional(),
});
export type WireVirtualAccount = z.infer<typeof virtualAccountSchema>;

export const virtualAccountsResponseSchema = z.looseObject({
  virtualAccount: z.array(virtualAccountSchema).default([]),
  pageInfo: z.looseObject({ nextOffset: z.string().optional(), haveMore: z.boolean().optional() }).optional(),
});
export const virtualAccountResponseSchema = z.looseObject({ virtualAccount: virtualAccountSchema });

export const VERIFICATION_STATUSES = [
  'MATCH',
  'NO_MATCH',
  'CLOSE_MATCH',
  'VERIFICATION_NOT_POSSIBLE',
] as const;

export const verificationResponseSchema = z.looseObject({
  id: z.string(),
  result: z.looseObject({
    status: z.enum(VERIFICATION_STATUSES),
    reasons: z.array(z.string()).default([]),
    details: z.string().optional(),
    matched: z.looseObject({ name: z.string().optional() }).optional(),
  }),
});
export type WireVerification = z.infer<typeof verificationResponseSchema>;

/** `{error: {errorCode, message, tokenTraceId}}`; 404s add `paymentId`. */
export const errorSchema = z.looseObject({
  error: z.looseObject({
    errorCode: z.string().optional(),
    message: z.string().optional(),
    tokenTraceId: z.string().optional(),
  }),
});
export type WireError = z.infer<typeof errorSchema>['error'];

export interface PayoutInitiation {
  refId: string;
  description: string;
  amount: { value: string; currency: string };
  debtor: { accountId: string };
  creditor: WireCreditor;
  onBehalfOfId?: string;
}
