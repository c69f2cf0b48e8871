// Transport shared by every adapter: one undici Pool per provider, explicit timeouts (undici's
// default is 300 s), and a retry policy that only ever re-sends what is safe to re-send: reads,
// cancels, and creates that carry the provider idempotency key (the provider then answers with
// the first result instead of paying twice; that is how an "in doubt" create gets resolved).
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Pool } from 'undici';
import { ProviderUnavailableError } from '../domain/errors.ts';
import type { ProviderName } from '../domain/provider.ts';
import { OUTCOME_HEADER } from '../sandbox/http.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  /** An array is sent as the parameter repeated (`ids=a&ids=b`). */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** True when sending the same request twice cannot do anything twice. */
  retryable: boolean;
}

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/** What a request-signing scheme signs: exactly the bytes and target that go on the wire. */
export interface OutgoingRequest {
  method: string;
  host: string;
  path: string;
  query: string;
  body: string;
}

export interface HttpClientOptions {
  provider: ProviderName;
  baseUrl: string;
  headers: Record<string, string>;
  /** Per-attempt headers computed from the request itself (Token.io's signed JWT). */
  authorize?: (req: OutgoingRequest) => Promise<Record<string, string>>;
  timeoutMs: number;
  /** Extra attempts for retryable requests; 0 disables retries. */
  retries: number;
}

/**
 * The sandbox simulators' `X-Sandbox-Outcome` extension for a payout create (no provider has it;
 * the service refuses a sandbox outcome in live mode, so it never reaches one).
 */
export const sandboxOutcomeHeader = (outcome: string | null | undefined): Record<string, string> =>
  outcome ? { [OUTCOME_HEADER]: outcome.toLowerCase() } : {};

class TransportError extends Error {}

const isTransient = (status: number) => status === 429 || status >= 500;

export class ProviderHttpClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly host: string;
  private readonly basePath: string;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.host = url.host;
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(this.origin, {
      connections: 16,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const attempts = req.retryable ? this.options.retries : 0;
    const policy = retry(
      handleWhen((e) => e instanceof TransportError).orWhenResult((r) =>
        isTransient((r as HttpResponse).status),
      ),
      { maxAttempts: attempts, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }) },
    );
    try {
      return await policy.execute(() => this.once(req));
    } catch (error) {
      if (error instanceof TransportError)
        throw new ProviderUnavailableError(this.options.provider, error.message);
      throw error;
    }
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (Array.isArray(v)) for (const item of v as readonly string[]) search.append(k, item);
      else if (v !== undefined) search.append(k, String(v));
    }
    const qs = search.toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers,
      ...req.headers,
    };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const path = `${this.basePath}${req.path}`;
    if (this.options.authorize) {
      Object.assign(
        headers,
        await this.options.authorize({
          method: req.method,
          host: this.host,
          path,
          query: qs,
          body: payload ?? '',
        }),
      );
    }
    try {
      const res = await this.pool.request({
        method: req.method,
        path: `${path}${qs ? `?${qs}` : ''}`,
        headers,
        body: payload,
      });
      const text = await res.body.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON (a proxy's HTML error page, say): keep the text for the adapter's error mapper.
      }
      return { status: res.statusCode, body };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      throw new TransportError(
        `${this.options.provider} did not answer ${req.method} ${req.path} (${code}).`,
      );
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
