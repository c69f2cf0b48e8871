// GraphQL abuse limits: what one operation may ask for (graphql-armor's depth, alias, token, cost
// and directive limits), what live mode keeps to itself (introspection, field suggestions), and
// how often one API key may call (a fixed window counted in the state store, so the limit holds
// across instances). Each refusal carries a code in `extensions.code`.
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Logger } from './providers/types.ts';
import type { RateLimitStore } from './state/types.ts';

interface Lease {
  /** Hits taken from the shared count that this instance has not let through yet. */
  left: number;
  /** The shared count is past the limit: refuse until the window ends. */
  refused: boolean;
  /** The size of the next block to take in this window. */
  nextBlock: number;
  /** The window's end, on this process's monotonic clock. */
  endsAt: number;
}

interface Taking {
  done: Promise<void>;
  /** Requests that may still wait for this block (its size less the request that took it). */
  room: number;
}

export interface GatewayLimits {
  /** Nesting of fields; fragments add none. The schema has no cycles, so only `__type` goes deep. */
  maxDepth: number;
  maxAliases: number;
  /** Lexer tokens in the document: bounds parsing work before anything else runs. */
  maxTokens: number;
  /** graphql-armor's cost: objects 2, scalars 1, ×1.5 per level, × a literal `first`. */
  maxCost: number;
  maxDirectives: number;
  /** Requests per window per API key; 0 turns the rate limit off. */
  rateLimit: number;
  rateLimitWindowMs: number;
}

// Every operation the tests and GraphiQL send stays well inside these (deepest 6, 2 aliases,
// ~190 tokens for GraphiQL's introspection, which depth and cost do not count). A full page,
// `payouts(first: 100)` with every Payout field, costs about 14,500.
export const DEFAULT_LIMITS: GatewayLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 1000,
  maxCost: 20_000,
  maxDirectives: 50,
  // 100 a second on average: a key is an integration serving many people, not one person.
  rateLimit: 6000,
  rateLimitWindowMs: 60_000,
};

/**
 * armor's own errors say "Syntax Error: …" and carry no code; this reports the same message with
 * one. Validation rules report it (so it joins the other validation errors); the token limit runs
 * inside the lexer, where throwing is the only way out.
 */
function refuse(code: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const coded = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } });
    if (!context) throw coded;
    context.reportError(coded);
  };
}

const armor = (code: string) => ({ onReject: [refuse(code)], propagateOnRejection: false });

/**
 * graphql-js's own rule, on every operation. Yoga's useDisableIntrospection decides per HTTP
 * request, so operations over graphql-ws (which have none) would slip past it.
 */
const noIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Drops graphql-js's "Did you mean …?" from an error's message, in place. armor's
 * block-field-suggestions would do it for validation errors only, and misses "Did you mean the
 * enum value …?"; variable values are checked later, in execute, and suggest input fields too.
 */
export function hideSuggestions<E>(error: E): E {
  if (error instanceof GraphQLError) error.message = error.message.replace(SUGGESTION, '');
  return error;
}

/**
 * graphql-js prints the whole variable value in a coercion error (`Variable "$input" got invalid
 * value { …, accountNumber: "31926819" }; Field "holderName" … was not provided.`): an account
 * number in an error message. Keep the variable, the path and the reason, never the value.
 */
// The reason is graphql-js's own ("Expected …", "Field "…" …"); matching it, rather than the last
// "; ", keeps a value whose field names hold "; " out of the message too.
const VARIABLE_VALUE =
  /^(Variable "\$[^"]+" got invalid value) [\s\S]*?((?: at "[^"]*")?; (?:Expected |Field ")[\s\S]*)$/;

export function hideVariableValues<E>(error: E): E {
  if (error instanceof GraphQLError) error.message = error.message.replace(VARIABLE_VALUE, '$1$2');
  return error;
}

/** Validation errors, on HTTP and graphql-ws alike; server.ts also hides them where errors are masked. */
const noSuggestions: Plugin = {
  onValidate:
    () =>
    ({ valid, result, setResult }) => {
      if (!valid) setResult(result.map(hideSuggestions));
    },
};

/** The envelop plugins; `live` also hides the schema (no introspection, no "Did you mean"). */
export function limitPlugins(limits: GatewayLimits, live: boolean): Plugin[] {
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...armor('TOO_MANY_TOKENS') }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...armor('QUERY_TOO_DEEP') }),
    maxAliasesPlugin({ n: limits.maxAliases, ...armor('TOO_MANY_ALIASES') }),
    costLimitPlugin({ maxCost: limits.maxCost, flattenFragments: true, ...armor('QUERY_TOO_COSTLY') }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...armor('TOO_MANY_DIRECTIVES') }),
    ...(live ? [noIntrospection, noSuggestions] : []),
  ] as Plugin[];
}

/** Largest GraphQL request body: an operation within the token limit, with its variables, is far smaller. */
export const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  createGraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });

/**
 * The GraphQL body limit, in place of yoga's `maxRequestBodySize`, which pipes every body through a
 * web TransformStream: that cost more than all the rest of a `payout(id)` (bench/PROFILING.md).
 * Node's HTTP parser never hands on more bytes than a request's Content-Length, so a declared
 * length is checked and the body read as it is; only a body without one (chunked) is counted while
 * it is read.
 */
