// The event state of one instance: the ledger, log, schedule and delivery marks in maps, and live
// announcements on an in-process EventTarget. Each method runs without an await in its middle, so a
// compare-and-set is atomic within the process, as the Redis script is across instances.
import { compareCursors, type EventState, type LiveTarget, type LogEntry } from './types.ts';

type Listener = (event: CustomEvent<LogEntry>) => void;

/** An EventTarget that counts its listeners, so a test can see that unsubscribing leaves none. */
export class CountingTarget implements LiveTarget {
  private readonly target = new EventTarget();
  private readonly listeners = new Set<Listener>();

  addEventListener(topic: string, listener: Listener): void {
    this.listeners.add(listener);
    this.target.addEventListener(topic, listener as EventListener);
  }

  removeEventListener(topic: string, listener: Listener): void {
    this.listeners.delete(listener);
    this.target.removeEventListener(topic, listener as EventListener);
  }

  dispatch(topic: string, detail: LogEntry): void {
    this.target.dispatchEvent(new CustomEvent(topic, { detail }));
  }

  get size(): number {
    return this.listeners.size;
  }
}

export class MemoryEvents implements EventState {
  readonly topic = 'payout-status';
  readonly live = new CountingTarget();
  readonly entries = new Map<string, string>();
  readonly log: LogEntry[] = [];
  readonly due = new Map<string, { dueMs: number; attempts: number; leaseEnd: number }>();
  private readonly marks = new Map<string, number>();
  private last = { ms: 0, n: 0 };
  /** The newest cursor trimmed away, if any. */
  private trimmed: string | null = null;

  constructor(private readonly maxLength = 100_000) {}

  async ledger(keys: readonly string[]) {
    return keys.map((k) => this.entries.get(k) ?? null);
  }

  async commit(key: string, expected: number, value: string, event: string) {
    const current = this.entries.get(key);
    const sequence = current ? (JSON.parse(current) as { sequence: number }).sequence : 0;
    if (sequence !== expected) return null;
    this.entries.set(key, value);
    const ms = Date.now();
    // Redis Stream ids: milliseconds, then a counter within the millisecond; never going back.
    this.last = ms > this.last.ms ? { ms, n: 0 } : { ms: this.last.ms, n: this.last.n + 1 };
    const entry = { cursor: `${this.last.ms}-${this.last.n}`, value: event };
    this.log.push(entry);
    if (this.log.length > this.maxLength) this.trimmed = this.log.shift()!.cursor;
    this.live.dispatch(this.topic, entry);
    return entry.cursor;
  }

  async read(after: string | null, limit: number) {
    const start = after === null ? 0 : this.log.findIndex((e) => compareCursors(e.cursor, after) > 0);
    return start < 0 ? [] : this.log.slice(start, start + limit);
  }

  async head() {
    return this.log.at(-1)?.cursor ?? null;
  }

  async trimmedAfter(cursor: string) {
    return this.trimmed !== null && compareCursors(this.trimmed, cursor) > 0;
  }

  listenerCount() {
    return this.live.size;
  }

  async schedule(
    member: string,
    dueMs: number,
    attempts: number | null,
    { mode = 'set', release = false }: { mode?: 'set' | 'nx' | 'xx'; release?: boolean } = {},
  ) {
    const current = this.due.get(member);
    if ((mode === 'nx' && current) || (mode === 'xx' && !current)) return;
    const leaseEnd = release ? 0 : (current?.leaseEnd ?? 0);
    this.due.set(member, {
      dueMs: leaseEnd > Date.now() ? Math.max(dueMs, leaseEnd) : dueMs,
      attempts: attempts ?? current?.attempts ?? 0,
      leaseEnd,
    });
  }

  async unschedule(member: string) {
    this.due.delete(member);
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number) {
    const claimed = [...this.due]
      .filter(([, d]) => d.dueMs <= nowMs)
      .sort((a, b) => a[1].dueMs - b[1].dueMs)
      .slice(0, limit);
    for (const [, d] of claimed) d.dueMs = d.leaseEnd = nowMs + leaseMs;
    return claimed.map(([member, d]) => ({ member, attempts: d.attempts }));
  }

  async seen(key: string) {
    const until = this.marks.get(key);
    if (until !== undefined && until <= Date.now()) this.marks.delete(key);
    return (this.marks.get(key) ?? 0) > Date.now();
  }

  async markSeen(key: string, ttlSeconds: number) {
    const now = Date.now();
    // Expired marks go when the map grows, so a long-running instance does not keep them all.
    if (this.marks.size >= 10_000)
      for (const [k, until] of this.marks) if (until <= now) this.marks.delete(k);
    this.marks.set(key, now + ttlSeconds * 1000);
  }
}
