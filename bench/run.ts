// `npm run bench`: what the gateway costs on top of calling the providers directly, measured side
// by side in one run. The provider simulators run in a process of their own, each gateway instance
// in another (live mode, talking real HTTP to the simulators), pinned apart from the simulators and
// the load generator (autocannon). See bench/README.md; results go to bench/RESULTS.md.
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import * as prettier from 'prettier';
import {
  Bench,
  casapayFixtures,
  PROFILES,
  startGateway,
  startYogaAlone,
  tokenioFixtures,
  YOGA_ALONE,
} from './lib/bench.ts';
import { parseOptions, type ScenarioName } from './lib/options.ts';
import { killAll, pinning, pin as pinProcess, ROOT, spawnChild, type Child } from './lib/procs.ts';
import { makeCredentials } from './lib/providers.ts';
import { initPerf } from './lib/perf.ts';
import { renderMarkdown, Report } from './lib/report.ts';
import { summariseProfile } from './profile.ts';
import { createScenario } from './scenarios/create.ts';
import { fanoutScenario } from './scenarios/fanout.ts';
import { nodesScenario, pageScenario, payoutScenario } from './scenarios/reads.ts';
import { twoInstancesScenario } from './scenarios/two-instances.ts';

const opts = parseOptions(process.argv.slice(2));
const pin = pinning(opts.pin);
if (pin.enabled) pinProcess(process.pid, pin.driverCpu);
const report = new Report(opts.smoke);
const startedAt = new Date();

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
};
const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const commit = sh('git rev-parse --short HEAD') || 'unknown';
const dirty = sh('git status --porcelain -- src') ? ' (with uncommitted changes in src/)' : '';
const machine = {
  CPU: `${cpuModel}, ${cpus().length} cores`,
  Memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  Kernel: `Linux ${release()}`,
  Node: process.version,
  Commit: `${commit}${dirty}`,
  Date: startedAt.toISOString(),
};
console.log(
  `Payout gateway benchmarks${opts.smoke ? ' (smoke run: checks that it works, says nothing about speed)' : ''}`,
);
for (const [k, v] of Object.entries(machine)) console.log(`  ${k}: ${v}`);
console.log(`  Pinning: ${pin.why}`);
// Instructions per request: counted when perf works here, else the column shows "–" (never fails).
const perf = initPerf(opts.perf, (text) => report.warn(text));
console.log(`  Instructions: ${perf.why}`);

async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function cleanRedis(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// The instances inherit this environment under the bench's own settings (bench/lib/providers.ts).
const inherited = Object.keys(process.env).filter(
  (k) => /^(GATEWAY_|PROVIDER_)/.test(k) && process.env[k] !== '' && !['GATEWAY_MODE'].includes(k),
);
if (inherited.length)
  report.warn(`the gateway instances inherit ${inherited.join(', ')} from this environment`);

if (opts.state === 'redis' && !(await redisReachable(opts.redisUrl))) {
  report.warn(`Redis at ${opts.redisUrl} does not answer: state in memory, two-instances skipped`);
  opts.state = 'memory';
}
if (opts.state === 'memory') opts.only.delete('two-instances');
const statePrefix = opts.state === 'redis' ? `bench:${randomBytes(6).toString('hex')}:` : null;
const profiles: string[] = [];
if (opts.cpuProf) {
  mkdirSync(PROFILES, { recursive: true });
  if (!process.argv.includes('--write')) opts.write = false;
  report.warn('profiling the gateway (--cpu-prof) slows it down: these figures are not the benchmark');
}

const children: Child[] = [];
let failed: unknown = null;
process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});

const scenarios: [ScenarioName, (b: Bench, floor: Child | null) => Promise<void>][] = [
  ['payout', (b) => payoutScenario(b)],
  ['page', (b) => pageScenario(b)],
  ['nodes', (b) => nodesScenario(b)],
  ['fanout', (b, floor) => fanoutScenario(b, floor!)],
  ['create', (b) => createScenario(b)],
  ['two-instances', (b) => twoInstancesScenario(b)],
];

