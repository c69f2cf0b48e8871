// Wires one gateway instance from a parsed config: state, providers (live, or sandbox simulators
// started in-process on loopback), keys, HTTP. main.ts and the tests both start it this way.
import { randomBytes } from 'node:crypto';
import { ApiKeys, developmentKey } from './auth.ts';
import type { Config } from './config.ts';
import type { ProviderName } from './domain/provider.ts';
import type {
  ProviderModule,
  ProviderSettings,
  SandboxCredentials,
  SandboxSimulator,
} from './providers/module.ts';
import { PROVIDER_MODULES } from './providers/registry.ts';
import type { Logger, PayoutProviderAdapter } from './providers/types.ts';
import { createGateway, type WebhookVerifier } from './server.ts';
import { createMemoryState } from './state/memory.ts';
import { createRedisState } from './state/redis.ts';
import type { StateStore } from './state/types.ts';
import { generateVaultKey, parseVaultKey, Vault } from './state/vault.ts';

export interface AppOptions {
  /** Redis key prefix, so parallel test runs never share state. */
  statePrefix?: string;
  /** Starts no poller (a test that must see webhooks alone, or a second instance that only serves). */
  noPoller?: boolean;
  now?: () => number;
}

async function openState(config: Config, log: Logger, prefix?: string): Promise<StateStore> {
  const options = { logMaxLength: config.GATEWAY_EVENT_LOG_MAX_LENGTH };
  if (config.REDIS_URL) return createRedisState(config.REDIS_URL, prefix, options);
  log.warn({}, 'REDIS_URL is not set: state is in memory and serves this one instance only');
  return createMemoryState(options);
}

interface Sandbox {
  simulators: Map<ProviderName, SandboxSimulator>;
  /** Each provider's sandbox account credentials, so a developer can curl the same data. */
  credentials: Map<ProviderName, SandboxCredentials>;
}

async function providerSettings(
  module: ProviderModule,
  config: Config,
  sandbox: Sandbox,
): Promise<ProviderSettings | null> {
  if (config.GATEWAY_MODE === 'live') return module.liveSettings(config);
  const simulator = await module.sandbox.start(0);
  const credentials = module.sandbox.credentials(config);
  sandbox.simulators.set(module.name, simulator);
  sandbox.credentials.set(module.name, credentials);
  return {
    ...credentials,
    baseUrl: simulator.url,
    sandbox: true,
    webhookSecret: module.capabilities.webhooks ? `whsec_${randomBytes(16).toString('hex')}` : null,
  };
}

/** Live mode refuses to start without a key (config.ts); the sandbox makes one up, and says so. */
function vaultKey(config: Config, log: Logger): Buffer {
  const key = config.GATEWAY_VAULT_KEY ? parseVaultKey(config.GATEWAY_VAULT_KEY) : null;
  if (key) return key;
  log.warn(
    {},
    'GATEWAY_VAULT_KEY is not set: generated a key for this run; vault records (Token.io bank accounts) cannot be read after a restart',
  );
  return generateVaultKey();
}

/** The poller checks its schedule often enough for the fastest cadence, and at least every second. */
function pollerSettings(config: Config) {
  const fastest = Math.min(...PROVIDER_MODULES.map((m) => m.capabilities.pollCadence.initialMs));
  return {
    tickMs: Math.max(20, Math.min(1000, Math.round(fastest * config.GATEWAY_POLL_SCALE))),
    // A claimed payout is this instance's for as long as its provider call can take with retries.
    leaseMs: 2 * config.PROVIDER_TIMEOUT_MS * (config.PROVIDER_RETRIES + 1) + 5000,
  };
}

