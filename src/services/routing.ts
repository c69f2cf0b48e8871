// Which provider makes a payout the client did not assign to one. The ids it names decide first
// (a bank account or balance lives at exactly one provider); with neither, the currency's routing
// rule (GATEWAY_ROUTING) lists providers in order of preference, and the first whose capabilities
// fit this payout is chosen. Every decision says why, in `Payout.routing`.
import { ValidationError } from '../domain/errors.ts';
import { decodeGlobalId } from '../domain/ids.ts';
import type { PayoutMethod, SandboxOutcome } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';
import { DISPLAY_NAMES } from '../providers/registry.ts';
import type { PayoutProviderAdapter } from '../providers/types.ts';
import type { AdapterRegistry } from './registry.ts';

export type RoutingRule = 'PROVIDER' | 'DESTINATION' | 'SOURCE' | 'CURRENCY';

export interface Routing {
  rule: RoutingRule;
  /** In words, for people: what decided, and which candidates did not fit. */
  reason: string;
}

/** Per currency, the providers to try in order (GATEWAY_ROUTING). */
export type RoutingTable = Readonly<Record<string, readonly ProviderName[]>>;

/** Each currency to providers that pay it, the one needing the least input last. */
export const DEFAULT_ROUTING: RoutingTable = {
  GBP: ['CASAPAY', 'TOKENIO', 'MOLLIE'],
  EUR: ['MOLLIE', 'CASAPAY', 'TOKENIO'],
  USD: ['STRADDLE'],
};

/** What routing looks at in a create. */
export interface RoutedInput {
  provider?: ProviderName | null;
  amount?: { currency: string } | null;
  destinationId?: string | null;
  sourceId?: string | null;
  method?: PayoutMethod | null;
  scheduledFor?: string | null;
  sandboxOutcome?: SandboxOutcome | null;
}

export interface Route {
  provider: ProviderName;
  routing: Routing;
  /**
   * The provider needs a source the client left out, and the gateway chose the provider: its one
   * balance in the payout's currency is used (see GatewayService.createPayout).
   */
  pickSource: boolean;
}

const owner = (globalId: string, type: string, field: string) =>
  decodeGlobalId(globalId, [type], field).provider;

/**
 * Why `adapter` cannot make this payout on what the input gives (null: it can). A required source
 * may be missing where `pickSource` allows the gateway to choose it. The same rules as
 * GatewayService.createPayout's checks, worded as reasons to pass a candidate over: keep the two in step.
 */
function misfit(adapter: PayoutProviderAdapter, input: RoutedInput, currency: string | null): string | null {
  const caps = adapter.capabilities;
  const rules = caps.createPayout;
  if (typeof adapter.createPayout !== 'function') return 'cannot create payouts';
  if (currency && !caps.currencies.includes(currency)) return `does not pay ${currency}`;
  if (rules.destinationId === 'REQUIRED' && !input.destinationId) return 'needs a destinationId';
  if (rules.destinationId === 'FORBIDDEN' && input.destinationId) return 'takes no destinationId';
  if (rules.sourceId === 'REQUIRED' && !input.sourceId && typeof adapter.listBalances !== 'function')
    return 'needs a sourceId';
  if (rules.sourceId === 'FORBIDDEN' && input.sourceId) return 'takes no sourceId';
  if (rules.amount === 'REQUIRED' && !input.amount) return 'needs an amount';
  if (rules.scheduledFor === 'REQUIRED' && !input.scheduledFor) return 'needs a scheduledFor';
  if (rules.scheduledFor === 'FORBIDDEN' && input.scheduledFor) return 'takes no scheduledFor';
  if (input.method && !rules.methods.includes(input.method)) return `does not offer ${input.method} payouts`;
  if (input.sandboxOutcome && !caps.sandboxOutcomes.includes(input.sandboxOutcome))
    return `cannot end a payout ${input.sandboxOutcome}`;
  return null;
}

export function route(registry: AdapterRegistry, table: RoutingTable, input: RoutedInput): Route {
  if (input.provider) {
    return {
      provider: input.provider,
      routing: { rule: 'PROVIDER', reason: 'provider was given.' },
      pickSource: false,
    };
  }
  const destination = input.destinationId ? owner(input.destinationId, 'BankAccount', 'destinationId') : null;
  const source = input.sourceId ? owner(input.sourceId, 'Balance', 'sourceId') : null;
  if (destination && source && destination !== source) {
    throw new ValidationError(
      'sourceId',
      `sourceId is a ${DISPLAY_NAMES[source]} balance and destinationId a ${DISPLAY_NAMES[destination]} bank account: a payout is made at one provider.`,
    );
  }
  if (destination) {
    const reason = `destinationId is a ${DISPLAY_NAMES[destination]} bank account.`;
    return { provider: destination, routing: { rule: 'DESTINATION', reason }, pickSource: true };
  }
  if (source) {
    const reason = `sourceId is a ${DISPLAY_NAMES[source]} balance.`;
    return { provider: source, routing: { rule: 'SOURCE', reason }, pickSource: false };
  }
  if (!input.amount) {
    throw new ValidationError(
      'provider',
      'Give provider, a destinationId or a sourceId, or an amount whose currency routing can decide on.',
    );
  }
  const currency = input.amount.currency;
  const candidates = table[currency] ?? [];
  if (!candidates.length) {
    throw new ValidationError(
      'provider',
      `No routing rule for ${currency} (GATEWAY_ROUTING covers ${Object.keys(table).join(', ')}): give provider or destinationId.`,
    );
  }
  const refused: string[] = [];
  for (const name of candidates) {
    const adapter = registry.find(name);
    const why = adapter ? misfit(adapter, input, currency) : 'is not enabled';
    if (why) {
      refused.push(`${DISPLAY_NAMES[name]} ${why}`);
      continue;
    }
    const order = candidates.map((c) => DISPLAY_NAMES[c]).join(', ');
    const passed = refused.length ? ` (${refused.join('; ')})` : '';
    const reason = `${DISPLAY_NAMES[name]}: the first of ${order} (routing for ${currency}) that can make this payout${passed}.`;
    return { provider: name, routing: { rule: 'CURRENCY', reason }, pickSource: true };
  }
  throw new ValidationError(
    'provider',
    `No provider routed for ${currency} can make this payout: ${refused.join('; ')}. Give provider or destinationId.`,
  );
}
