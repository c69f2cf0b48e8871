// Starts a whole gateway the way `npm start` does (sandbox simulators on loopback, real HTTP to
// them) and runs typed operations through `yoga.fetch`.
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { inject } from 'vitest';
import { startApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { SCOPES } from '../../src/context.ts';
import type { Logger } from '../../src/providers/types.ts';
import { createMemoryState } from '../../src/state/memory.ts';
import { createRedisState } from '../../src/state/redis.ts';
import type { StateStore } from '../../src/state/types.ts';
import type { CasaPaySimulator } from '../../src/sandbox/casapay/index.ts';
import type { MollieSimulator } from '../../src/sandbox/mollie/index.ts';
import type { StraddleSimulator } from '../../src/sandbox/straddle/index.ts';
import type { TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';

export const KEYS = {
  full: `test_full_${randomBytes(8).toString('hex')}`,
  readOnly: `test_read_${randomBytes(8).toString('hex')}`,
  writeOnly: `test_write_${randomBytes(8).toString('hex')}`,
  accountsOnly: `test_accounts_${randomBytes(8).toString('hex')}`,
} as const;

const silent = { info() {}, warn() {}, error() {} };

export type StateKind = 'memory' | 'redis';

/** The state kinds to run a suite against: Redis too when the global setup found it. */
export function stateKinds(): StateKind[] {
  return inject('redisUrl') ? ['memory', 'redis'] : ['memory'];
}

/** A state store of its own (a fresh Redis key prefix), for the store contract tests. */
export async function openTestState(kind: StateKind): Promise<StateStore> {
  return kind === 'redis'
    ? createRedisState(inject('redisUrl'), `test:${randomBytes(6).toString('hex')}:`)
    : createMemoryState();
}

export interface TestApp {
  app: App;
  casapay: CasaPaySimulator;
  mollie: MollieSimulator;
  tokenio: TokenioSimulator;
  straddle: StraddleSimulator;
  exec<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    key?: keyof typeof KEYS | null,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    data?: R;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }>;
  close(): Promise<void>;
}

export async function startTestApp(
  state: StateKind = 'memory',
  env: Record<string, string> = {},
  log: Logger = silent,
  options: AppOptions = {},
): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    GATEWAY_MODE: 'sandbox',
    GATEWAY_API_KEYS: JSON.stringify({
      [KEYS.full]: SCOPES,
      [KEYS.readOnly]: ['payouts:read'],
      [KEYS.writeOnly]: ['payouts:write'],
      [KEYS.accountsOnly]: ['bank_accounts:read', 'bank_accounts:write'],
    }),
    PROVIDER_TIMEOUT_MS: '2000',
    PROVIDER_RETRIES: '1',
    ...(state === 'redis' ? { REDIS_URL: inject('redisUrl') } : {}),
    ...env,
  });
  const app = await startApp(config, log, {
    statePrefix: `test:${randomBytes(6).toString('hex')}:`,
    ...options,
  });
  return {
    app,
    casapay: app.simulators.get('CASAPAY') as CasaPaySimulator,
    mollie: app.simulators.get('MOLLIE') as MollieSimulator,
    tokenio: app.simulators.get('TOKENIO') as TokenioSimulator,
    straddle: app.simulators.get('STRADDLE') as StraddleSimulator,
    async exec(doc, variables, key = 'full', headers = {}) {
      const res = await app.gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${KEYS[key]}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      return { status: res.status, ...((await res.json()) as object) };
    },
    close: () => app.close(),
  };
}

/** Counts the simulator's requests matching method and a path pattern since `from`. */
export function countRequests(
  sim: { requests: { method: string; path: string }[] },
  method: string,
  path: RegExp,
  from = 0,
) {
  return sim.requests.slice(from).filter((r) => r.method === method && path.test(r.path)).length;
}
