// The one list of providers. Straddle is named in the schema already; it is reported as not
// implemented until its module lands here.
import type { ProviderName } from '../domain/provider.ts';
import { casapay } from './casapay/index.ts';
import type { ProviderModule } from './module.ts';
import { mollie } from './mollie/index.ts';
import { tokenio } from './tokenio/index.ts';

export const PROVIDER_MODULES: readonly ProviderModule[] = [casapay, mollie, tokenio];

/** Names for people: each module's own, and those of the providers not implemented yet. */
export const DISPLAY_NAMES = Object.fromEntries([
  ['STRADDLE', 'Straddle'],
  ...PROVIDER_MODULES.map((m) => [m.name, m.displayName]),
]) as Record<ProviderName, string>;
