// Token.io over HTTP: one method per endpoint, responses validated against the wire schemas,
// failures turned into the gateway's typed errors. Nothing here knows GraphQL.
import type { z } from 'zod';
import { sandboxOutcomeHeader, type HttpRequest, type ProviderHttpClient } from '../http.ts';
import { toGatewayError } from './mapper.ts';
import {
  errorSchema,
  payoutResponseSchema,
  payoutsResponseSchema,
  verificationResponseSchema,
  virtualAccountResponseSchema,
  virtualAccountsResponseSchema,
  type PayoutInitiation,
  type WireStatus,
} from './wire.ts';

/** `limit` on GET /payouts and /virtual-accounts: 1–200. */
export const MAX_LIMIT = 200;

export interface PayoutQuery {
  limit: number;
  offset?: string | null;
  ids?: readonly string[];
  refIds?: readonly string[];
  statuses?: readonly WireStatus[];
  startDate?: string;
  endDate?: string;
}

export class TokenioClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly onBehalfOfId: string | null,
  ) {}

  private async call<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.infer<S>> {
    return this.http.call(req, schema, (res) => {
      const parsed = errorSchema.safeParse(res.body);
      return toGatewayError(res.status, parsed.success ? parsed.data.error : null);
    });
  }

  private get behalf() {
    return this.onBehalfOfId ? { onBehalfOfId: this.onBehalfOfId } : {};
  }

  /**
   * Never re-sent by the transport: Token.io has no idempotency key. A duplicate `refId` is refused,
   * so the adapter resolves a create in doubt by looking the refId up instead.
   */
  async createPayout(initiation: PayoutInitiation, sandboxOutcome?: string | null) {
    const body = { initiation: { ...initiation, ...this.behalf } };
    const req = {
      method: 'POST' as const,
      path: '/payouts',
      body,
      headers: sandboxOutcomeHeader(sandboxOutcome),
      retryable: false,
    };
    return (await this.call(req, payoutResponseSchema)).payout;
  }

  /** The sandbox simulator's test helpers (not Token.io's API): one step on, or a bank rejection. */
  async testHelper(id: string, step: 'advance' | 'fail') {
    return (
      await this.call(
        { method: 'POST', path: `/test-helpers/payouts/${encodeURIComponent(id)}/${step}`, retryable: false },
        payoutResponseSchema,
      )
    ).payout;
  }

  async getPayout(id: string) {
    return (
      await this.call(
        { method: 'GET', path: `/payouts/${encodeURIComponent(id)}`, retryable: true },
        payoutResponseSchema,
      )
    ).payout;
  }

  listPayouts(q: PayoutQuery) {
    return this.call(
      {
        method: 'GET',
        path: '/payouts',
        query: {
          limit: q.limit,
          offset: q.offset ?? undefined,
          ids: q.ids,
          refIds: q.refIds,
          statuses: q.statuses,
          startDate: q.startDate,
          endDate: q.endDate,
          ...this.behalf,
        },
        retryable: true,
      },
      payoutsResponseSchema,
    );
  }

  listVirtualAccounts(offset: string | null, limit = MAX_LIMIT) {
    return this.call(
      {
        method: 'GET',
        path: '/virtual-accounts',
        query: { limit, offset: offset ?? undefined, ...this.behalf },
        retryable: true,
      },
      virtualAccountsResponseSchema,
    );
  }

  async getVirtualAccount(id: string) {
    return (
      await this.call(
        { method: 'GET', path: `/virtual-accounts/${encodeURIComponent(id)}`, retryable: true },
        virtualAccountResponseSchema,
      )
    ).virtualAccount;
  }

  /** Verification of Payee (EUR only). A check has no side effects, so it may be re-sent. */
  verifyAccount(account: { name: string; iban: string }) {
    return this.call(
      {
        method: 'POST',
        path: '/account-verifications',
        body: { account: { name: account.name, currency: 'EUR', iban: account.iban } },
        retryable: true,
      },
      verificationResponseSchema,
    );
  }
}
