// The child side of bench/lib/procs.ts: answer the bench's requests over the IPC channel.
import { constants, PerformanceObserver } from 'node:perf_hooks';
type Message = Record<string, unknown> & { type: string; id: number };

export function serve(handlers: Record<string, (m: Message) => unknown>, stop: () => Promise<void>): void {
  process.on('message', (m: Message) => {
    if (m.type === 'stop') {
      void stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      return;
    }
    const handler = handlers[m.type];
    void Promise.resolve()
      .then(() => (handler ? handler(m) : { error: `unknown request ${m.type}` }))
      .then(
        (answer) => process.send?.({ type: 'answer', ...(answer as object), id: m.id }),
        (error: unknown) => process.send?.({ type: 'answer', error: String(error), id: m.id }),
      );
  });
  // The bench went away (killed): do not linger.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
}

export function ready(details: Record<string, unknown>): void {
  process.send?.({ type: 'ready', ...details });
}

/** Heap and resident memory after a full collection (the child runs with --expose-gc). */
export function memory(): { heapUsed: number; rss: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external };
}

/** Tells the bench the modules are loaded, and waits for the rest of the environment. */
export function configured(): Promise<void> {
  return new Promise<void>((resolve) => {
    const listener = (m: { type: string; env?: Record<string, string> }) => {
      if (m.type !== 'configure') return;
      process.off('message', listener);
      Object.assign(process.env, m.env);
      resolve();
    };
    process.on('message', listener);
    process.send?.({ type: 'loaded' });
  });
}

/** Garbage-collection pauses of this process since the last call (`gc` requests of the bench). */
export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Pauses of a millisecond or more: each holds up whatever request is in flight that long. */
  overMs: number;
  /** Full (mark-compact) collections among them; the rest are young-generation scavenges. */
  major: number;
}

const pauses: { ms: number; major: boolean }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as { detail?: { kind?: number } }).detail ?? null)?.kind;
    pauses.push({ ms: entry.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
  }
}).observe({ entryTypes: ['gc'] });

export function gcPauses(): GcPauses {
  const taken = pauses.splice(0);
  return {
    count: taken.length,
    totalMs: taken.reduce((a, p) => a + p.ms, 0),
    maxMs: Math.max(0, ...taken.map((p) => p.ms)),
    overMs: taken.filter((p) => p.ms >= 1).length,
    major: taken.filter((p) => p.major).length,
  };
}
