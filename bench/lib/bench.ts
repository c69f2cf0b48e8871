// What every scenario shares: the processes, credentials, fixtures, and the one way to measure an
// operation (warm-up, then a measured run, with the simulators' call count per operation).
import { join } from 'node:path';
import { encodeGlobalId } from '../../src/domain/ids.ts';
import type { GcPauses } from '../children/ipc.ts';
import { runHttp, type HttpTarget, type LoadResult, type RunSpec } from './load.ts';
import type { Options } from './options.ts';
import { ROOT, spawnChild, type Child, type Pinning } from './procs.ts';
import { CasaPayDirect, gatewayEnv, gql, TokenioDirect, type Credentials } from './providers.ts';
import { instructionsPerOp, type Report } from './report.ts';
import type { Summary } from './stats.ts';

export interface Fixtures {
  /** CasaPay bank accounts (provider ids); the page's payouts go to these in turn. */
  accounts: string[];
  /** The page's 50 CasaPay payouts, newest first (provider ids). */
  pagePayouts: string[];
  /** 50 Token.io payouts created through the gateway (provider ids), all final. */
  tokenioPayouts: string[];
}

/** Figures one scenario leaves for another's target (e.g. the page against a single payout). */
export interface Shared {
  payoutLow?: LoadResult;
  payoutFloorLow?: LoadResult;
  payoutThroughput?: LoadResult;
  payoutFloorThroughput?: LoadResult;
  createThroughput?: LoadResult;
  fanout?: Map<string, { delivery: Summary; last: Summary }>;
}

/** A run's settings, and the instance whose GC pauses during it are reported. */
export type BenchSpec = RunSpec & { gcOf?: Child };

export class Bench {
  readonly casapay: CasaPayDirect;
  readonly tokenio: TokenioDirect;
  readonly shared: Shared = {};
  fixtures: Fixtures = { accounts: [], pagePayouts: [], tokenioPayouts: [] };
  /** Instances started by scenarios (stopped at the end). */
  readonly extra: Child[] = [];
  /** Instances started ahead (the smoke run starts them all at once), by label. */
  readonly prestarted = new Map<string, Promise<Child>>();
  /** Total requests of the last measured run, per provider (reset before each). */
  lastCalls: Record<string, string> = {};

  constructor(
    readonly opts: Options,
    readonly pin: Pinning,
    readonly creds: Credentials,
    readonly report: Report,
    readonly sims: Child,
    readonly simUrls: Record<string, string>,
    readonly gateway: Child,
    /** Redis key prefix of this run (null: memory state). */
    readonly statePrefix: string | null,
  ) {
    this.casapay = new CasaPayDirect(simUrls.CASAPAY!, creds.casapayKey, creds.casapayWebhookSecret);
    this.tokenio = new TokenioDirect(simUrls.TOKENIO!, creds.tokenio);
  }

  get url(): string {
    return this.gateway.ready.url as string;
  }

  /** Another gateway instance with the same keys (and, on Redis, the same state). */
  async startGateway(label: string, env: Record<string, string> = {}, state = this.opts.state) {
    const child = await (this.prestarted.get(label) ?? startGateway(this, label, env, state));
    this.prestarted.delete(label);
    this.extra.push(child);
    return child;
  }

  /** graphql-yoga alone (the payout scenario's reference row), pinned as a gateway instance is. */
  async startYogaAlone(): Promise<Child> {
    const child = await (this.prestarted.get(YOGA_ALONE) ?? startYogaAlone(this));
    this.prestarted.delete(YOGA_ALONE);
    this.extra.push(child);
    return child;
  }

  async stopExtra(): Promise<void> {
    const ahead = await Promise.allSettled(this.prestarted.values());
    await Promise.all([
      ...this.extra.map((c) => c.stop()),
      ...ahead.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
    ]);
  }

  /** The processes whose CPU each run reports. */
  watch(...gateways: Child[]): Map<number, string> {
    const m = new Map<number, string>([[this.sims.pid, 'sims']]);
    for (const g of gateways) m.set(g.pid, 'gateway');
    return m;
  }

