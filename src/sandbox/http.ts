// The small HTTP toolkit every provider simulator is built on: a route table over node:http,
// raw-body reading (webhook signatures and idempotency fingerprints need the exact bytes), a
// request log that tests use to count provider calls, and a start/close handle.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Content type of a JSON body; providers differ (Mollie answers application/hal+json). */
  contentType?: string;
  /** Drop the connection instead of answering (a fault: connection reset). */
  reset?: boolean;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** Path pattern with `:name` segments, e.g. `/v1/payouts/:id/cancel`. */
  pattern: string;
  handler: SimHandler;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string without `?` (batching tests look for `ids=`). */
  query: string;
  status: number;
}

export interface SimulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:4101`. */
  url: string;
  /** Every request served, in order; tests count provider calls with it. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

function compile(pattern: string): (path: string) => Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([a-zA-Z_]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const re = new RegExp(`^${source}/?$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return null;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, out: SimResponse): void {
  if (out.reset) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...out.headers };
  let payload: string | undefined;
  if (out.body !== undefined) {
    payload = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    headers['content-type'] ??= out.contentType ?? 'application/json';
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

export interface StartOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  routes: Route[];
  /** Answer for a path no route matches. */
  notFound: (req: SimRequest) => SimResponse;
  /** Answer for an exception inside a handler (the provider's 500 body). */
  internalError?: (req: SimRequest, error: unknown) => SimResponse;
  /** Served at `/__sandbox/faults` (POST a Fault, GET the pending ones, DELETE them all). */
  faults?: Faults;
}

/** The simulators' fault control endpoint: no provider has it, and the gateway never calls it. */
export const FAULTS_PATH = '/__sandbox/faults';

function faultControl(faults: Faults, req: SimRequest): SimResponse {
  try {
    if (req.method === 'POST') {
      faults.inject(JSON.parse(req.rawBody) as Fault);
      return { status: 201, body: { pending: faults.pending } };
    }
    if (req.method === 'DELETE') faults.clear();
    if (req.method === 'GET' || req.method === 'DELETE')
      return { status: 200, body: { pending: faults.pending } };
    return { status: 405, body: { error: 'use GET, POST or DELETE' } };
  } catch (error) {
    return { status: 400, body: { error: (error as Error).message } };
  }
}

export async function startSimulator(options: StartOptions): Promise<SimulatorHandle> {
  const compiled = options.routes.map((r) => ({ ...r, match: compile(r.pattern) }));
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const base: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        params: {},
        query: url.searchParams,
        headers: req.headers,
        rawBody: await readBody(req),
      };
      let out: SimResponse;
      try {
        const hit = compiled
          .map((r) => ({ r, params: r.method === base.method ? r.match(base.path) : null }))
          .find((x) => x.params);
        if (options.faults && base.path === FAULTS_PATH) out = faultControl(options.faults, base);
        else out = hit ? await hit.r.handler({ ...base, params: hit.params ?? {} }) : options.notFound(base);
      } catch (error) {
        out = options.internalError?.(base, error) ?? { status: 500, body: { error: 'internal' } };
      }
      requests.push({ method: base.method, path: base.path, query: url.search.slice(1), status: out.status });
      send(res, out);
    })();
  });
  // Connections are kept as a provider's API keeps them: with a short timeout, undici (which reuses
  // a socket only with 2 s of its keep-alive left) would open a connection for every call. close()
  // ends the idle ones at once.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** POST a JSON webhook; a simulator's delivery never throws into the code that triggered it. */
