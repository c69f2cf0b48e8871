// What an adapter gets from the gateway, for tests that build adapters directly.
import type { TransportSettings } from '../../src/providers/http.ts';
import type { AdapterDeps } from '../../src/providers/module.ts';
import type { Logger } from '../../src/providers/types.ts';
import { createMemoryState } from '../../src/state/memory.ts';
import { generateVaultKey, Vault } from '../../src/state/vault.ts';

export const silent: Logger = { info() {}, warn() {}, error() {} };

export const TEST_TRANSPORT: TransportSettings = {
  timeoutMs: 2000,
  retries: 1,
  breakerThreshold: 1000,
  breakerHalfOpenMs: 1000,
  maxConcurrency: 32,
};

export type DepsOverrides = Partial<Omit<AdapterDeps, 'transport'>> & {
  transport?: Partial<TransportSettings>;
};

export function adapterDeps(overrides: DepsOverrides = {}): AdapterDeps {
  return {
    log: silent,
    records: createMemoryState().records,
    vault: new Vault(generateVaultKey()),
    ...overrides,
    transport: { ...TEST_TRANSPORT, ...overrides.transport },
  };
}
