// What the registry knows about each provider: its environment, how to build its adapter, how to
// start its sandbox simulator, and how to verify its webhooks. Adding a provider = one of these.
import type { z } from 'zod';
import type { SimulatorHandle } from '../sandbox/http.ts';
import type { TransportSettings } from './http.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { RecordStore } from '../state/types.ts';
import type { Vault } from '../state/vault.ts';
import type { Logger, PayoutProviderAdapter, ProviderCapabilities } from './types.ts';

/** A private key that signs each request (Token.io's production auth). */
export interface RequestSigningKey {
  memberId: string;
  keyId: string;
  privateKeyPem: string;
}

export interface ProviderSettings {
  /** Null where the provider authenticates by signing requests instead (Token.io live). */
  apiKey: string | null;
  /**
   * A second credential, for providers where one API refuses the key: Mollie's Balances API takes
   * only organisation access tokens.
   */
  accessToken?: string | null;
  signing?: RequestSigningKey | null;
  /** Sent where a provider acts for a sub-merchant (Token.io's `onBehalfOfId`). */
  onBehalfOfId?: string | null;
  baseUrl: string;
  webhookSecret: string | null;
  /** The base URL is the provider's sandbox simulator: its test helpers can drive payouts. */
  sandbox?: boolean;
}

/** The credentials of one sandbox account. */
export type SandboxCredentials = Pick<ProviderSettings, 'apiKey' | 'accessToken'>;

export interface AdapterDeps {
  log: Logger;
  transport: TransportSettings;
  /** The gateway's own state, for what a provider does not keep (Token.io's beneficiaries). */
  records: RecordStore;
  vault: Vault;
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
  /** Keeps bank accounts in the gateway's vault: live mode then needs GATEWAY_VAULT_KEY. */
  usesVault?: boolean;
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
