// What the registry knows about each provider: its environment, how to build its adapter, how to
// start its sandbox simulator, and how to verify its webhooks. Adding a provider = one of these.
import type { z } from 'zod';
import type { SimulatorHandle } from '../sandbox/http.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { Logger, PayoutProviderAdapter, ProviderCapabilities } from './types.ts';

export interface ProviderSettings {
  apiKey: string;
  /**
   * A second credential, for providers where one API refuses the key: Mollie's Balances API takes
   * only organisation access tokens.
   */
  accessToken?: string | null;
  baseUrl: string;
  webhookSecret: string | null;
}

/** The credentials of one sandbox account. */
export type SandboxCredentials = Pick<ProviderSettings, 'apiKey' | 'accessToken'>;

export interface AdapterDeps {
  log: Logger;
  timeoutMs: number;
  retries: number;
}

export interface SandboxSimulator extends SimulatorHandle {
  setWebhook(target: { url: string; secret: string } | null): void;
  idle(): Promise<void>;
}

export interface ProviderModule<Env extends z.ZodRawShape = z.ZodRawShape> {
  name: ProviderName;
  displayName: string;
  capabilities: ProviderCapabilities;
  /** The environment variables this provider reads (merged into the gateway's config schema). */
  env: Env;
  /** Live-mode settings, or null when its credentials are not set (the provider is then disabled). */
  liveSettings(env: z.infer<z.ZodObject<Env>>): ProviderSettings | null;
  /** Live-mode rules across variables, as "VARIABLE: why" lines (empty when the env is fine). */
  liveProblems?(env: z.infer<z.ZodObject<Env>>): string[];
  sandbox: {
    /** Port `npm run sandbox` uses. */
    port: number;
    start(port: number): Promise<SandboxSimulator>;
    /** Credentials in the provider's test format; each account is its own, seeded on first use. */
    credentials(env: z.infer<z.ZodObject<Env>>): SandboxCredentials;
  };
  createAdapter(settings: ProviderSettings, deps: AdapterDeps): PayoutProviderAdapter;
  /** Verifies a webhook on its raw body; true when the signature holds. */
  verifyWebhook(rawBody: string, headers: Headers, secret: string, nowMs: number): boolean;
}
