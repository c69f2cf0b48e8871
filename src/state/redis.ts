import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { judge, type IdempotencyRecord, type IdempotencyStore, type StateStore } from './types.ts';

// Check-and-write in one step on the server: between a GET and a SET another instance could
// take over a lapsed lease, and we must not overwrite or delete its record.
const COMPLETE_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;
const RELEASE_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

class RedisIdempotency implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string) {
    return `${this.prefix}idem:${key}`;
  }

  async reserve(key: string, fingerprint: string, leaseSeconds: number) {
    const owner = randomUUID();
    const record: IdempotencyRecord = { fingerprint, value: null, owner };
    // SET NX is the cross-instance lock: exactly one request wins a fresh key.
    const won = await this.redis.set(this.k(key), JSON.stringify(record), 'EX', leaseSeconds, 'NX');
    if (won === 'OK') return { kind: 'reserved' as const, owner };
    const raw = await this.redis.get(this.k(key));
    // Expired between the two calls: treat as in progress; the client's retry will win the key.
    if (raw === null) return { kind: 'in_progress' as const };
    return judge(JSON.parse(raw) as IdempotencyRecord, fingerprint);
  }

  async complete(key: string, owner: string, fingerprint: string, value: string, ttlSeconds: number) {
    const record: IdempotencyRecord = { fingerprint, value, owner: null };
    await this.redis.eval(COMPLETE_IF_OWNER, 1, this.k(key), owner, JSON.stringify(record), ttlSeconds);
  }

  async release(key: string, owner: string) {
    await this.redis.eval(RELEASE_IF_OWNER, 1, this.k(key), owner);
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