let bench: Bench | null = null;
try {
  const cpu = pin.enabled ? pin.driverCpu : null;
  const startAt = performance.now();
  const floorStarting = opts.only.has('fanout')
    ? spawnChild({
        label: 'fanout-floor',
        script: 'bench/children/fanout-floor.ts',
        cpu: pin.enabled ? pin.gatewayCpu : null,
        nodeArgs: ['--expose-gc'],
      })
    : Promise.resolve(null);
  const simsStarting = spawnChild({ label: 'simulators', script: 'bench/children/simulators.ts', cpu });
  const creds = makeCredentials();
  const base = {
    opts,
    pin,
    creds,
    simUrls: simsStarting.then((c) => c.ready.urls as Record<string, string>),
    statePrefix,
  };
  // The smoke run starts every instance at once; a full run starts each when its scenario needs it,
  // so that idle instances (which still hear every event over Redis pub/sub) share no core time.
  const ahead: [string, Record<string, string>, 'redis' | 'memory', boolean][] = [
    [
      'gateway-memory',
      {},
      'memory',
      opts.only.has('create') && opts.state === 'redis' && opts.latencySeconds > 0,
    ],
    ['gateway-b', {}, opts.state, opts.only.has('two-instances')],
  ];
  const prestarted = opts.smoke
    ? [
        ...ahead
          .filter(([, , , wanted]) => wanted)
          .map(([label, env, state]) => [label, startGateway(base, label, env, state)] as const),
        // The payout scenario's reference row (graphql-yoga alone).
        ...(opts.only.has('payout') ? [[YOGA_ALONE, startYogaAlone(base)] as const] : []),
      ]
    : [];
  for (const [, p] of prestarted) p.catch(() => {});
  const [sims, gateway, floor] = await Promise.all([
    simsStarting,
    startGateway(base, 'gateway', opts.only.has('page') ? { BENCH_BATCHING_SWITCH: '1' } : {}, opts.state),
    floorStarting,
  ]);
  const simUrls = sims.ready.urls as Record<string, string>;
  children.push(sims);
  children.push(gateway, ...(floor ? [floor] : []));
  console.log(`  Processes started in ${((performance.now() - startAt) / 1000).toFixed(1)} s`);
  console.log(
    `  Simulators: ${Object.values(simUrls).join(' ')}; gateway ${gateway.ready.url as string} (${gateway.ready.state as string} state)`,
  );
  bench = new Bench(opts, pin, creds, report, sims, simUrls, gateway, statePrefix);
  for (const [label, p] of prestarted) bench.prestarted.set(label, p);
  const fixturesAt = performance.now();
  await casapayFixtures(bench);
  if (opts.only.has('nodes')) {
    await bench.tokenio.register();
    await tokenioFixtures(bench);
  }
  console.log(`  Fixtures made in ${((performance.now() - fixturesAt) / 1000).toFixed(1)} s`);
  for (const [name, run] of scenarios) {
    if (!opts.only.has(name)) continue;
    const scenarioAt = performance.now();
    try {
      if (opts.cpuProf) await gateway.ask({ type: 'profile-start', name });
      await run(bench, floor);
      console.log(`  (${name}: ${((performance.now() - scenarioAt) / 1000).toFixed(1)} s)`);
    } catch (error) {
      report.problem(`scenario ${name} failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      if (opts.cpuProf) {
        const { path } = await gateway.ask<{ path: string | null }>({ type: 'profile-stop' });
        if (path) profiles.push(path);
      }
    }
  }
} catch (error) {
  failed = error;
} finally {
  await bench?.stopExtra();
  await Promise.all(children.map((c) => c.stop()));
  killAll();
  if (statePrefix) await cleanRedis(opts.redisUrl, statePrefix).catch(() => {});
}

if (failed) {
  console.error('\nThe bench could not run:', failed);
  for (const c of children)
    console.error(`\n--- ${c.label} output ---\n${c.logs().split('\n').slice(-40).join('\n')}`);
  process.exit(1);
}

if (opts.cpuProf) {
  // The main instance's profile of each scenario; the other instances' are listed.
  for (const p of profiles) console.log(`\n${summariseProfile(p, 20)}`);
  const others = readdirSync(PROFILES)
    .map((f) => join(PROFILES, f))
    .filter(
      (f) => f.endsWith('.cpuprofile') && !profiles.includes(f) && statSync(f).mtimeMs >= startedAt.getTime(),
    );
  console.log(
    `\nProfiles (open in Chrome DevTools, or tsx bench/profile.ts FILE): ${[...profiles, ...others].join(', ')}`,
  );
}

if (report.targets.length) console.log('\n## Targets');
for (const t of report.targets)
  console.log(`  ${t.met === null ? 'not measured' : t.met ? 'MET   ' : 'MISSED'}  ${t.goal}: ${t.measured}`);

if (opts.json)
  writeFileSync(
    opts.json,
    JSON.stringify({ machine, opts: { ...opts, only: [...opts.only] }, ...report }, null, 2),
  );
if (opts.write) {
  // Formatted as the repository's `prettier --check .` (part of npm test) wants it.
  const path = join(ROOT, 'bench/RESULTS.md');
  const style = await prettier.resolveConfig(path);
  writeFileSync(path, await prettier.format(renderResults(), { ...style, filepath: path }));
  console.log('\nWrote bench/RESULTS.md');
}

if (report.problems.length) {
  for (const c of [...children, ...(bench?.extra ?? [])]) {
    const logs = c.logs().split('\n').slice(-15).join('\n');
    if (logs) console.error(`\n--- last lines of ${c.label} ---\n${logs}`);
  }
  console.error(
    `\n${report.problems.length} problem(s):\n${report.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `\nBench ${opts.smoke ? 'smoke run ' : ''}finished without errors in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s.`,
);
process.exit(0);

function renderResults(): string {
  const mark = (met: boolean | null) => (met === null ? 'not measured' : met ? '✅ met' : '❌ missed');
  const lines = [
    '# Benchmark results',
    '',
    'What the gateway costs on top of calling the providers directly, measured side by side in one run of `npm run bench` (see [README.md](README.md) for how; figures are for this machine, at the time below). What the profiles showed, what was changed and the figures before and after: [PROFILING.md](PROFILING.md).',
    '',
    ...(opts.note ? [`> ${opts.note}`, ''] : []),
    '| | |',
    '| --- | --- |',
    ...Object.entries(machine).map(([k, v]) => `| ${k} | ${v} |`),
    `| Pinning | ${pin.why} |`,
    `| Instructions | ${perf.why} |`,
    '| Simulators | one process, keep-alive 65 s (as `npm run sandbox`) |',
    `| State | ${opts.state === 'redis' ? `Redis (${opts.redisUrl.replace(/\/\/[^@]*@/, '//')}), not pinned` : 'memory'} |`,
    `| Runs | warm-up ${opts.warmup} s, low load ${opts.latencySeconds} s at 1 connection, throughput ${opts.seconds} s at ${opts.connections} connections (the page: ${opts.pageConnections}); ${opts.rounds} events per fan-out size, after one warm-up event reported apart |`,
    '',
    'Latencies are every response’s own time as the load generator saw it (exact percentiles, not autocannon’s whole-millisecond histogram). “÷ floor” is the gateway’s figure divided by the floor’s in the same table. CPU is percent of one core used during the measured run: the gateway instance(s), the simulators’ process, and the load generator (this process). Minstr/op is millions of CPU instructions per completed request during the measured run (`perf stat -e instructions`): of the gateway instance(s) on a gateway row (of graphql-yoga’s process on the yoga-alone reference row), of the simulators’ process on a floor row; a count of work, repeatable across load and clock speed, not a time.',
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...report.targets.map((t) => `| ${t.goal} | ${t.measured} | ${mark(t.met)} |`),
    '',
  ];
  for (const s of report.scenarios) {
    lines.push(`## ${s.title}`, '', ...s.what.map((w) => `- ${w}`), '');
    for (const t of s.tables) lines.push(renderMarkdown(t), '');
    for (const n of s.notes) lines.push(`${n}`, '');
  }
  if (report.warnings.length) lines.push('## Warnings', '', ...report.warnings.map((w) => `- ${w}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