  /** `gcOf`: the instance whose garbage-collection pauses during the measured run are reported. */
  spec(connections: number, seconds: number, watch: Map<number, string>, gcOf?: Child): BenchSpec {
    return {
      ...(gcOf ? { gcOf } : {}),
      connections,
      seconds,
      ...(this.opts.smoke ? { amount: Math.max(4 * connections, 16) } : {}),
      warmupSeconds: this.opts.warmup,
      watch,
      // Only the figure shown: the gateway's on a gateway run, the simulators' on a floor run (each
      // counted process pays for counting at every context switch, see perf.ts).
      counted: new Map(
        [...watch].filter(([, label]) =>
          [...watch.values()].includes('gateway') ? label === 'gateway' : label === 'sims',
        ),
      ),
      beforeMeasure: async () => {
        await Promise.all([this.sims.ask({ type: 'requests' }), gcOf?.ask({ type: 'gc' })]);
      },
    };
  }

  /** Runs `target` and checks it went without error. */
  async measure(
    label: string,
    target: HttpTarget,
    spec: BenchSpec,
  ): Promise<{ result: LoadResult; calls: string; gc?: GcPauses }> {
    const result = await runHttp(target, spec);
    const gc = spec.gcOf ? await spec.gcOf.ask<GcPauses>({ type: 'gc' }) : undefined;
    const { counts, last } = await this.sims.ask<{
      counts: Record<string, number>;
      last: Record<string, string>;
    }>({ type: 'requests' });
    const ops = result.ok + result.non2xx;
    const calls = Object.entries(counts)
      // (a stray poll now and then is not the operation's)
      .filter(([, n]) => ops > 0 && n / ops >= 0.005)
      .map(([provider, n]) => `${provider} ${ops ? (n / ops).toFixed(2) : '—'}`)
      .join(', ');
    this.lastCalls = last;
    this.report.check(label, result);
    this.report.raw[label] = result;
    const instructions = instructionsPerOp(result);
    console.log(
      `  ${label}: ${Math.round(result.rps)} req/s, p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms (${result.ok} ok; calls/op ${calls || 'none'}${instructions === '–' ? '' : `; ${instructions} Minstr/op`})`,
    );
    return { result, calls: calls || 'none', ...(gc ? { gc } : {}) };
  }

