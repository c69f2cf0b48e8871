import { randomUUID } from 'node:crypto';
import { judge, type IdempotencyRecord, type IdempotencyStore, type StateStore } from './types.ts';

class MemoryIdempotency implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord & { expiresAt: number }>();

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
}

export function createMemoryState(): StateStore {
  return {
    kind: 'memory',
    idempotency: new MemoryIdempotency(),
    ping: async () => {},
    close: async () => {},
  };
}
