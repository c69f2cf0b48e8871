// Transport shared by every adapter: one undici Pool per provider, and around each request the
// resilience a payments API needs. Outermost first: a concurrency cap (a slow provider cannot hold
// every socket and all memory), retries that only re-send what is safe to re-send (reads, cancels,
// creates carrying the provider's idempotency key; `Retry-After` honoured), a circuit breaker
// (after a run of failures calls fail fast instead of piling up), and a timeout per attempt
// (undici's defaults are 300 s). A failure says whether the request may have been carried out
// (`inDoubt`), which is what decides that a create is looked up rather than reported as failed.
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type BulkheadPolicy,
  type RetryPolicy,
} from 'cockatiel';
import { Pool } from 'undici';
import type { z } from 'zod';
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
  /** `Retry-After` in milliseconds, where the provider sent one. */
  retryAfterMs?: number;
}

/** What a request-signing scheme signs: exactly the bytes and target that go on the wire. */
export interface OutgoingRequest {
  method: string;
  host: string;
  path: string;
  query: string;
  body: string;
}

/** Per provider; from PROVIDER_TIMEOUT_MS, PROVIDER_RETRIES, PROVIDER_BREAKER_*, PROVIDER_MAX_CONCURRENCY. */
export interface TransportSettings {
  /** One attempt, from sending to the whole answer. */
  timeoutMs: number;
  /** Extra attempts for retryable requests; 0 disables retries. */
  retries: number;
  /** Consecutive failures (no answer, or a 5xx) that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit refuses calls before letting one through to test the provider. */
  breakerHalfOpenMs: number;
  /** Requests in flight at once; up to as many again wait, the rest are refused at once. */
  maxConcurrency: number;
}

export interface HttpClientOptions extends TransportSettings {
  provider: ProviderName;
  baseUrl: string;
  headers: Record<string, string>;
  /** Per-attempt headers computed from the request itself (Token.io's signed JWT). */
  authorize?: (req: OutgoingRequest) => Promise<Record<string, string>>;
}

/** What `providers { health }` shows: the breaker, and how the last requests went. */
export interface TransportHealth {
  circuit: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  /** Requests waiting for an answer now. */
  inFlight: number;
  /** Attempts remembered (the last 200), and how many of them failed. */
  samples: number;
  failures: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  lastFailure: { at: Date; reason: string } | null;
}

/**
 * The sandbox simulators' `X-Sandbox-Outcome` extension for a payout create (no provider has it;
 * the service refuses a sandbox outcome in live mode, so it never reaches one).
 */
export const sandboxOutcomeHeader = (outcome: string | null | undefined): Record<string, string> =>
  outcome ? { [OUTCOME_HEADER]: outcome.toLowerCase() } : {};

/** No (readable) answer. `sent`: the request may have reached the provider. */
class TransportError extends Error {
  constructor(
    message: string,
    readonly sent: boolean,
  ) {
    super(message);
  }
}

const isTransient = (status: number) => status === 429 || status >= 500;
/** Answers that say nothing about whether the request was carried out (503 and 429 say it was not). */
const DOUBTFUL = new Set([500, 502, 504]);
/** Errors raised before a byte was sent: the provider cannot have acted on the request. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const LATENCY_WINDOW = 200;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : null;

/** Retries a transport error or a transient answer, waiting out a Retry-After that fits an attempt. */
function retryPolicy(maxAttempts: number, timeoutMs: number): RetryPolicy {
  // A Retry-After longer than an attempt may take is not waited out inside one GraphQL request.
  const waitable = (r: HttpResponse) => (r.retryAfterMs ?? 0) <= timeoutMs;
  return retry(
    handleWhen((e) => e instanceof TransportError).orWhenResult(
      (r) => isTransient((r as HttpResponse).status) && waitable(r as HttpResponse),
    ),
    {
      maxAttempts,
      backoff: new DelegateBackoff((context) => {
        const result = context.result as { value?: HttpResponse };
        const exponential = Math.min(1000, 50 * 2 ** (context.attempt - 1));
        return result.value?.retryAfterMs ?? exponential;
      }),
    },
  );
}

