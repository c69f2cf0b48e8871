// The one list of providers. Token.io and Straddle are named in the schema already; they are
// reported as not implemented until their modules land here.
import type { ProviderName } from '../domain/provider.ts';
import { casapay } from './casapay/index.ts';
import type { ProviderModule } from './module.ts';
import { mollie } from './mollie/index.ts';

export const PROVIDER_MODULES: readonly ProviderModule[] = [casapay, mollie];

export const DISPLAY_NAMES: Record<ProviderName, string> = {
  CASAPAY: 'CasaPay',
  MOLLIE: 'Mollie',
  TOKENIO: 'Token.io',
  STRADDLE: 'Straddle',
};
