export const PROVIDER_NAMES = ['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}
