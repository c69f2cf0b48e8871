// The provider simulators in a process of their own (the bench pins it to the load generator's
// core): the same servers `npm run sandbox` starts, on free loopback ports. They send no webhooks:
// the fan-out scenario signs and delivers its own, so it knows the moment a delivery is sent.
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { SandboxSimulator } from '../../src/providers/module.ts';
import { ready, serve } from './ipc.ts';

// BENCH-ONLY: the simulators answer `Keep-Alive: timeout=1` (src/sandbox/http.ts sets a 1 s
// keepAliveTimeout so that tests close fast). undici keeps a socket only while more than its 2 s
// threshold is left, so against that every provider call would open a new TCP connection, which
// no real provider makes a client do. Here the simulators keep connections as Node does by default
// for a long-lived server (65 s); BENCH_SIM_KEEPALIVE_MS=1000 measures with the simulators' own.
const keepAliveMs = Number(process.env.BENCH_SIM_KEEPALIVE_MS ?? 65_000);
const createServer = http.createServer;
http.createServer = ((...args: Parameters<typeof http.createServer>) => {
  const server = createServer(...args);
  Object.defineProperty(server, 'keepAliveTimeout', {
    configurable: true,
    get: () => keepAliveMs,
    set: () => {},
  });
  return server;
}) as typeof http.createServer;
syncBuiltinESMExports();
const { PROVIDER_MODULES } = await import('../../src/providers/registry.ts');

const sims = new Map<string, SandboxSimulator>();
for (const module of PROVIDER_MODULES) sims.set(module.name, await module.sandbox.start(0));

serve(
  {
    /**
     * Requests each simulator served since the last call, and the last one of each (the log is
     * emptied: it would grow without end).
     */
    requests: () => {
      const counts: Record<string, number> = {};
      const last: Record<string, string> = {};
      for (const [name, sim] of sims) {
        counts[name] = sim.requests.length;
        const r = sim.requests.at(-1);
        if (r) last[name] = `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} → ${r.status}`;
        sim.requests.length = 0;
      }
      return { counts, last };
    },
  },
  async () => {
    await Promise.all([...sims.values()].map((s) => s.close()));
  },
);

ready({
  urls: Object.fromEntries([...sims].map(([name, sim]) => [name, sim.url])),
  keepAliveMs,
});
