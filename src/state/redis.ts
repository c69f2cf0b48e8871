import { Redis } from 'ioredis';
import { judge, type IdempotencyRecord, type IdempotencyStore, type StateStore } from './types.ts';

class RedisIdempotency implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string) {
    return `${this.prefix}idem:${key}`;
  }

  async reserve(key: string, fingerprint: string, ttlSeconds: number) {
    const record: IdempotencyRecord = { fingerprint, value: null };
    // SET NX is the cross-instance lock: exactly one request wins a fresh key.
    const won = await this.redis.set(this.k(key), JSON.stringify(record), 'EX', ttlSeconds, 'NX');
    if (won === 'OK') return { kind: 'reserved' as const };
    const raw = await this.redis.get(this.k(key));
    // Expired between the two calls: treat as in progress; the client's retry will win the key.
    if (raw === null) return { kind: 'in_progress' as const };
    return judge(JSON.parse(raw) as IdempotencyRecord, fingerprint);
  }

  async complete(key: string, fingerprint: string, value: string, ttlSeconds: number) {
    const record: IdempotencyRecord = { fingerprint, value };
    await this.redis.set(this.k(key), JSON.stringify(record), 'EX', ttlSeconds);
  }

  async release(key: string) {
    await this.redis.del(this.k(key));
  }
}

export async function createRedisState(url: string, prefix = 'payout-gateway:'): Promise<StateStore> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000 });
  await redis.connect();
  return {
    kind: 'redis',
    idempotency: new RedisIdempotency(redis, prefix),
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit();
    },
  };
}
