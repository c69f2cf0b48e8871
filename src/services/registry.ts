// The enabled adapters of one gateway instance, and the typed refusals for everything else.
import { UnsupportedOperationError } from '../domain/errors.ts';
import { PROVIDER_NAMES, type ProviderName } from '../domain/provider.ts';
import { DISPLAY_NAMES } from '../providers/registry.ts';
import type { Operation, PayoutProviderAdapter } from '../providers/types.ts';

type OpFn<O extends Operation> = NonNullable<PayoutProviderAdapter[O]>;

export class AdapterRegistry {
  private readonly adapters: Map<ProviderName, PayoutProviderAdapter>;

  constructor(adapters: PayoutProviderAdapter[]) {
    this.adapters = new Map(adapters.map((a) => [a.name, a]));
  }

  enabled(): PayoutProviderAdapter[] {
    return PROVIDER_NAMES.flatMap((n) => this.adapters.get(n) ?? []);
  }

  find(name: ProviderName): PayoutProviderAdapter | undefined {
    return this.adapters.get(name);
  }

  get(name: ProviderName): PayoutProviderAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) {
      throw new UnsupportedOperationError(
        `${DISPLAY_NAMES[name]} is not enabled in this gateway.`,
        'PROVIDER_NOT_ENABLED',
      );
    }
    return adapter;
  }

  /** The adapter's implementation of `op`, bound, or an UnsupportedOperationError naming both. */
  operation<O extends Operation>(name: ProviderName, op: O): OpFn<O> {
    const adapter = this.get(name);
    const fn = adapter[op];
    if (typeof fn !== 'function') {
      throw new UnsupportedOperationError(`${DISPLAY_NAMES[name]} does not support ${op}.`);
    }
    return (fn as (...args: unknown[]) => unknown).bind(adapter) as OpFn<O>;
  }

  /** Enabled adapters that implement `op`, or just `only` when given (refusing if it can't). */
  supporting(op: Operation, only?: ProviderName | null): PayoutProviderAdapter[] {
    if (only) {
      this.operation(only, op);
      return [this.get(only)];
    }
    return this.enabled().filter((a) => typeof a[op] === 'function');
  }

  async close(): Promise<void> {
    await Promise.all(this.enabled().map((a) => a.close()));
  }
}
