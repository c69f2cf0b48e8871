// createGateway(deps): the yoga instance (tests call `yoga.fetch`), its HTTP routes beside
// /graphql, and an HTTP server around it. Everything it needs is passed in, so tests and main
// build it the same way.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, maskError, shouldRenderGraphiQL, type Plugin } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import { RequestCache } from '@pothos/plugin-scope-auth';
import { WebSocketServer } from 'ws';
import type { ApiKeys } from './auth.ts';
import { executionContext, type GatewayContext } from './context.ts';
import { GatewayError, ValidationError } from './domain/errors.ts';
import { isProviderName, type ProviderName } from './domain/provider.ts';
import { Poller } from './events/poller.ts';
import { WebhookIngest, type WebhookVerifier } from './events/webhooks.ts';
import {
  DEFAULT_LIMITS,
  hideSuggestions,
  hideVariableValues,
  limitPlugins,
  MAX_GRAPHQL_BODY_BYTES,
  RateLimiter,
  requestBodyLimit,
  type GatewayLimits,
} from './limits.ts';
import { schema } from './schema/index.ts';
import { GatewayService, type Principal } from './services/gateway.ts';
import { AdapterRegistry } from './services/registry.ts';
import type { RoutingTable } from './services/routing.ts';
import { sharedEventExecution } from './events/shared-execution.ts';
import type { Logger, PayoutProviderAdapter } from './providers/types.ts';
import type { StateStore } from './state/types.ts';

export type { WebhookVerifier };

export interface GatewayDeps {
  adapters: PayoutProviderAdapter[];
  state: StateStore;
  apiKeys: ApiKeys;
  /** GraphiQL (sandbox only), with headers preset for the development key. */
  graphiql: false | { headers?: string };
  webhooks: Partial<Record<ProviderName, WebhookVerifier>>;
  log: Logger;
  /** See ServiceOptions.leaseSeconds. */
  idempotencyLeaseSeconds: number;
  /** See ServiceOptions.retentionSeconds. */
  idempotencyRetentionSeconds: number;
  /** See ServiceOptions.doubtSettleMs. */
  doubtSettleMs: number;
  /** See ServiceOptions.digest. */
  digest?: (text: string) => string;
  /** See ServiceOptions.sandbox. */
  sandbox?: boolean;
  /** How many proxies in front of the gateway append to X-Forwarded-For (GATEWAY_TRUSTED_PROXIES). */
  trustedProxies?: number;
  /** Multiplies every provider's poll cadence (GATEWAY_POLL_SCALE); the schedule uses it either way. */
  pollScale: number;
  /** GATEWAY_ROUTING; DEFAULT_ROUTING when absent. */
  routing?: RoutingTable;
  /** The poller (events/poller.ts); off for an instance that must not poll (some tests). */
  poller: false | { tickMs: number; leaseMs: number };
  /** GraphQL abuse limits (limits.ts); DEFAULT_LIMITS when not given. */
  limits?: GatewayLimits;
  now?: () => number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const PING_TIMEOUT_MS = 3000;
const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** 'ok' or 'unavailable'; /readyz is unauthenticated, so the reason goes to the log only. */
async function probe(name: string, check: () => Promise<void>, log: Logger): Promise<string> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS).unref()),
    ]);
    return 'ok';
  } catch (error) {
    log.warn({ check: name, reason: (error as Error).message }, 'readiness check failed');
    return 'unavailable';
  }
}

/**
 * The principal routes() found for a /graphql request, for the context to reuse (a key is hashed
 * once per request). Values are the configured principals, long-lived: nothing young is kept here.
 */
const authenticated = new WeakMap<Request, Principal>();

