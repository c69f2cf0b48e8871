// One gateway instance, started as `npm start` does (src/main.ts: loadConfig → startApp) from the
// environment the bench gives it (live mode, every provider's base URL on the simulators' process),
// plus an IPC channel for the bench: memory and subscriber counts, CPU profiles, and a clean stop.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import DataLoader from 'dataloader';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { configured, gcPauses, memory, ready, serve } from './ipc.ts';

// Everything above is loaded (most of start-up) while the simulators start; their URLs come now.
await configured();

// BENCH-ONLY EMULATION of "batching turned off", which the gateway has no switch for: while off,
// every DataLoader load is its own batch of one, uncached, so each payout's destination is its own
// provider call. Installed only when the bench asks (BENCH_BATCHING_SWITCH=1; one indirection per
// load while on) and flipped over IPC. See bench/README.md for the switch this stands in for.
let batching = true;
if (process.env.BENCH_BATCHING_SWITCH === '1') {
  type Loader = { _batchLoadFn: (keys: readonly unknown[]) => PromiseLike<ArrayLike<unknown>> };
  const proto = DataLoader.prototype as unknown as { load(this: Loader, key: unknown): Promise<unknown> };
  const load = proto.load;
  proto.load = function (this: Loader, key: unknown) {
    if (batching) return load.call(this, key);
    return Promise.resolve(this._batchLoadFn([key])).then((values) => {
      const [value] = Array.from(values);
      if (value instanceof Error) throw value;
      return value;
    });
  };
}

const config = loadConfig(process.env);
const app = await startApp(config, createLogger(config.LOG_LEVEL), {
  ...(process.env.BENCH_STATE_PREFIX ? { statePrefix: process.env.BENCH_STATE_PREFIX } : {}),
});

// CPU profiles of the main thread, started and stopped by the bench (so each scenario gets its own,
// without start-up), written as .cpuprofile files Chrome DevTools and bench/profile.ts read.
const profileDir = process.env.BENCH_CPU_PROF_DIR;
const label = process.env.BENCH_LABEL ?? 'gateway';
const session = profileDir ? new Session() : null;
let profiling: string | null = null;
async function startProfile(name: string) {
  if (!session) return;
  if (profiling) await stopProfile();
  await session.post('Profiler.start');
  profiling = name;
}
async function stopProfile(): Promise<string | null> {
  if (!session || !profiling) return null;
  const { profile } = await session.post('Profiler.stop');
  const path = join(profileDir!, `${label}-${profiling}.cpuprofile`);
  writeFileSync(path, JSON.stringify(profile));
  profiling = null;
  return path;
}
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  if (process.env.BENCH_CPU_PROF_FROM_START === '1') await startProfile('all');
}

serve(
  {
    listeners: () => ({ listeners: app.state.events.listenerCount() }),
    gc: () => gcPauses(),
    stats: () => ({
      ...memory(),
      listeners: app.state.events.listenerCount(),
      webhooks: app.gateway.webhooks.counts,
    }),
    'profile-start': async (m) => {
      await startProfile(String(m.name));
      return {};
    },
    'profile-stop': async () => ({ path: await stopProfile() }),
    batching: (m) => {
      if (process.env.BENCH_BATCHING_SWITCH !== '1')
        return { error: 'started without BENCH_BATCHING_SWITCH=1' };
      batching = Boolean(m.on);
      return { batching };
    },
  },
  async () => {
    await stopProfile();
    await app.close();
  },
);

ready({ url: app.url, state: app.state.kind });
