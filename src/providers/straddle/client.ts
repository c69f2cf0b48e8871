// Straddle over HTTP: one method per endpoint, the `{data, meta, response_type}` envelope unwrapped,
// failures turned into the gateway's typed errors. Nothing here knows GraphQL.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { HttpRequest, ProviderHttpClient } from '../http.ts';
import { toGatewayError } from './mapper.ts';
import {
  customerSchema,
  envelope,
  errorSchema,
  pagedEnvelope,
  paykeySchema,
  payoutSchema,
  type WireStatus,
} from './wire.ts';

/** The page size of every payments search: a fixed size keeps (page, index) positions stable. */
export const PAGE_SIZE = 100;

export interface CreatePayoutBody {
  paykey: string;
  amount: number;
  currency: 'USD';
  description: string | null;
  payment_date: string;
  device: { ip_address: string };
  external_id: string;
  metadata?: Record<string, string>;
  config?: { sandbox_outcome?: string };
}

export interface PaymentQuery {
  page: number;
  statuses?: readonly WireStatus[];
  externalId?: string;
  createdFrom?: string;
  createdTo?: string;
}

export class StraddleClient {
  constructor(private readonly http: ProviderHttpClient) {}

  private async call<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.infer<S>> {
    return this.http.call(req, schema, (res) => {
      const parsed = errorSchema.safeParse(res.body);
      return toGatewayError(res.status, parsed.success ? parsed.data.error : null);
    });
  }

  private async data<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.infer<S>> {
    return (await this.call(req, envelope(schema))).data as z.infer<S>;
  }

  /** Safe to re-send: the Idempotency-Key makes Straddle answer a repeat with the first result. */
  createPayout(body: CreatePayoutBody, idempotencyKey: string) {
    return this.data(
      {
        method: 'POST',
        path: '/v1/payouts',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        retryable: true,
      },
      payoutSchema,
    );
  }

  /** The sandbox simulator's test helper (not Straddle's API): one step along the outcome's path. */
  advance(id: string) {
    return this.data(
      { method: 'POST', path: `/test-helpers/payouts/${encodeURIComponent(id)}/advance`, retryable: false },
      payoutSchema,
    );
  }

  getPayout(id: string) {
    return this.data(
      { method: 'GET', path: `/v1/payouts/${encodeURIComponent(id)}`, retryable: true },
      payoutSchema,
    );
  }

  /**
   * hold, release, cancel and update: one fresh key per call, re-sent by the transport's retries,
   * so a lost answer is replayed rather than refused as a second change.
   */
  private change(path: string, body: unknown) {
    return this.data(
      { method: 'PUT', path, body, headers: { 'Idempotency-Key': randomUUID() }, retryable: true },
      payoutSchema,
    );
  }

  holdPayout = (id: string, reason: string) =>
    this.change(`/v1/payouts/${encodeURIComponent(id)}/hold`, { reason });
  releasePayout = (id: string, reason: string) =>
    this.change(`/v1/payouts/${encodeURIComponent(id)}/release`, { reason });
  cancelPayout = (id: string, reason: string) =>
    this.change(`/v1/payouts/${encodeURIComponent(id)}/cancel`, { reason });
  updatePayout = (
    id: string,
    body: {
      amount: number;
      description: string | null;
      payment_date: string;
      metadata?: Record<string, string>;
    },
  ) => this.change(`/v1/payouts/${encodeURIComponent(id)}`, body);

  searchPayouts(q: PaymentQuery) {
    return this.call(
      {
        method: 'GET',
        path: '/v1/payments',
        query: {
          payment_type: 'payout',
          page_number: q.page,
          page_size: PAGE_SIZE,
          sort_by: 'created_at',
          sort_order: 'desc',
          include_metadata: 'true',
          payment_status: q.statuses,
          external_id: q.externalId,
          min_created_at: q.createdFrom,
          max_created_at: q.createdTo,
        },
        retryable: true,
      },
      pagedEnvelope(payoutSchema),
    );
  }

  createCustomer(
    body: { name: string; type: string; email: string; phone: string; device: { ip_address: string } },
    idempotencyKey: string,
  ) {
    return this.data(
      {
        method: 'POST',
        path: '/v1/customers',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        retryable: true,
      },
      customerSchema,
    );
  }

  createPaykey(
    body: {
      customer_id: string;
      routing_number: string;
      account_number: string;
      account_type: string;
      metadata?: Record<string, string>;
    },
    idempotencyKey: string,
  ) {
    return this.data(
      {
        method: 'POST',
        path: '/v1/bridge/bank_account',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        retryable: true,
      },
      paykeySchema,
    );
  }

  getPaykey(id: string) {
    return this.data(
      { method: 'GET', path: `/v1/paykeys/${encodeURIComponent(id)}`, retryable: true },
      paykeySchema,
    );
  }

  /** The full paykey token, which a payout must carry (reads show it masked). */
  revealPaykey(id: string) {
    return this.data(
      { method: 'GET', path: `/v1/paykeys/${encodeURIComponent(id)}/reveal`, retryable: true },
      paykeySchema,
    );
  }

  unmaskedPaykey(id: string) {
    return this.data(
      { method: 'GET', path: `/v1/paykeys/${encodeURIComponent(id)}/unmasked`, retryable: true },
      paykeySchema,
    );
  }

  listPaykeys(page: number, size: number) {
    return this.call(
      { method: 'GET', path: '/v1/paykeys', query: { page_number: page, page_size: size }, retryable: true },
      pagedEnvelope(paykeySchema),
    );
  }
}
