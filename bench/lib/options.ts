// What a run measures and for how long: command-line flags first, then BENCH_* variables, then the
// defaults (a full run of a few minutes; `--smoke`: every scenario for about a second).

export const SCENARIOS = ['payout', 'page', 'nodes', 'create', 'fanout', 'two-instances'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Options {
  smoke: boolean;
  /** Write bench/RESULTS.md (default for a full run of every scenario). */
  write: boolean;
  /** Start the gateway instances with --cpu-prof (profiles in bench/profiles/). */
  cpuProf: boolean;
  only: Set<ScenarioName>;
  /** Seconds of warm-up before each measured run (not measured). */
  warmup: number;
  /** Seconds of each low-load run (one connection: latency); 0 skips them (the smoke run does). */
  latencySeconds: number;
  /** Seconds of each throughput run. */
  seconds: number;
  /** Connections of the throughput runs of single operations. */
  connections: number;
  /** Connections of the throughput runs of the 50-payout page (each is up to 51 provider calls). */
  pageConnections: number;
  /** Distinct destinations among the page's 50 payouts. */
  pageDestinations: number;
  /** The page against payout(id) again with every CasaPay answer this late (ms); 0: not. */
  providerLatencyMs: number;
  subscribers: number[];
  /** Events per fan-out measurement. */
  rounds: number;
  /** Where the gateway keeps state: Redis (several instances) or memory. */
  state: 'redis' | 'memory';
  redisUrl: string;
  /** Samples of the idempotency store's reserve + complete. */
  storeSamples: number;
  pin: boolean;
  /** Count CPU instructions per request with `perf stat` (when perf works here). */
  perf: boolean;
  /** Also write the raw figures as JSON here. */
  json: string | null;
  /** A line for the top of RESULTS.md (e.g. "the machine was busy"). */
  note: string | null;
}

const HELP = `npm run bench -- [flags]

  --smoke                 a few requests of every scenario, 20 subscribers: fails only if something is broken
  --only=a,b              scenarios: ${SCENARIOS.join(', ')}
  --write / --no-write    write bench/RESULTS.md (default: yes for a full run of every scenario; never --smoke)
  --cpu-prof              profile the gateway instances (node --cpu-prof) into bench/profiles/
  --seconds=N             each throughput run (BENCH_SECONDS, default 8)
  --latency-seconds=N     each one-connection latency run (BENCH_LATENCY_SECONDS, default 5; 0: none)
  --warmup=N              warm-up before each run, not measured (BENCH_WARMUP, default 4)
  --connections=N         throughput connections (BENCH_CONNECTIONS, default 32)
  --page-connections=N    throughput connections of the page (BENCH_PAGE_CONNECTIONS, default 8)
  --page-destinations=N   distinct destinations among the page's payouts (BENCH_PAGE_DESTINATIONS, default 5)
  --provider-latency=MS   also compare the page with payout(id) with every CasaPay answer MS late
                          (BENCH_PROVIDER_LATENCY_MS, default 20; 0: not)
  --subscribers=1000,5000 fan-out sizes (BENCH_SUBSCRIBERS)
  --rounds=N              events per fan-out size (BENCH_ROUNDS, default 20)
  --state=redis|memory    the gateway's state store (BENCH_STATE, default redis)
  --redis=URL             (BENCH_REDIS_URL, else REDIS_TEST_URL, else redis://127.0.0.1:6379)
  --no-pin                do not pin processes to cores (BENCH_PIN=0)
  --no-perf               do not count instructions with perf stat (BENCH_PERF=0)
  --json=FILE             also write the figures as JSON
  --note=TEXT             a remark for the top of bench/RESULTS.md (BENCH_NOTE)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`Unknown argument ${arg}\n\n${HELP}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  const known = new Set([
    'smoke',
    'only',
    'write',
    'no-write',
    'cpu-prof',
    'seconds',
    'latency-seconds',
    'warmup',
    'connections',
    'page-connections',
    'page-destinations',
    'provider-latency',
    'subscribers',
    'rounds',
    'state',
    'redis',
    'no-pin',
    'no-perf',
    'json',
    'note',
  ]);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`Unknown flag --${name}\n\n${HELP}`);

  const smoke = flags.has('smoke');
  const pick = (flag: string, variable: string, full: number, quick: number): number => {
    const raw = flags.get(flag) ?? env[variable];
    const value = raw === undefined || raw === '' ? (smoke ? quick : full) : Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} / ${variable} must be a number`);
    return value;
  };
  const onlyRaw = flags.get('only') ?? env.BENCH_ONLY ?? '';
  const only = new Set<ScenarioName>();
  for (const name of onlyRaw.split(',').filter(Boolean)) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`Unknown scenario ${name}: one of ${SCENARIOS.join(', ')}`);
    only.add(name as ScenarioName);
  }
  const everything = only.size === 0;
  if (everything) for (const s of SCENARIOS) only.add(s);
  const subscribersRaw = flags.get('subscribers') ?? env.BENCH_SUBSCRIBERS ?? (smoke ? '20' : '1000,5000');
  const subscribers = subscribersRaw.split(',').map(Number);
  if (subscribers.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--subscribers / BENCH_SUBSCRIBERS: a comma-separated list of counts');
  const state = flags.get('state') ?? env.BENCH_STATE ?? 'redis';
  if (state !== 'redis' && state !== 'memory') throw new Error('--state must be redis or memory');
  return {
    smoke,
    // A smoke run's figures mean nothing: it never writes RESULTS.md.
    write: !smoke && !flags.has('no-write') && (flags.has('write') || everything),
    cpuProf: flags.has('cpu-prof'),
    only,
    warmup: pick('warmup', 'BENCH_WARMUP', 4, 0),
    latencySeconds: pick('latency-seconds', 'BENCH_LATENCY_SECONDS', 5, 0),
    seconds: pick('seconds', 'BENCH_SECONDS', 8, 0.6),
    connections: Math.max(1, Math.round(pick('connections', 'BENCH_CONNECTIONS', 32, 4))),
    pageConnections: Math.max(1, Math.round(pick('page-connections', 'BENCH_PAGE_CONNECTIONS', 8, 2))),
    pageDestinations: Math.min(
      50,
      Math.max(1, Math.round(pick('page-destinations', 'BENCH_PAGE_DESTINATIONS', 5, 5))),
    ),
    providerLatencyMs: pick('provider-latency', 'BENCH_PROVIDER_LATENCY_MS', 20, 5),
    subscribers,
    rounds: Math.max(1, Math.round(pick('rounds', 'BENCH_ROUNDS', 20, 3))),
    state,
    redisUrl: flags.get('redis') ?? env.BENCH_REDIS_URL ?? env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379',
    storeSamples: smoke ? 200 : 5000,
    pin: !flags.has('no-pin') && env.BENCH_PIN !== '0',
    perf: !flags.has('no-perf') && env.BENCH_PERF !== '0',
    json: flags.get('json') ?? null,
    note: flags.get('note') ?? env.BENCH_NOTE ?? null,
  };
}