export class ProviderHttpClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly host: string;
  private readonly basePath: string;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly cap: BulkheadPolicy;
  /** For requests marked retryable, and for the rest (one attempt). */
  private readonly retrying: RetryPolicy;
  private readonly single: RetryPolicy;
  private readonly latencies: { ms: number; failed: boolean }[] = [];
  private lastFailure: TransportHealth['lastFailure'] = null;
  private openedAt: number | null = null;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.host = url.host;
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(this.origin, {
      connections: options.maxConcurrency,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    // A 4xx is the provider working as specified; only silence and 5xx count against it.
    this.breaker = circuitBreaker(
      handleWhen((e) => e instanceof TransportError).orWhenResult((r) => (r as HttpResponse).status >= 500),
      { halfOpenAfter: options.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
    );
    this.breaker.onBreak(() => (this.openedAt = Date.now()));
    this.breaker.onReset(() => (this.openedAt = null));
    this.cap = bulkhead(options.maxConcurrency, options.maxConcurrency);
    // Built once: a retry policy holds no state of its own between executions.
    this.retrying = retryPolicy(options.retries, options.timeoutMs);
    this.single = retryPolicy(0, options.timeoutMs);
  }

  get provider(): ProviderName {
    return this.options.provider;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const { provider } = this.options;
    const policy = req.retryable ? this.retrying : this.single;
    try {
      return await this.cap.execute(() => policy.execute(() => this.breaker.execute(() => this.timed(req))));
    } catch (error) {
      if (error instanceof TransportError)
        throw new ProviderUnavailableError(provider, error.message, {
          inDoubt: error.sent && req.method !== 'GET',
        });
      if (error instanceof BrokenCircuitError)
        throw new ProviderUnavailableError(
          provider,
          `${provider} is failing: the gateway stopped calling it for a while (circuit open).`,
        );
      if (error instanceof BulkheadRejectedError)
        throw new ProviderUnavailableError(
          provider,
          `Too many requests to ${provider} in flight; retry shortly.`,
        );
      throw error;
    }
  }

  /**
   * Sends `req` and reads a success as `schema`, or turns the answer into the adapter's typed error
   * (`toError`). A success the gateway cannot read, or an indeterminate 5xx, is a failure in doubt.
   */
  async call<S extends z.ZodType>(
    req: HttpRequest,
    schema: S,
    toError: (res: HttpResponse) => Error,
  ): Promise<z.infer<S>> {
    const res = await this.send(req);
    const write = req.method !== 'GET';
    if (res.status >= 200 && res.status < 300) {
      const parsed = schema.safeParse(res.body);
      if (parsed.success) return parsed.data;
      throw new ProviderUnavailableError(
        this.provider,
        `${this.provider} answered ${req.method} ${req.path} with a body the gateway cannot read.`,
        { inDoubt: write },
      );
    }
    const error = toError(res);
    if (error instanceof ProviderUnavailableError && write && DOUBTFUL.has(res.status))
      throw new ProviderUnavailableError(this.provider, error.message, { inDoubt: true });
    throw error;
  }

  health(): TransportHealth {
    const sorted = this.latencies.map((l) => l.ms).sort((a, b) => a - b);
    const state = this.breaker.state;
    // cockatiel moves to half-open on the first call after the break; until then it reads open.
    const testing =
      state === CircuitState.HalfOpen ||
      (state === CircuitState.Open &&
        this.openedAt !== null &&
        Date.now() - this.openedAt >= this.options.breakerHalfOpenMs);
    return {
      circuit: state === CircuitState.Closed ? 'CLOSED' : testing ? 'HALF_OPEN' : 'OPEN',
      inFlight: this.options.maxConcurrency - this.cap.executionSlots,
      samples: sorted.length,
      failures: this.latencies.filter((l) => l.failed).length,
      latencyP50Ms: percentile(sorted, 0.5),
      latencyP95Ms: percentile(sorted, 0.95),
      lastFailure: this.lastFailure,
    };
  }

  /** One attempt, measured for health(). */
  private async timed(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    let failure: string | null = null;
    try {
      const res = await this.once(req);
      if (res.status >= 500) failure = `HTTP ${res.status}`;
      return res;
    } catch (error) {
      failure = (error as Error).message;
      throw error;
    } finally {
      this.latencies.push({ ms: Math.round(performance.now() - started), failed: failure !== null });
      if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
      if (failure) this.lastFailure = { at: new Date(), reason: failure };
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
    let res;
    let text: string;
    // The whole attempt, headers and body: undici's own timers are coarse below a second. A plain
    // timer, cleared on the answer: AbortSignal.timeout() costs several times more per call.
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('The attempt timed out.', 'TimeoutError')),
      this.options.timeoutMs,
    );
    try {
      res = await this.pool.request({
        method: req.method,
        path: `${path}${qs ? `?${qs}` : ''}`,
        headers,
        body: payload,
        signal: abort.signal,
      });
      text = await res.body.text();
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      throw new TransportError(
        `${this.options.provider} did not answer ${req.method} ${req.path} (${code}).`,
        !NOT_SENT.has(code),
      );
    } finally {
      clearTimeout(timer);
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A success must be JSON: a cut-off or garbled one is no answer (and may hide a done create).
      if (res.statusCode >= 200 && res.statusCode < 300)
        throw new TransportError(
          `${this.options.provider} answered ${req.method} ${req.path} with malformed JSON.`,
          true,
        );
      // Not JSON (a proxy's HTML error page, say): keep the text for the adapter's error mapper.
    }
    const wait = retryAfterMs(res.headers['retry-after']);
    return { status: res.statusCode, body, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
