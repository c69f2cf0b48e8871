// The one list of providers. Token.io and Straddle are named in the schema already; they are
// reported as not implemented until their modules land here.
import type { ProviderName } from '../domain/provider.ts';
import { casapay } from './casapay/index.ts';
import type { ProviderModule } from './module.ts';
import { mollie } from './mollie/index.ts';

export const PROVIDER_MODULES: readonly ProviderModule[] = [casapay, mollie];

/** Names for people: each module's own, and those of the providers not implemented yet. */
export const DISPLAY_NAMES = Object.fromEntries([
  ['TOKENIO', 'Token.io'],
  ['STRADDLE', 'Straddle'],
  ...PROVIDER_MODULES.map((m) => [m.name, m.displayName]),
]) as Record<ProviderName, string>;
