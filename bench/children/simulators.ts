// The provider simulators in a process of their own (the bench pins it to the load generator's
// core): the same servers `npm run sandbox` starts, on free loopback ports. They send no webhooks:
// the fan-out scenario signs and delivers its own, so it knows the moment a delivery is sent.
import type { SandboxSimulator } from '../../src/providers/module.ts';
import { ready, serve } from './ipc.ts';

import { PROVIDER_MODULES } from '../../src/providers/registry.ts';

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

ready({ urls: Object.fromEntries([...sims].map(([name, sim]) => [name, sim.url])) });
