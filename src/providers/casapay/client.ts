// CasaPay over HTTP: one method per endpoint, responses validated against the wire schemas,
// failures turned into the gateway's typed errors. Nothing here knows GraphQL.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { sandboxOutcomeHeader, type ProviderHttpClient, type HttpRequest } from '../http.ts';
import { toGatewayError, type ParamFields } from './mapper.ts';
import {
  balanceSchema,
  bankAccountSchema,
  errorSchema,
  listSchema,
  payoutSchema,
  type CreateBankAccountBody,
  type CreatePayoutBody,
} from './wire.ts';

const PAYOUT_FIELDS: ParamFields = {
  amount: 'amount.amount',
  currency: 'amount.currency',
  destination: 'destinationId',
  description: 'description',
  method: 'method',
  metadata: 'metadata',
  limit: 'first',
};

/** GB accounts send sortCode + accountNumber; SEPA accounts send the IBAN as `account_number`. */
const bankAccountFields = (gb: boolean): ParamFields => ({
  account_holder_name: 'holderName',
  account_number: gb ? 'accountNumber' : 'iban',
  sort_code: 'sortCode',
  currency: 'currency',
  country: 'country',
  metadata: 'metadata',
});

export interface ListParams {
  limit: number;
  starting_after?: string;
  status?: string;
  'created[gte]'?: number;
  'created[lt]'?: number;
  /** Stripe's expansion; `data.destination` sends each payout's bank account in place of its id. */
  'expand[]'?: readonly 'data.destination'[];
}

export class CasaPayClient {
  constructor(private readonly http: ProviderHttpClient) {}

  private async call<S extends z.ZodType>(
    req: HttpRequest,
    schema: S,
    fields: ParamFields = {},
  ): Promise<z.infer<S>> {
    return this.http.call(req, schema, (res) => {
      const parsed = errorSchema.safeParse(res.body);
      return toGatewayError(res.status, parsed.success ? parsed.data.error : null, fields);
    });
  }

  createPayout(body: CreatePayoutBody, idempotencyKey: string, sandboxOutcome?: string | null) {
    return this.call(
      {
        method: 'POST',
        path: '/v1/payouts',
        body,
        headers: {
          'Idempotency-Key': idempotencyKey,
          ...sandboxOutcomeHeader(sandboxOutcome),
        },
        retryable: true,
      },
      payoutSchema,
      PAYOUT_FIELDS,
    );
  }

  getPayout(id: string) {
    return this.call(
      { method: 'GET', path: `/v1/payouts/${encodeURIComponent(id)}`, retryable: true },
      payoutSchema,
    );
  }

  listPayouts(params: ListParams) {
    return this.call(
      { method: 'GET', path: '/v1/payouts', query: { ...params }, retryable: true },
      listSchema(payoutSchema),
      PAYOUT_FIELDS,
    );
  }

  cancelPayout(id: string) {
    // One fresh key per cancel, re-sent by the transport's retries: when the first attempt worked
    // but its answer was lost, the retry replays that success instead of "not cancelable".
    return this.call(
      {
        method: 'POST',
        path: `/v1/payouts/${encodeURIComponent(id)}/cancel`,
        headers: { 'Idempotency-Key': randomUUID() },
        retryable: true,
      },
      payoutSchema,
    );
  }

  /** The sandbox simulator's test helpers (not CasaPay's API): one step on, or a bank failure. */
  testHelper(id: string, step: 'advance' | 'fail') {
    return this.call(
      {
        method: 'POST',
        path: `/v1/test_helpers/payouts/${encodeURIComponent(id)}/${step}`,
        retryable: false,
      },
      payoutSchema,
    );
  }

  getBalance() {
    return this.call({ method: 'GET', path: '/v1/balance', retryable: true }, balanceSchema);
  }

  createBankAccount(body: CreateBankAccountBody, idempotencyKey: string) {
    return this.call(
      {
        method: 'POST',
        path: '/v1/bank_accounts',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        retryable: true,
      },
      bankAccountSchema,
      bankAccountFields(body.country === 'GB'),
    );
  }

  getBankAccount(id: string) {
    return this.call(
      { method: 'GET', path: `/v1/bank_accounts/${encodeURIComponent(id)}`, retryable: true },
      bankAccountSchema,
    );
  }

  listBankAccounts(params: { limit: number; starting_after?: string }) {
    return this.call(
      { method: 'GET', path: '/v1/bank_accounts', query: { ...params }, retryable: true },
      listSchema(bankAccountSchema),
    );
  }
}