function routes(
  deps: GatewayDeps,
  registry: AdapterRegistry,
  webhooks: WebhookIngest,
  limiter: RateLimiter,
): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname === '/readyz') {
        const checks: Record<string, string> = {
          state: await probe('state', () => deps.state.ping(), deps.log),
        };
        const results = await Promise.all(
          registry.enabled().map(async (a) => [a.name, await probe(a.name, () => a.ping(), deps.log)]),
        );

        Object.assign(checks, Object.fromEntries(results));
        const ready = Object.values(checks).every((c) => c === 'ok');
        return endResponse(json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks }));
      }
      const hook = /^\/webhooks\/([a-z]+)$/.exec(url.pathname);
      if (hook) {
        const name = hook[1]!.toUpperCase();
        if (!isProviderName(name) || !webhooks.accepts(name))
          return endResponse(json(404, { error: 'no webhook endpoint for this provider' }));
        if (request.method !== 'POST')
          return endResponse(json(405, { error: 'POST only' }, { allow: 'POST' }));
        // A public route: no provider sends a payout event anywhere near this size.
        if (Number(request.headers.get('content-length') ?? 0) > MAX_WEBHOOK_BYTES)
          return endResponse(json(413, { error: 'body too large' }));
        const raw = await request.text();
        if (Buffer.byteLength(raw) > MAX_WEBHOOK_BYTES)
          return endResponse(json(413, { error: 'body too large' }));
        // Verified on the raw bytes (events/webhooks.ts); answered once recorded.
        const answer = await webhooks.receive(name, raw, request.headers);
        return endResponse(json(answer.status, answer.body));
      }
      if (url.pathname === '/graphql') {
        if (deps.graphiql && shouldRenderGraphiQL(request)) return;
        const principal = deps.apiKeys.authenticate(request.headers.get('authorization'));
        if (principal) authenticated.set(request, principal);
        else {
          return endResponse(
            json(
              401,
              {
                errors: [
                  {
                    message: 'A valid API key is required: Authorization: Bearer <key>.',
                    extensions: { code: 'UNAUTHENTICATED' },
                  },
                ],
              },
              { 'www-authenticate': 'Bearer' },
            ),
          );
        }
        // Counted before parsing, so a refused request costs at most a state round trip and nothing more.
        const retryAfter = await limiter.check(principal.id);
        if (retryAfter !== null) {
          return endResponse(
            json(
              429,
              { errors: [limiter.error(retryAfter).toJSON()] },
              { 'retry-after': String(retryAfter) },
            ),
          );
        }
      }
    },
  };
}

/**
 * Queries and mutations run with a context holding only the GatewayContext fields, and Pothos's
 * per-request state (DataLoaders, scope results) is emptied once they are done. Pothos keeps that
 * state in WeakMaps keyed by the context, and V8 (Node 20) copies such an entry's value at the next
 * young-generation GC even when its key is already dead. Keyed by yoga's context, that value reached
 * the whole request (Node's req/res, the parsed request, the payouts), so every request since the
 * last GC was copied and promoted: about 1 MB per scavenge and 5 ms pauses at one connection
 * (bench/PROFILING.md, third pass).
 */
function ownExecutionContext(): Plugin<GatewayContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const context = executionContext(args.contextValue);
      setExecuteFn((execArgs) => executeFn({ ...execArgs, contextValue: context }));
      return {
        onExecuteDone() {
          clearAllDataLoaders(context);
          RequestCache.clearForContext(context);
        },
      };
    },
  };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The end user's IPv4 address. Behind `trustedProxies` proxies, the address the outermost of them
 * saw (X-Forwarded-For, counted from the right: entries further left are the client's to write);
 * with none, the socket's peer. Null when it is not IPv4.
 */
function clientIpOf(
  request: Request,
  req: IncomingMessage | undefined,
  trustedProxies: number,
): string | null {
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const candidates =
    trustedProxies > 0
      ? [hops[hops.length - trustedProxies]]
      : [req?.socket.remoteAddress?.replace(/^::ffff:/, '')];
  return candidates.find((ip) => ip && IPV4.test(ip) && ip.split('.').every((o) => Number(o) <= 255)) ?? null;
}

/** Query-side GatewayErrors reach the client typed (code, field); anything else stays masked. */
function exposeGatewayErrors(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof GatewayError && error instanceof GraphQLError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: {
        code: original.code,
        ...(original instanceof ValidationError ? { field: original.field } : {}),
        // Which provider failed (ProviderUnavailableError, ProviderRejectedError).
        ...('provider' in original ? { provider: original.provider } : {}),
      },
    });
  }
  return maskError(error, message, isDev);
}

