// Child processes of the bench: the provider simulators, gateway instances and the fan-out floor,
// each a Node process with an IPC channel, pinned to a core with taskset where the machine has two.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Pinning {
  /** Pinning is on: two cores or more and `taskset` present. */
  enabled: boolean;
  /** Core of the gateway instances (and the fan-out floor server, and the yoga-alone reference). */
  gatewayCpu: number;
  /** Core of the simulators, the load generator and the subscribers. */
  driverCpu: number;
  why: string;
}

export function pinning(wanted: boolean): Pinning {
  const cores = availableParallelism();
  const taskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!wanted)
    return { enabled: false, gatewayCpu: 1, driverCpu: 0, why: 'pinning turned off (BENCH_PIN=0)' };
  if (cores < 2)
    return { enabled: false, gatewayCpu: 0, driverCpu: 0, why: `only ${cores} core: nothing pinned` };
  if (!taskset)
    return { enabled: false, gatewayCpu: 1, driverCpu: 0, why: 'taskset not found: nothing pinned' };
  return {
    enabled: true,
    gatewayCpu: 1,
    driverCpu: 0,
    why: 'gateway on CPU 1; simulators, load generator and subscribers on CPU 0',
  };
}

/** Pins a process (every thread: main, libuv pool, V8 helpers) to `cpu`. */
export function pin(pid: number, cpu: number): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`taskset could not pin process ${pid} to CPU ${cpu}`);
}

type Message = Record<string, unknown> & { type: string };

export interface Child {
  label: string;
  pid: number;
  /** The child's `ready` message. */
  ready: Message;
  /** Sends a request and resolves with the child's answer to it. */
  ask<T = Message>(message: Message, timeoutMs?: number): Promise<T>;
  /** The last lines the child printed (for a failure report). */
  logs(): string;
  /** Asks the child to close and exit (a CPU profile is written then); kills it if it does not. */
  stop(): Promise<void>;
  exited: boolean;
}

export interface SpawnOptions {
  label: string;
  script: string;
  cpu: number | null;
  env?: Record<string, string>;
  /**
   * More environment, known later (the simulators' URLs): the child loads its modules, says
   * `loaded`, and gets this as a `configure` message before it starts.
   */
  configure?: Promise<Record<string, string>>;
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

const running = new Set<ChildProcess>();

/** Kills every child still running (by its own pid), e.g. on an error or Ctrl-C. */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const started = performance.now();
  // Started on any core (start-up is mostly compiling, and several start at once), pinned once ready.
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(proc);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let nextId = 1;
  const pending = new Map<number, (m: Message) => void>();
  let onReady: ((m: Message) => void) | null = null;
  proc.on('message', (m: Message & { id?: number }) => {
    if (m.type === 'loaded')
      void options.configure?.then(
        (env) => proc.send({ type: 'configure', env }),
        () => proc.kill('SIGKILL'),
      );
    if (m.type === 'ready') onReady?.(m);
    else if (m.id !== undefined) {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    }
  });
  const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exit.then(() => running.delete(proc));
  const ready = await new Promise<Message>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.label} did not start in time:\n${lines.slice(-30).join('\n')}`)),
      options.startTimeoutMs ?? 60_000,
    );
    onReady = (m) => {
      clearTimeout(timer);
      resolve(m);
    };
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.label} exited while starting:\n${lines.slice(-30).join('\n')}`));
    });
  });
  if (options.cpu !== null) pin(proc.pid!, options.cpu);
  if (process.env.BENCH_DEBUG)
    console.log(`  ${options.label} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const child: Child = {
    label: options.label,
    pid: proc.pid!,
    ready,
    exited: false,
    ask<T>(message: Message, timeoutMs = 30_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.label} did not answer ${message.type}`));
        }, timeoutMs);
        pending.set(id, (m) => {
          clearTimeout(timer);
          resolve(m as T);
        });
        proc.send({ ...message, id });
      });
    },
    logs: () => lines.join('\n'),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.send({ type: 'stop', id: 0 });
      const killed = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killed);
      child.exited = true;
    },
  };
  void exit.then(() => (child.exited = true));
  return child;
}

/** CPU time of processes by pid (from /proc), for "how busy was each core during a run". */
export class CpuMeter {
  private readonly start = new Map<number, number>();
  private readonly startedAt = performance.now();
  private readonly selfStart = process.cpuUsage();

  constructor(private readonly pids: number[]) {
    for (const pid of pids) this.start.set(pid, cpuTicks(pid));
  }

  /** Percent of one core used by each pid since the meter started, and by this process. */
  stop(): { byPid: Map<number, number>; self: number } {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const byPid = new Map<number, number>();
    for (const pid of this.pids) {
      const ticks = cpuTicks(pid) - (this.start.get(pid) ?? 0);
      byPid.set(pid, (ticks / CLOCK_TICKS / seconds) * 100);
    }
    const self = process.cpuUsage(this.selfStart);
    return { byPid, self: ((self.user + self.system) / 1e6 / seconds) * 100 };
  }
}

const CLOCK_TICKS = 100;

function cpuTicks(pid: number): number {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return Number.NaN;
  const stat = readFileSync(path, 'utf8');
  // Fields after the command (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Resident memory of a process from /proc, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}