export async function startApp(config: Config, log: Logger, options: AppOptions = {}) {
  const state = await openState(config, log, options.statePrefix);
  const sandbox: Sandbox = { simulators: new Map(), credentials: new Map() };
  const { simulators } = sandbox;
  const adapters: PayoutProviderAdapter[] = [];
  const webhooks: Partial<Record<ProviderName, WebhookVerifier>> = {};
  const secrets = new Map<ProviderName, string>();
  const deps = {
    log,
    transport: {
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
      retries: config.PROVIDER_RETRIES,
      breakerThreshold: config.PROVIDER_BREAKER_THRESHOLD,
      breakerHalfOpenMs: config.PROVIDER_BREAKER_HALF_OPEN_MS,
      maxConcurrency: config.PROVIDER_MAX_CONCURRENCY,
    },
    records: state.records,
    vault: new Vault(vaultKey(config, log)),
  };
  for (const module of PROVIDER_MODULES) {
    const settings = await providerSettings(module, config, sandbox);
    if (!settings) {
      log.info({ provider: module.name }, 'provider disabled: its credentials are not set');
      continue;
    }
    adapters.push(module.createAdapter(settings, deps));
    const secret = settings.webhookSecret;
    if (secret) {
      secrets.set(module.name, secret);
      webhooks[module.name] = (raw, headers, now) => module.verifyWebhook(raw, headers, secret, now);
    }
  }

  const dev = config.GATEWAY_API_KEYS ? null : developmentKey();
  const keys = config.GATEWAY_API_KEYS ?? dev!.keys;
  const short = Object.keys(keys).filter((k) => k.length < 16).length;
  if (short) log.warn({ keys: short }, 'some API keys are shorter than 16 characters: easy to guess');
  const gateway = createGateway({
    adapters,
    state,
    apiKeys: new ApiKeys(keys),
    graphiql:
      config.GATEWAY_MODE === 'sandbox'
        ? { headers: dev ? JSON.stringify({ Authorization: `Bearer ${dev.key}` }) : undefined }
        : false,
    webhooks,
    log,
    // Each attempt may spend the timeout on connect, headers and body, plus up to 1 s of backoff;
    // a create may take one attempt more than its retries (Token.io's POST, then its refId lookup).
    idempotencyLeaseSeconds:
      Math.ceil((3 * config.PROVIDER_TIMEOUT_MS * (config.PROVIDER_RETRIES + 2)) / 1000) +
      config.PROVIDER_RETRIES +
      10,
    digest: (text) => deps.vault.digest(text),
    idempotencyRetentionSeconds: Math.round(config.GATEWAY_IDEMPOTENCY_RETENTION_HOURS * 3600),
    // A provider still working on a create whose answer was lost shows it well within this.
    doubtSettleMs: Math.max(250, 2 * config.PROVIDER_TIMEOUT_MS),
    sandbox: config.GATEWAY_MODE === 'sandbox',
    trustedProxies: config.GATEWAY_TRUSTED_PROXIES,
    pollScale: config.GATEWAY_POLL_SCALE,
    routing: config.GATEWAY_ROUTING,
    poller: options.noPoller ? false : pollerSettings(config),
    limits: {
      maxDepth: config.GATEWAY_MAX_DEPTH,
      maxAliases: config.GATEWAY_MAX_ALIASES,
      maxTokens: config.GATEWAY_MAX_TOKENS,
      maxCost: config.GATEWAY_MAX_COST,
      maxDirectives: config.GATEWAY_MAX_DIRECTIVES,
      rateLimit: config.GATEWAY_RATE_LIMIT,
      rateLimitWindowMs: config.GATEWAY_RATE_LIMIT_WINDOW_MS,
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const url = await gateway.listen(config.PORT, config.HOST);
  for (const [name, simulator] of simulators) {
    simulator.setWebhook({ url: `${url}/webhooks/${name.toLowerCase()}`, secret: secrets.get(name)! });
  }
  return {
    url,
    gateway,
    state,
    simulators,
    sandboxCredentials: sandbox.credentials,
    webhookSecrets: secrets,
    developmentKey: dev?.key ?? null,
    async close() {
      await gateway.close();
      await Promise.all([...simulators.values()].map((s) => s.close()));
    },
  };
}

export type App = Awaited<ReturnType<typeof startApp>>;
