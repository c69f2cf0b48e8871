// Load: autocannon (programmatic), with each response's exact latency taken from its `response` event.
import autocannon from 'autocannon';
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