  /** A GraphQL operation as one autocannon request, checked for GraphQL errors. */
  graphql(url: string | string[], query: string, variables: object, expect?: string): HttpTarget {
    return {
      url: Array.isArray(url) ? url.map((u) => `${u}/graphql`) : `${url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.creds.apiKey}` },
      body: JSON.stringify({ query, variables }),
      verify: (body) => !body.includes('"errors"') && (expect === undefined || body.includes(expect)),
    };
  }

  gql<T = Record<string, unknown>>(query: string, variables: object = {}): Promise<T> {
    return gql<T>(this.url, this.creds.apiKey, query, variables);
  }

  globalId(type: string, provider: 'CASAPAY' | 'TOKENIO', id: string): string {
    return encodeGlobalId(type, provider, id);
  }

  /** Waits until `child` counts `count` live subscribers (its event listeners, or the floor's). */
  async listeners(child: Child, count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { listeners } = await child.ask<{ listeners: number }>({ type: 'listeners' });
      if (listeners === count) return true;
      if (performance.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const PROFILES = join(ROOT, 'bench/profiles');

export interface GatewayContext {
  opts: Options;
  pin: Pinning;
  creds: Credentials;
  /** The simulators' URLs (a promise while they start: the instance loads its modules meanwhile). */
  simUrls: Record<string, string> | Promise<Record<string, string>>;
  statePrefix: string | null;
}

export function startGateway(
  ctx: GatewayContext,
  label: string,
  env: Record<string, string>,
  state: 'redis' | 'memory',
): Promise<Child> {
  // Profiles come from the inspector inside the instance (children/gateway.ts): the main instance's
  // one per scenario, the others' from start to stop.
  const profile: Record<string, string> = ctx.opts.cpuProf
    ? { BENCH_CPU_PROF_DIR: PROFILES, BENCH_CPU_PROF_FROM_START: label === 'gateway' ? '0' : '1' }
    : {};
  return spawnChild({
    label,
    script: 'bench/children/gateway.ts',
    cpu: ctx.pin.enabled ? ctx.pin.gatewayCpu : null,
    nodeArgs: ['--expose-gc', ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    configure: Promise.resolve(ctx.simUrls).then((urls) =>
      gatewayEnv(ctx.creds, urls, {
        BENCH_LABEL: label,
        ...profile,
        ...(state === 'redis'
          ? { REDIS_URL: ctx.opts.redisUrl, BENCH_STATE_PREFIX: ctx.statePrefix ?? '' }
          : {}),
        ...env,
      }),
    ),
  });
}

export const YOGA_ALONE = 'yoga-alone';

/**
 * graphql-yoga alone with a static resolver (children/yoga-alone.ts): started and pinned as a gateway
 * instance is, in the same environment (NODE_ENV too) less the gateway's own variables, with
 * `--expose-gc` but not BENCH_GATEWAY_NODE_ARGS.
 */
export function startYogaAlone(ctx: Pick<GatewayContext, 'pin'>): Promise<Child> {
  return spawnChild({
    label: YOGA_ALONE,
    script: 'bench/children/yoga-alone.ts',
    cpu: ctx.pin.enabled ? ctx.pin.gatewayCpu : null,
    nodeArgs: ['--expose-gc'],
  });
}

/** The CasaPay accounts and payouts of the read scenarios, made on the simulator directly. */
export async function casapayFixtures(b: Bench): Promise<void> {
  const accounts = await Promise.all(
    Array.from({ length: b.opts.pageDestinations }, (_, i) => b.casapay.createBankAccount(i)),
  );
  const payouts: string[] = [];
  for (let i = 0; i < 50; i++) {
    const payout = await b.casapay.createPayout(accounts[i % accounts.length]!, i);
    payouts.unshift(payout.id as string);
  }
  b.fixtures.accounts = accounts;
  b.fixtures.pagePayouts = payouts;
}

/**
 * 50 Token.io payouts made through the gateway (Token.io keeps no beneficiaries: the account is in
 * the gateway's vault), then completed at the simulator so that nothing is left to poll.
 */
export async function tokenioFixtures(b: Bench): Promise<void> {
  const accounts = (await b.tokenio.call('GET', '/virtual-accounts', 'limit=200')) as {
    virtualAccount: { accountId: string; currency: string }[];
  };
  const source = accounts.virtualAccount.find((a) => a.currency === 'GBP');
  if (!source) throw new Error('The Token.io simulator has no GBP settlement account');
  const created = await b.gql<{ createBankAccount: { __typename: string; bankAccount?: { id: string } } }>(
    `mutation($input: CreateBankAccountInput!) { createBankAccount(input: $input) {
      __typename ... on CreateBankAccountSuccess { bankAccount { id } } ... on Error { message } } }`,
    {
      input: {
        provider: 'TOKENIO',
        holderName: 'Bench Beneficiary',
        country: 'GB',
        currency: 'GBP',
        sortCode: '108800',
        accountNumber: '00012345',
        idempotencyKey: `bench-beneficiary-${Date.now()}`,
      },
    },
  );
  const destinationId = created.createBankAccount.bankAccount?.id;
  if (!destinationId) throw new Error(`createBankAccount (Token.io): ${JSON.stringify(created)}`);
  const sourceId = b.globalId('Balance', 'TOKENIO', source.accountId);
  const stamp = Date.now().toString(36);
  const create = async (i: number) => {
    const r = await b.gql<{
      createPayout: { __typename: string; payout?: { providerPayoutId: string }; message?: string };
    }>(
      `mutation($input: CreatePayoutInput!) { createPayout(input: $input) {
        __typename ... on CreatePayoutSuccess { payout { providerPayoutId } } ... on Error { message } } }`,
      {
        input: {
          provider: 'TOKENIO',
          sourceId,
          destinationId,
          amount: { amount: '1.00', currency: 'GBP' },
          description: `Bench payout ${String(i).padStart(4, '0')}`,
          idempotencyKey: `bench-tokenio-${stamp}-${i}`,
        },
      },
    );
    const id = r.createPayout.payout?.providerPayoutId;
    if (!id) throw new Error(`createPayout (Token.io): ${JSON.stringify(r)}`);
    await b.tokenio.call('POST', `/test-helpers/payouts/${encodeURIComponent(id)}/advance`);
    await b.tokenio.call('POST', `/test-helpers/payouts/${encodeURIComponent(id)}/advance`);
    return id;
  };
  const ids: string[] = [];
  for (let i = 0; i < 50; i += 10)
    ids.push(...(await Promise.all(Array.from({ length: 10 }, (_, n) => create(i + n)))));
  b.fixtures.tokenioPayouts = ids;
}
