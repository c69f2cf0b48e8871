// The environment, parsed once at boot. A bad value stops the start with a message naming the
// variable. Each provider contributes its own variables (see providers/<name>/index.ts).
import { z } from 'zod';
import { SCOPES } from './context.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { PROVIDER_NAMES, type ProviderName } from './domain/provider.ts';
import { PROVIDER_MODULES } from './providers/registry.ts';
import { DEFAULT_ROUTING } from './services/routing.ts';
import { parseVaultKey } from './state/vault.ts';

/** A variable holding JSON: parsed, or an issue showing the shape expected. */
const json = (example: string) =>
  z.string().transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a JSON object such as ${example}` });
      return z.NEVER;
    }
  });

const apiKeys = json('{"k_ops": ["payouts:read", "payouts:write"]}').pipe(
  z
    .record(z.string().min(1, 'a key must not be empty'), z.array(z.enum(SCOPES)))
    .refine((keys) => Object.keys(keys).length > 0, 'must map at least one key to its scopes'),
);

/** GATEWAY_ROUTING: per currency, providers that pay it, in order of preference. */
const routing = json('{"GBP": ["CASAPAY", "TOKENIO"]}')
  .pipe(
    z.record(
      z.string().regex(/^[A-Z]{3}$/, 'keys are currency codes'),
      z.array(z.enum(PROVIDER_NAMES)).min(1),
    ),
  )
  .superRefine((table, ctx) => {
    for (const [currency, providers] of Object.entries(table)) {
      for (const name of providers) {
        const module = PROVIDER_MODULES.find((m) => m.name === name);
        if (module && !module.capabilities.currencies.includes(currency))
          ctx.addIssue({ code: 'custom', message: `${module.displayName} does not pay ${currency}` });
      }
    }
  });

const base = {
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Defaults to loopback in sandbox mode: GraphiQL there carries a development key with every scope. */
  HOST: z.string().min(1).optional(),
  GATEWAY_MODE: z.enum(['sandbox', 'live']).default('sandbox'),
  REDIS_URL: z.url().optional(),
  GATEWAY_API_KEYS: apiKeys.optional(),
  /** 32 bytes (hex or base64) sealing the bank-account vault; sandbox generates one when unset. */
  GATEWAY_VAULT_KEY: z
    .string()
    .refine(
      (s) => parseVaultKey(s) !== null,
      'must be 32 random bytes as 64 hex characters or base64 (openssl rand -base64 32)',
    )
    .optional(),
  /** Proxies in front of the gateway that append to X-Forwarded-For; 0 uses the socket's peer. */
  GATEWAY_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** Multiplies every provider's poll cadence: 0.01 polls a hundred times as often (demos, tests). */
  GATEWAY_POLL_SCALE: z.coerce.number().min(0.0001).max(100).default(1),
  /** Status events the log keeps for `after` replays (Redis trims approximately). */
  GATEWAY_EVENT_LOG_MAX_LENGTH: z.coerce.number().int().min(100).default(100_000),
  /** GraphQL abuse limits per operation (limits.ts); the defaults admit GraphiQL and every test. */
  GATEWAY_MAX_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxDepth),
  GATEWAY_MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxAliases),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxTokens),
  GATEWAY_MAX_COST: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxCost),
  GATEWAY_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxDirectives),
  /** Requests per API key per window, across instances when state is in Redis; 0 turns it off. */
  GATEWAY_RATE_LIMIT: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.rateLimit),
  GATEWAY_RATE_LIMIT_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(DEFAULT_LIMITS.rateLimitWindowMs),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PROVIDER_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Consecutive failures (no answer, 5xx) that open a provider's circuit. */
  PROVIDER_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open circuit refuses calls before one is let through to test the provider. */
  PROVIDER_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
  /** Requests in flight per provider; as many again may wait, the rest are refused at once. */
  PROVIDER_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(32),
  /**
   * How long a create's outcome stays under its idempotencyKey. Longer than any provider's own
   * window (CasaPay's and Mollie's are 24 hours), so a late retry is still answered by the gateway.
   */
  GATEWAY_IDEMPOTENCY_RETENTION_HOURS: z.coerce
    .number()
    .min(25)
    .max(24 * 365)
    .default(7 * 24),
  GATEWAY_ROUTING: routing.default(() => structuredClone(DEFAULT_ROUTING) as Record<string, ProviderName[]>),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
};

const schema = z.object(Object.assign({}, base, ...PROVIDER_MODULES.map((m) => m.env)) as typeof base);

export type Config = Omit<z.infer<typeof schema>, 'HOST'> & { HOST: string } & Record<string, unknown>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    // Only the variable's name: a deeper path would print an API key from GATEWAY_API_KEYS.
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? '(env)')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data as Config;
  config.HOST ??= config.GATEWAY_MODE === 'sandbox' ? '127.0.0.1' : '0.0.0.0';

  if (config.GATEWAY_MODE === 'live') {
    const problems = [
      ...(config.GATEWAY_API_KEYS ? [] : ['GATEWAY_API_KEYS: required in live mode']),
      ...(!config.GATEWAY_VAULT_KEY
        ? PROVIDER_MODULES.filter((m) => m.usesVault && m.liveSettings(config)).map(
            (m) =>
              `GATEWAY_VAULT_KEY: required in live mode while ${m.displayName} is enabled (its bank accounts are kept encrypted in the gateway)`,
          )
        : []),
      ...PROVIDER_MODULES.flatMap((m) => m.liveProblems?.(config) ?? []),
    ];
    if (problems.length)
      throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return config;
}