export function requestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared))
          throw createGraphQLError('Content-Length header is invalid.', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser(async (req) => {
        const chunks: Uint8Array[] = [];
        let size = 0;
        const reader = req.body!.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          size += read.value.byteLength;
          if (size > maxBytes) {
            await reader.cancel();
            throw tooLarge();
          }
          chunks.push(read.value);
        }
        const body = Buffer.concat(chunks);
        return requestParser(
          new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }),
        );
      });
    },
  };
}

/**
 * The per-API-key limit. Keyed on the principal's id (a hash), so no key reaches the store.
 *
 * Each instance takes hits from the shared count in blocks and lets requests through against them
 * locally, so a busy key costs a state round trip per block, not per request. A block is one hit at
 * first and doubles with each block the instance takes in the window, up to 1% of the limit (rounded
 * up) and at most 100: 60 at the default 6,000, while a quiet key still counts hit by hit. Only hits
 * inside the limit are let through, so however many instances serve a key it never gets more than
 * the limit in a window; what an instance still holds when the window ends is lost, so a key spread
 * over n instances can be refused about n − 1 blocks early. Concurrent requests wait for a block
 * being taken while it has room for them, and take another beside it when it has not (never a queue
 * of round trips). A refusal is remembered until the window ends: refused requests cost no round
 * trip.
 */
export class RateLimiter {
  /** Per principal: what this instance holds in the key's current window. Keys are configured, so few. */
  private readonly leases = new Map<string, Lease>();
  /** Per principal, the block being taken last: requests it has room for wait for it. */
  private readonly taking = new Map<string, Taking>();
  private readonly maxBlock: number;

  constructor(
    private readonly store: RateLimitStore,
    private readonly limits: Pick<GatewayLimits, 'rateLimit' | 'rateLimitWindowMs'>,
    private readonly log: Logger,
  ) {
    this.maxBlock = Math.max(1, Math.min(100, Math.ceil(limits.rateLimit / 100)));
  }

  /** Counts a request; null when it may go ahead, else the seconds until the window ends. */
  async check(principalId: string): Promise<number | null> {
    if (this.limits.rateLimit === 0) return null;
    for (;;) {
      const now = performance.now();
      let lease = this.leases.get(principalId);
      if (lease && lease.endsAt <= now) {
        this.leases.delete(principalId);
        lease = undefined;
      }
      if (lease && lease.left > 0) {
        lease.left -= 1;
        return null;
      }
      if (lease?.refused) return Math.max(1, Math.ceil((lease.endsAt - now) / 1000));
      // Wait for the block being taken if it has room for this request, else take another beside it:
      // concurrent requests are never queued behind one round trip after another.
      let taking = this.taking.get(principalId);
      if (taking && taking.room > 0) taking.room -= 1;
      else taking = this.take(principalId, lease);
      try {
        await taking.done;
      } catch (error) {
        // An abuse control, not a money control: a state outage must not refuse every request.
        this.log.warn({ reason: (error as Error).message }, 'rate limit not checked: the state store failed');
        return null;
      }
    }
  }

  private take(principalId: string, lease: Lease | undefined): Taking {
    const { rateLimit, rateLimitWindowMs } = this.limits;
    const block = lease?.nextBlock ?? 1;
    const next = Math.min(block * 2, this.maxBlock);
    // A block taken beside this one, before it answers, is already the next size.
    if (lease) lease.nextBlock = next;
    const taking: Taking = { room: block - 1, done: Promise.resolve() };
    // The window is timed from the call, not the answer: the store counted after this moment, so
    // this plus the time it reports is never past the window's end there.
    const asked = performance.now();
    taking.done = this.store
      .hit(principalId, rateLimitWindowMs, block)
      .then(({ count, resetInMs }) => {
        // This block is hits count − block + 1 … count of the window; those past the limit are not ours.
        const left = Math.max(0, Math.min(count, rateLimit) - (count - block));
        const endsAt = asked + resetInMs;
        const held = this.leases.get(principalId);
        // Blocks of one window add up; the first block of a new window replaces what was left.
        if (held && Math.abs(held.endsAt - endsAt) < rateLimitWindowMs / 2) {
          held.left += left;
          held.refused ||= left === 0;
          held.nextBlock = Math.max(held.nextBlock, next);
        } else this.leases.set(principalId, { left, refused: left === 0, nextBlock: next, endsAt });
      })
      .finally(() => {
        if (this.taking.get(principalId) === taking) this.taking.delete(principalId);
      });
    this.taking.set(principalId, taking);
    return taking;
  }

  error(retryAfterSeconds: number): GraphQLError {
    const { rateLimit, rateLimitWindowMs } = this.limits;
    return new GraphQLError(
      `Rate limit exceeded: at most ${rateLimit} requests per ${rateLimitWindowMs / 1000} s for this API key. Retry after ${retryAfterSeconds} s.`,
      { extensions: { code: 'RATE_LIMITED', retryAfterSeconds } },
    );
  }
}
