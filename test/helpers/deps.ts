// What an adapter gets from the gateway, for tests that build adapters directly.
import type { AdapterDeps } from '../../src/providers/module.ts';
import type { Logger } from '../../src/providers/types.ts';
import { createMemoryState } from '../../src/state/memory.ts';
import { generateVaultKey, Vault } from '../../src/state/vault.ts';

export const silent: Logger = { info() {}, warn() {}, error() {} };

export function adapterDeps(overrides: Partial<AdapterDeps> = {}): AdapterDeps {
  return {
    log: silent,
    timeoutMs: 2000,
    retries: 1,
    records: createMemoryState().records,
    vault: new Vault(generateVaultKey()),
    ...overrides,
  };
}
