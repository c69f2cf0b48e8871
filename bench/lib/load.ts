// Load: autocannon (programmatic) for every operation that is one HTTP request, with each response's
// exact latency taken from its `response` event; a closed loop of the same shape for a floor that is
// several provider calls (list, then reads in parallel), which autocannon cannot express as one.
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { startCounting } from './perf.ts';
import { CpuMeter } from './procs.ts';
import { Samples, type Summary } from './stats.ts';

export interface HttpTarget {
  /** One URL, or several: autocannon spreads the connections over them. */
  url: string | string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Rebuilds each request (unique idempotency keys). */
  setup?: (request: { headers: Record<string, string>; body?: string | Buffer }) => {
    headers: Record<string, string>;
    body?: string | Buffer;
  };
  /** A 2xx whose body fails this is counted as a mismatch (a GraphQL error comes with 200). */
  verify?: (body: string) => boolean;
}

export interface RunSpec {
  connections: number;
  seconds: number;
  /** A number of operations instead of a duration (the smoke run: a few of each, whatever the speed). */
  amount?: number;
  warmupSeconds: number;
  /** Processes whose CPU use is reported (pid → label; pids sharing a label are added up). */
  watch: Map<number, string>;
  /** Processes whose instructions are counted (default: `watch`); see perf.ts for the cost. */
  counted?: Map<number, string>;
  /** Called between the warm-up and the measured run (e.g. to reset the simulators' call counts). */
  beforeMeasure?: () => Promise<void>;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  ok: number;
  rps: number;
  latency: Summary;
  errors: number;
  non2xx: number;
  mismatches: number;
  /** Percent of one core, by label (and `bench` for the load generator itself). */
  cpu: Record<string, number>;
  /** CPU instructions during the measured run, by label (NaN: not counted; see perf.ts). */
  instructions: Record<string, number>;
}

async function autocannonOnce(
  target: HttpTarget,
  connections: number,
  seconds: number,
  record: boolean,
  amount?: number,
) {
  const latencies = new Samples();
  let ok = 0;
  const options = {
    url: target.url as string,
    connections,
    ...(amount ? { amount: Math.max(amount, connections) } : { duration: seconds }),
    method: target.method ?? 'GET',
    headers: target.headers ?? {},
    timeout: 20,
    // autocannon checks for the end of the run on this tick (1 s by default: a 0.5 s run took 1 s).
    sampleInt: 100,
    ...(target.body !== undefined ? { body: target.body } : {}),
    ...(target.setup
      ? { requests: [{ setupRequest: target.setup as unknown as autocannon.Request['setupRequest'] }] }
      : {}),
    ...(target.verify ? { verifyBody: target.verify as (body: unknown) => boolean } : {}),
  } satisfies autocannon.Options;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, r: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(r),
    );
    if (record)
      instance.on('response', (_client, status, _bytes, time) => {
        if (status >= 200 && status < 300) {
          ok++;
          latencies.push(time);
        }
      });
  });
  return { result, latencies, ok };
}

/** Load that is not measured (e.g. to warm up a new instance's JIT). */
export async function warmUp(target: HttpTarget, connections: number, seconds: number): Promise<void> {
  if (seconds > 0) await autocannonOnce(target, connections, seconds, false);
}

/** Warms up, then measures `target` for `spec.seconds` with `spec.connections` connections. */
export async function runHttp(target: HttpTarget, spec: RunSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await autocannonOnce(target, spec.connections, spec.warmupSeconds, false);
  await spec.beforeMeasure?.();
  const counting = await startCounting(spec.counted ?? spec.watch);
  const meter = new CpuMeter([...spec.watch.keys()]);
  const { result, latencies, ok } = await autocannonOnce(
    target,
    spec.connections,
    spec.seconds,
    true,
    spec.amount,
  ).catch(async (error: unknown) => {
    await counting.stop();
    throw error;
  });
  const cpu = cpuByLabel(meter, spec.watch);
  const instructions = await counting.stop();
  return {
    connections: spec.connections,
    seconds: result.duration,
    ok,
    rps: ok / result.duration,
    latency: latencies.summary(),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    cpu,
    instructions,
  };
}

function cpuByLabel(meter: CpuMeter, watch: Map<number, string>): Record<string, number> {
  const { byPid, self } = meter.stop();
  const cpu: Record<string, number> = { bench: self };
  for (const [pid, label] of watch) cpu[label] = (cpu[label] ?? 0) + (byPid.get(pid) ?? Number.NaN);
  return cpu;
}

/**
 * `connections` loops, each running `operation` again as soon as it ends, for `seconds` (after a
 * warm-up). An operation that throws counts as an error.
 */
export async function runClosedLoop(operation: () => Promise<void>, spec: RunSpec): Promise<LoadResult> {
  const loop = async (seconds: number, latencies: Samples | null, amount = Infinity) => {
    const deadline = performance.now() + seconds * 1000;
    let errors = 0;
    let started = 0;
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (amount === Infinity ? performance.now() < deadline : started++ < amount) {
          const started = performance.now();
          try {
            await operation();
            latencies?.push(performance.now() - started);
          } catch {
            errors++;
          }
        }
      }),
    );
    return errors;
  };
  if (spec.warmupSeconds > 0) await loop(spec.warmupSeconds, null);
  await spec.beforeMeasure?.();
  const latencies = new Samples();
  const counting = await startCounting(spec.counted ?? spec.watch);
  const meter = new CpuMeter([...spec.watch.keys()]);
  const started = performance.now();
  const errors = await loop(spec.seconds, latencies, spec.amount);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuByLabel(meter, spec.watch);
  const instructions = await counting.stop();
  return {
    connections: spec.connections,
    seconds,
    ok: latencies.count,
    rps: latencies.count / seconds,
    latency: latencies.summary(),
    errors,
    non2xx: 0,
    mismatches: 0,
    cpu,
    instructions,
  };
}

/** A keep-alive client for the closed-loop floors (undici, as the gateway's adapters use). */
export function directClient(origin: string, headers: Record<string, string>) {
  const pool = new Pool(origin, { connections: 256 });
  return {
    async get(path: string): Promise<unknown> {
      const res = await pool.request({
        method: 'GET',
        path,
        headers: { accept: 'application/json', ...headers },
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return JSON.parse(text) as unknown;
    },
    close: () => pool.close(),
  };
}
