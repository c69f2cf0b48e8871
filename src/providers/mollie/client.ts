// Mollie over HTTP: one method per endpoint, responses validated against the wire schemas,
// failures turned into the gateway's typed errors. Nothing here knows GraphQL.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import { sandboxOutcomeHeader, type HttpRequest, type ProviderHttpClient } from '../http.ts';
import { toGatewayError } from './mapper.ts';
import {
  balanceListSchema,
  balanceSchema,
  errorSchema,
  payoutListSchema,
  payoutSchema,
  type CreatePayoutBody,
} from './wire.ts';

/** Mollie's page size ceiling (`limit` 1–250). */
export const MAX_LIMIT = 250;

export interface MollieCredentials {
  /** `test_…`/`live_…` profile key: payouts. */
  apiKey: string;
  /** Organisation access token (`access_…`): Mollie serves the Balances API only to these (or OAuth). */
  accessToken: string;
}

export interface ListParams {
  from?: string;
  limit: number;
}

export class MollieClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly credentials: MollieCredentials,
  ) {}

  private async call<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.infer<S>> {
    return this.http.call(req, schema, (res) => {
      const parsed = errorSchema.safeParse(res.body);
      return toGatewayError(res.status, parsed.success ? parsed.data : null);
    });
  }

  /**
   * Balance calls carry the access token. Organisation credentials pick their mode per request, so
   * a `test_` key's balances need `testmode=true` to be the test balances its payouts come from
   * (profile keys must not send it: the key itself selects the mode).
   */
  private balanceRequest(path: string, query: Record<string, string | number | undefined> = {}): HttpRequest {
    const { accessToken, apiKey } = this.credentials;
    return {
      method: 'GET',
      path,
      query: { ...query, ...(apiKey.startsWith('test_') ? { testmode: 'true' } : {}) },
      headers: { authorization: `Bearer ${accessToken}` },
      retryable: true,
    };
  }

  createPayout(body: CreatePayoutBody, idempotencyKey: string, sandboxOutcome?: string | null) {
    // Retrying is safe only because of the key: Mollie answers a duplicate with the first payout.
    return this.call(
      {
        method: 'POST',
        path: '/v2/payouts',
        body,
        headers: {
          'Idempotency-Key': idempotencyKey,
          ...sandboxOutcomeHeader(sandboxOutcome),
        },
        retryable: true,
      },
      payoutSchema,
    );
  }

  getPayout(id: string) {
    return this.call(
      { method: 'GET', path: `/v2/payouts/${encodeURIComponent(id)}`, retryable: true },
      payoutSchema,
    );
  }

  listPayouts(params: ListParams) {
    return this.call(
      { method: 'GET', path: '/v2/payouts', query: { ...params }, retryable: true },
      payoutListSchema,
    );
  }

  cancelPayout(id: string) {
    // One fresh key per cancel, re-sent by the transport's retries: when the first DELETE worked
    // but its answer was lost, the retry replays that 200 instead of a misleading 409. A later,
    // separate cancel gets a new key and Mollie's real answer.
    return this.call(
      {
        method: 'DELETE',
        path: `/v2/payouts/${encodeURIComponent(id)}`,
        headers: { 'Idempotency-Key': randomUUID() },
        retryable: true,
      },
      payoutSchema,
    );
  }

  /** The sandbox simulator's test helpers (not Mollie's API): one step on, or a bank failure. */
  testHelper(id: string, step: 'advance' | 'fail') {
    return this.call(
      {
        method: 'POST',
        path: `/v2/test-helpers/payouts/${encodeURIComponent(id)}/${step}`,
        retryable: false,
      },
      payoutSchema,
    );
  }

  listBalances(params: ListParams) {
    return this.call(this.balanceRequest('/v2/balances', { ...params }), balanceListSchema);
  }

  getBalance(id: string) {
    // `/v2/balances/primary` is an alias Mollie resolves to another id; an id must be a real one.
    if (!id.startsWith('bal_')) return Promise.reject(new NotFoundError(`No balance exists with id ${id}.`));
    return this.call(this.balanceRequest(`/v2/balances/${encodeURIComponent(id)}`), balanceSchema);
  }
}
