// Summarises a CPU profile of a gateway instance (`npm run bench -- --cpu-prof` writes one per
// scenario to bench/profiles/): where its busy time went, by package or source file (self time),
// and by function including what it calls (inclusive time), as shares of the busy (non-idle) time.
//   tsx bench/profile.ts bench/profiles/gateway-payout.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a script belongs: a package, a file of src/, or Node itself. */
function area(url: string): string {
  if (!url) return '(native: GC, syscalls, V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/((?:src|bench)\/.+)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const name = (f: ProfileNode['callFrame']) =>
  `${f.functionName || '(anonymous)'}  ${area(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;

export function summariseProfile(path: string, top = 25): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      idle += dt;
      return;
    }
    self.set(name(frame), (self.get(name(frame)) ?? 0) + dt);
    areas.set(area(frame.url), (areas.get(area(frame.url)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number, keep: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${pct(t)}  ${k}`);
  return [
    `${path}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy; shares are of the busy time`,
    'Self time by package / file:',
    ...list(areas, 15),
    'Self time by function:',
    ...list(self, top),
    "Inclusive time of the gateway's own functions (src/):",
    ...list(inclusive, top, (k) => k.includes(' src/')),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, top] = process.argv.slice(2);
  if (!path) {
    console.error('usage: tsx bench/profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summariseProfile(path, top ? Number(top) : 25));
}
