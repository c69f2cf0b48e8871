// CPU instructions retired by processes during a measured run (`perf stat -e instructions -p …`, all
// threads of each process), a cost figure that, unlike req/s, hardly moves with the machine's load
// or clock. Optional: without perf (or with --no-perf / BENCH_PERF=0) every count is NaN ("–").
// Not free: a per-process counter is saved and restored at each context switch of the process, which
// on this VM (a virtual PMU) costs about 10 µs a switch, so a counted process runs slower; hence only
// the process whose figure is shown is counted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const PERF = 'perf';
/** How long perf may take to start, enable or disable its counters before the count is given up. */
const ACK_TIMEOUT_MS = 5000;

interface State {
  enabled: boolean;
  /** For the report header: what is counted, or why nothing is. */
  why: string;
  warn: (text: string) => void;
}

const state: State = { enabled: false, why: 'not checked', warn: () => {} };
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/**
 * Checks once that `perf stat -e instructions` counts here. `warn` hears of a later failure (after
 * which nothing more is counted: the run goes on without the column).
 */
export function initPerf(wanted: boolean, warn: (text: string) => void): { enabled: boolean; why: string } {
  state.warn = warn;
  if (!wanted) {
    Object.assign(state, { enabled: false, why: 'not counted (--no-perf / BENCH_PERF=0)' });
    return state;
  }
  const r = spawnSync(PERF, ['stat', '-x,', '-e', 'instructions', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const count = r.status === 0 ? parseCount(r.stderr ?? '') : null;
  if (!count || !Number.isFinite(count.value)) {
    const reason = r.error
      ? `${PERF} not found`
      : /not supported|not counted/i.test(r.stderr ?? '')
        ? 'the instructions event is not supported here'
        : `\`${PERF} stat -e instructions true\` failed (exit ${r.status})`;
    Object.assign(state, { enabled: false, why: `not counted: ${reason}` });
    return state;
  }
  Object.assign(state, {
    enabled: true,
    why: `\`perf stat -e ${count.event}\` per process, all threads${count.event.endsWith(':u') ? ' (user space only)' : ' (user and kernel space)'}`,
  });
  return state;
}

interface Count {
  value: number;
  event: string;
  /** Percent of the time the counter ran (under 100: perf scaled the count up). */
  running: number;
}

/** The instructions line of `perf stat -x,` output (other lines, e.g. "Events enabled", are skipped). */
function parseCount(stderr: string): Count | null {
  for (const line of stderr.split('\n')) {
    // value,unit,event,run time,percent running,metric,metric unit
    const f = line.split(',');
    if (f.length < 5 || !f[2]?.startsWith('instructions')) continue;
    return { value: /^\d+$/.test(f[0]!) ? Number(f[0]) : Number.NaN, event: f[2], running: Number(f[4]) };
  }
  return null;
}

export interface Counting {
  /** Instructions by label since counting started (NaN for a label that could not be counted). */
  stop(): Promise<Record<string, number>>;
}

/**
 * Starts counting the instructions of `watch`'s processes (pids sharing a label are added up: one
 * perf per label); resolves once every counter runs, so that the measured window can begin.
 */
export async function startCounting(watch: Map<number, string>): Promise<Counting> {
  const byLabel = new Map<string, number[]>();
  for (const [pid, label] of watch) byLabel.set(label, [...(byLabel.get(label) ?? []), pid]);
  if (!state.enabled || !byLabel.size) {
    const none = Object.fromEntries([...byLabel.keys()].map((l) => [l, Number.NaN]));
    return { stop: async () => none };
  }
  const counters = [...byLabel].map(([label, pids]) => ({ label, counter: new Counter(pids) }));
  const started = await Promise.all(counters.map((c) => c.counter.command('enable')));
  if (!started.every(Boolean)) fail(counters.map((c) => c.counter).find((c) => c.problem)?.problem);
  return {
    async stop() {
      const counts = await Promise.all(counters.map((c) => c.counter.stop()));
      const problem = counters.map((c) => c.counter.problem).find(Boolean);
      if (problem) fail(problem);
      return Object.fromEntries(counters.map((c, i) => [c.label, counts[i]!]));
    },
  };
}

function fail(problem: string | undefined): void {
  if (!state.enabled) return;
  state.enabled = false;
  state.why = `not counted: perf failed during the run (${problem ?? 'unknown'})`;
  state.warn(`instruction counts stopped: ${problem ?? 'perf failed'}; the runs go on without them`);
}

/** One `perf stat` attached to some processes, started with its counters off, driven over fds 3/4. */
class Counter {
  private readonly proc: ChildProcess;
  private stderr = '';
  private readonly exit: Promise<void>;
  private acks: string[] = [];
  private waiting: (() => void) | null = null;
  problem: string | undefined;

  constructor(pids: number[]) {
    this.proc = spawn(
      PERF,
      ['stat', '-x,', '-e', 'instructions', '-D', '-1', '--control', 'fd:3,4', '-p', pids.join(',')],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    running.add(this.proc);
    this.proc.on('error', (e) => (this.problem ??= e.message));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.stdio[4]!.on('data', (d: Buffer) => {
      this.acks.push(...(d.toString().match(/ack/g) ?? []));
      this.waiting?.();
    });
    for (const s of [this.proc.stdio[3], this.proc.stdio[4]]) s?.on('error', () => {});
    this.exit = new Promise((resolve) =>
      this.proc.once('close', () => {
        running.delete(this.proc);
        this.waiting?.();
        resolve();
      }),
    );
  }

  private get gone(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** Sends `enable` or `disable`; resolves true once perf acknowledges it. */
  async command(what: 'enable' | 'disable'): Promise<boolean> {
    if (this.problem) return false;
    this.acks = [];
    const acked = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ACK_TIMEOUT_MS);
      this.waiting = () => {
        if (this.acks.length || this.gone) {
          clearTimeout(timer);
          resolve(this.acks.length > 0);
        }
      };
      this.waiting();
    });
    (this.proc.stdio[3] as NodeJS.WritableStream | null)?.write(`${what}\n`);
    const ok = await acked;
    this.waiting = null;
    if (!ok) this.problem ??= this.describe(`perf did not acknowledge "${what}"`);
    return ok;
  }

  /** Stops counting and returns the count (NaN on any failure). */
  async stop(): Promise<number> {
    await this.command('disable');
    if (!this.gone) this.proc.kill('SIGINT');
    const killed = setTimeout(() => this.proc.kill('SIGKILL'), ACK_TIMEOUT_MS);
    await this.exit;
    clearTimeout(killed);
    if (this.problem) return Number.NaN;
    const count = parseCount(this.stderr);
    if (!count || !Number.isFinite(count.value)) {
      this.problem = this.describe('perf printed no count');
      return Number.NaN;
    }
    if (count.running < 99.5)
      state.warn(`perf counted instructions ${count.running}% of the time (scaled up): multiplexed counters`);
    return count.value;
  }

  private describe(what: string): string {
    const last = this.stderr.trim().split('\n').slice(-2).join(' / ');
    return last ? `${what}: ${last}` : what;
  }
}

/** Millions of instructions per operation, 2 decimals; `–` when not counted. */
export function minstr(instructions: number | undefined, ops: number): string {
  return instructions !== undefined && Number.isFinite(instructions) && ops > 0
    ? (instructions / ops / 1e6).toFixed(2)
    : '–';
}
