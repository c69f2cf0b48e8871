// The one list of providers: adding one is a module here (and its folders).
import type { ProviderName } from '../domain/provider.ts';
import { casapay } from './casapay/index.ts';
import type { ProviderModule } from './module.ts';
import { mollie } from './mollie/index.ts';
import { straddle } from './straddle/index.ts';
import { tokenio } from './tokenio/index.ts';

export const PROVIDER_MODULES: readonly ProviderModule[] = [casapay, mollie, tokenio, straddle];

/** Names for people: each module's own, and those of the providers not implemented yet. */
export const DISPLAY_NAMES = Object.fromEntries([
  ...PROVIDER_MODULES.map((m) => [m.name, m.displayName]),
]) as Record<ProviderName, string>;
