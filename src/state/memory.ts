import { randomUUID } from 'node:crypto';
import {
  judge,
  type IdempotencyRecord,
  type IdempotencyStore,
  type RateLimitStore,
  type RecordStore,
  type StateOptions,
  type StateStore,
} from './types.ts';
import { MemoryEvents } from './memory-events.ts';

class MemoryIdempotency implements IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord & { expiresAt: number }>();

  private live(key: string) {
    const rec = this.records.get(key);
    if (rec && rec.expiresAt <= Date.now()) {
      this.records.delete(key);
      return undefined;
    }
    return rec;
  }

  async reserve(key: string, fingerprint: string, leaseSeconds: number) {
    const existing = this.live(key);
    if (existing) return judge(existing, fingerprint);
    const owner = randomUUID();
    this.records.set(key, { fingerprint, value: null, owner, expiresAt: Date.now() + leaseSeconds * 1000 });
    return { kind: 'reserved' as const, owner };
  }

  async complete(key: string, owner: string, fingerprint: string, value: string, ttlSeconds: number) {
    const existing = this.live(key);
    if (existing && existing.owner !== owner) return;
    this.records.set(key, { fingerprint, value, owner: null, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async release(key: string, owner: string) {
    if (this.live(key)?.owner === owner) this.records.delete(key);
  }

  async peek(key: string) {
    const rec = this.live(key);
    return rec
      ? { fingerprint: rec.fingerprint, value: rec.value, owner: rec.owner, doubt: rec.doubt ?? null }
      : null;
  }

  async markInDoubt(key: string, owner: string, fingerprint: string, doubt: string, ttlSeconds: number) {
    if (this.live(key)?.owner !== owner) return;
    this.records.set(key, {
      fingerprint,
      value: null,
      owner,
      doubt,
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
  }
}

class MemoryRecords implements RecordStore {
  /** A Map keeps insertion order, which is the listing order reversed. */
  readonly collections = new Map<string, Map<string, string>>();

  private of(collection: string) {
    let c = this.collections.get(collection);
    if (!c) this.collections.set(collection, (c = new Map()));
    return c;
  }

  async put(collection: string, id: string, value: string) {
    this.of(collection).set(id, value);
  }

  async get(collection: string, id: string) {
    return this.of(collection).get(id) ?? null;
  }

  async getMany(collection: string, ids: readonly string[]) {
    const c = this.of(collection);
    return ids.map((id) => c.get(id) ?? null);
  }

  async list(collection: string, afterId: string | null, limit: number) {
    const ids = [...this.of(collection).keys()].reverse();
    const start = afterId === null ? 0 : ids.indexOf(afterId) + 1;
    if (afterId !== null && start === 0) return { items: [], hasMore: false };
    const slice = ids.slice(start, start + limit);
    return {
      items: slice.map((id) => ({ id, value: this.of(collection).get(id)! })),
      hasMore: start + limit < ids.length,
    };
  }
}

class MemoryRateLimits implements RateLimitStore {
  readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(key: string, windowMs: number, hits = 1) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      // Keys are principals (a handful), but drop ended windows so a long run keeps nothing stale.
      for (const [k, old] of this.windows) if (old.endsAt <= now) this.windows.delete(k);
      this.windows.set(key, (w = { count: 0, endsAt: now + windowMs }));
    }
    w.count += hits;
    return { count: w.count, resetInMs: w.endsAt - now };
  }
}

export function createMemoryState(options: StateOptions = {}): StateStore {
  const idempotency = new MemoryIdempotency();
  const records = new MemoryRecords();
  const events = new MemoryEvents(options.logMaxLength);
  return {
    kind: 'memory',
    idempotency,
    records,
    events,
    rateLimits: new MemoryRateLimits(),
    async dump() {
      const out: [string, string][] = [...idempotency.records].map(([k, v]) => [
        `idem:${k}`,
        JSON.stringify(v),
      ]);
      for (const [name, c] of records.collections)
        for (const [id, value] of c) out.push([`rec:${name}:${id}`, value]);
      for (const [k, v] of events.entries) out.push([`ledger:${k}`, v]);
      for (const e of events.log) out.push([`events:${e.cursor}`, e.value]);
      return out;
    },
    ping: async () => {},
    close: async () => {},
  };
}