export function createGateway(deps: GatewayDeps) {
  const registry = new AdapterRegistry(deps.adapters);
  const now = deps.now ?? Date.now;
  const gateway = new GatewayService(registry, deps.state, {
    leaseSeconds: deps.idempotencyLeaseSeconds,
    retentionSeconds: deps.idempotencyRetentionSeconds,
    doubtSettleMs: deps.doubtSettleMs,
    log: deps.log,
    sandbox: deps.sandbox ?? false,
    pollScale: deps.pollScale,
    ...(deps.routing ? { routing: deps.routing } : {}),
    now,
    ...(deps.digest ? { digest: deps.digest } : {}),
  });
  const webhooks = new WebhookIngest({
    registry,
    tracker: gateway.tracker,
    events: deps.state.events,
    verifiers: deps.webhooks,
    log: deps.log,
    now,
  });
  const poller = deps.poller
    ? new Poller({
        events: deps.state.events,
        registry,
        tracker: gateway.tracker,
        doubts: gateway.idempotency,
        log: deps.log,
        tickMs: deps.poller.tickMs,
        leaseMs: deps.poller.leaseMs,
        now,
      })
    : null;
  poller?.start();
  const contextFor = (principal: Principal | null, clientIp: string | null): GatewayContext => ({
    principal,
    gateway,
    granted: new WeakSet(),
    clientIp,
  });
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const limiter = new RateLimiter(deps.state.rateLimits, limits, deps.log);
  const yoga = createYoga<object, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: deps.graphiql
      ? {
          title: 'Payout Gateway (sandbox)',
          ...deps.graphiql,
          // GraphiQL subscribes over SSE with GET, which the CSRF check below wants a header on.
          additionalHeaders: { 'x-graphql-yoga-csrf': 'graphiql' },
        }
      : false,
    // One operation per request (yoga's default, stated): a JSON array body is refused with 400, so
    // no one request can carry many operations past the per-operation limits and the rate limit.
    batching: false,
    // Enforced by requestBodyLimit (limits.ts), which costs nothing for a body with a Content-Length.
    maxRequestBodySize: false,
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const shown = hideVariableValues(exposeGatewayErrors(error, message, isDev));
        return deps.sandbox ? shown : hideSuggestions(shown);
      },
    },
    // Masked errors reach the operator's log in full; clients see only "Unexpected error.".
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => deps.log.warn({ detail: args }, 'graphql warning'),
      error: (...args: unknown[]) => deps.log.error({ err: args[0], detail: args.slice(1) }, 'graphql error'),
    },
    plugins: [
      routes(deps, registry, webhooks, limiter),
      // A GET, or a POST a browser form could send (form or text/plain), must carry
      // `x-graphql-yoga-csrf`: such a request cannot be forged cross-site without a CORS preflight.
      useCSRFPrevention(),
      requestBodyLimit(MAX_GRAPHQL_BODY_BYTES),
      ...limitPlugins(limits, !deps.sandbox),
      // A status event is executed once per query and API key, not once per subscriber.
      sharedEventExecution((context) => (context as GatewayContext).principal?.id ?? null),
      ownExecutionContext(),
    ],
    context: (initial: {
      request?: Request;
      req?: IncomingMessage;
      connectionParams?: Record<string, unknown>;
    }) =>
      initial.request
        ? contextFor(
            authenticated.get(initial.request) ??
              deps.apiKeys.authenticate(initial.request.headers.get('authorization')),
            clientIpOf(initial.request, initial.req, deps.trustedProxies ?? 0),
          )
        : // graphql-ws: browsers cannot set headers on a WebSocket, so the key comes in connectionParams.
          contextFor(deps.apiKeys.authenticate(authorizationParam(initial.connectionParams)), null),
  });
  let server: Server | null = null;
  let sockets: WebSocketServer | null = null;
  return {
    yoga,
    registry,
    gateway,
    webhooks,
    poller,
    async listen(port: number, host: string): Promise<string> {
      server = createServer(yoga);
      sockets = new WebSocketServer({ server, path: '/graphql' });
      serveWebSockets(yoga, sockets, deps, limiter);
      await new Promise<void>((resolve) => server!.listen(port, host, resolve));
      const { port: bound } = server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
    },
    async close(): Promise<void> {
      await poller?.stop();
      for (const socket of sockets?.clients ?? []) socket.terminate();
      sockets?.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await registry.close();
      await deps.state.close();
    },
  };
}

function authorizationParam(params: Record<string, unknown> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql, through yoga's envelop so that the schema,
 * context and plugins are the ones HTTP uses. A connection without a valid key is refused (4403).
 */
function serveWebSockets(
  yoga: ReturnType<typeof createYoga<object, GatewayContext>>,
  sockets: WebSocketServer,
  deps: GatewayDeps,
  limiter: RateLimiter,
) {
  type Root = { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown };
  useServer(
    {
      onConnect: (ctx) => Boolean(deps.apiKeys.authenticate(authorizationParam(ctx.connectionParams))),
      execute: (args) => (args.rootValue as Root).execute(args) as never,
      subscribe: (args) => (args.rootValue as Root).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        // Each operation on a socket counts as one request of its key (onConnect checked the key).
        const principal = deps.apiKeys.authenticate(authorizationParam(ctx.connectionParams));
        const retryAfter = principal ? await limiter.check(principal.id) : null;
        if (retryAfter !== null) return [limiter.error(retryAfter)];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          // A syntax error ends this operation only, not the client's other subscriptions.
          return [error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed.')];
        }
        const args: ExecutionArgs = {
          schema,
          operationName: params.operationName ?? null,
          document,
          variableValues: params.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    sockets,
  );
}

export type Gateway = ReturnType<typeof createGateway>;