export async function deliverWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(5000),
    });
    return res.status;
  } catch {
    return 0;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What a misbehaving provider does to a request (see Fault):
 * - `error`: answers `status` in the provider's own error body, without doing anything (with
 *   `retryAfter` seconds as `Retry-After`; after `delayMs`, if given);
 * - `latency`: waits `delayMs`, then does it and answers (slow provider: past a client's timeout);
 * - `late`: does it at once and answers after `delayMs` (success that arrives after the client gave up);
 * - `reset`: drops the connection without doing anything;
 * - `malformed`: does it, then answers with a cut-off JSON body.
 */
export const FAULT_KINDS = ['error', 'latency', 'late', 'reset', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A misbehaviour for the next `count` requests matching `method` and `pathPrefix`. */
export interface Fault {
  method?: string;
  pathPrefix?: string;
  /** Only requests whose path or query string contains this (one payout's id, say). */
  contains?: string;
  /** Defaults: `error` with a status, else `late` (the oldest form: only a delayMs). */
  kind?: FaultKind;
  status?: number;
  retryAfter?: number;
  delayMs?: number;
  count: number;
}

export class Faults {
  readonly pending: Fault[] = [];

  inject(fault: Fault): void {
    if (!Number.isInteger(fault.count) || fault.count < 1)
      throw new Error('Fault.count must be a positive integer');
    const kind = fault.kind ?? (fault.status !== undefined ? 'error' : 'late');
    if (!FAULT_KINDS.includes(kind)) throw new Error(`Fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (kind === 'error' && (fault.status === undefined || fault.status < 400 || fault.status > 599)) {
      throw new Error('Fault.status must be an HTTP error status (400-599)');
    }
    if ((kind === 'latency' || kind === 'late') && !(Number(fault.delayMs) > 0))
      throw new Error(`A ${kind} fault needs a delayMs`);
    this.pending.push({ ...fault, kind });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The first fault matching this request, counted down (and dropped when used up). */
  take(req: { method: string; path: string; query?: URLSearchParams }): Fault | undefined {
    const target = `${req.path}?${req.query ? decodeURIComponent(req.query.toString()) : ''}`;
    const fault = this.pending.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === req.method) &&
        (f.pathPrefix === undefined || req.path.startsWith(f.pathPrefix)) &&
        (f.contains === undefined || target.includes(f.contains)),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.pending.splice(this.pending.indexOf(fault), 1);
    return fault;
  }

  /** Serves `req` under its fault, if any (`errorFor`: the provider's error answer for a status). */
  async apply(
    req: { method: string; path: string; query?: URLSearchParams },
    errorFor: (status: number) => SimResponse,
    serve: () => SimResponse | Promise<SimResponse>,
  ): Promise<SimResponse> {
    const fault = this.take(req);
    switch (fault?.kind) {
      case undefined:
        return serve();
      case 'error': {
        if (fault.delayMs) await sleep(fault.delayMs);
        const out = errorFor(fault.status!);
        if (fault.retryAfter === undefined) return out;
        return { ...out, headers: { ...out.headers, 'retry-after': String(fault.retryAfter) } };
      }
      case 'reset':
        return { status: 0, reset: true };
      case 'latency':
        await sleep(fault.delayMs!);
        return serve();
      case 'late': {
        const out = await serve();
        await sleep(fault.delayMs!);
        return out;
      }
      case 'malformed': {
        const out = await serve();
        const text = JSON.stringify(out.body ?? {});
        return { ...out, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
      }
    }
  }
}

/** Webhook deliveries in the order their events happened; the triggering request never waits. */
export class DeliveryQueue {
  private tail: Promise<unknown> = Promise.resolve();

  enqueue(deliver: () => Promise<unknown>): void {
    this.tail = this.tail.then(deliver);
  }

  /** Resolves once every delivery queued so far (and any queued meanwhile) has been attempted. */
  async idle(): Promise<void> {
    for (;;) {
      const tail = this.tail;
      await tail;
      if (tail === this.tail) return;
    }
  }
}

/**
 * `X-Sandbox-Outcome`: a sandbox-only request header (no provider has it) naming the outcome a new
 * payout's test-helper advances lead to. The raw value (Node joins a repeated header with ", ",
 * which then reads as unknown), or undefined without the header.
 */
export const OUTCOME_HEADER = 'X-Sandbox-Outcome';

export function outcomeHeader(req: { headers: SimRequest['headers'] }): string | undefined {
  const raw = req.headers[OUTCOME_HEADER.toLowerCase()];
  return Array.isArray(raw) ? raw.join(', ') : raw;
}

/**
 * The outcome asked for: one of `allowed` (`paid` without the header), or the reason it is refused,
 * for the simulator to answer in its provider's own error shape.
 */
export function readSandboxOutcome<T extends string>(
  req: { headers: SimRequest['headers'] },
  allowed: readonly T[],
  unsupported: Readonly<Record<string, string>>,
): { outcome: T } | { refused: string } {
  const value = outcomeHeader(req);
  if (value === undefined) return { outcome: 'paid' as T };
  if ((allowed as readonly string[]).includes(value)) return { outcome: value as T };
  return {
    refused: `'${value}' (${unsupported[value] ?? 'unknown value'}); use one of ${allowed.join(', ')}`,
  };
}
