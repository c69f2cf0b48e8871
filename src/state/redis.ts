import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { runScript } from './lua.ts';
import { RedisEvents } from './redis-events.ts';
import {
  judge,
  type IdempotencyRecord,
  type IdempotencyStore,
  type RateLimitStore,
  type RecordStore,
  type StateOptions,
  type StateStore,
} from './types.ts';

// Check-and-write in one step on the server: between a GET and a SET another instance could
// take over a lapsed lease, and we must not overwrite or delete its record.
const COMPLETE_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;
const KEEP_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).owner ~= ARGV[1] then return 0 end
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
    await runScript(
      this.redis,
      COMPLETE_IF_OWNER,
      [this.k(key)],
      [owner, JSON.stringify(record), ttlSeconds],
    );
  }

  async release(key: string, owner: string) {
    await runScript(this.redis, RELEASE_IF_OWNER, [this.k(key)], [owner]);
  }

  async peek(key: string) {
    const raw = await this.redis.get(this.k(key));
    return raw === null ? null : (JSON.parse(raw) as IdempotencyRecord);
  }

  async markInDoubt(key: string, owner: string, fingerprint: string, doubt: string, ttlSeconds: number) {
    const record: IdempotencyRecord = { fingerprint, value: null, owner, doubt };
    // Only while the record is still this owner's (a lapsed lease may have been taken over).
    await runScript(this.redis, KEEP_IF_OWNER, [this.k(key)], [owner, JSON.stringify(record), ttlSeconds]);
  }
}

// A new id takes the next sequence number (its listing position); a replaced one keeps its own.
const PUT_RECORD = `
if redis.call('ZSCORE', KEYS[2], ARGV[1]) == false then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** Values in a hash, listing order in a sorted set scored by insertion sequence. */
class RedisRecords implements RecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(collection: string) {
    const base = `${this.prefix}rec:${collection}`;
    return { values: base, order: `${base}:order`, seq: `${base}:seq` };
  }

  async put(collection: string, id: string, value: string) {
    const k = this.k(collection);
    await runScript(this.redis, PUT_RECORD, [k.values, k.order, k.seq], [id, value]);
  }

  async get(collection: string, id: string) {
    return this.redis.hget(this.k(collection).values, id);
  }

  async getMany(collection: string, ids: readonly string[]) {
    if (!ids.length) return [];
    return this.redis.hmget(this.k(collection).values, ...ids);
  }

  async list(collection: string, afterId: string | null, limit: number) {
    const k = this.k(collection);
    let start = 0;
    if (afterId !== null) {
      const rank = await this.redis.zrevrank(k.order, afterId);
      if (rank === null) return { items: [], hasMore: false };
      start = rank + 1;
    }
    const ids = await this.redis.zrevrange(k.order, start, start + limit);
    const page = ids.slice(0, limit);
    const values = page.length ? await this.redis.hmget(k.values, ...page) : [];
    return {
      items: page.flatMap((id, i) => (values[i] === null ? [] : [{ id, value: values[i]! }])),
      hasMore: ids.length > limit,
    };
  }
}

// INCRBY (a block of hits, see RateLimiter) and the window's expiry in one step: a counter left
// without a TTL would never reset. A window starts at its first hit, on whichever instance sees it.
const RATE_HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

class RedisRateLimits implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number, hits = 1) {
    const [count, resetInMs] = (await runScript(
      this.redis,
      RATE_HIT,
      [`${this.prefix}rate:${key}`],
      [windowMs, hits],
    )) as [number, number];
    return { count, resetInMs };
  }
}

/** Every key under `prefix` with its contents, whatever the Redis type. */
async function dumpPrefix(redis: Redis, prefix: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') out.push([key, (await redis.get(key)) ?? '']);
      else if (type === 'hash')
        for (const [f, v] of Object.entries(await redis.hgetall(key))) out.push([`${key}:${f}`, v]);
      else if (type === 'zset') out.push([key, (await redis.zrange(key, 0, -1)).join(',')]);
      else if (type === 'list') out.push([key, (await redis.lrange(key, 0, -1)).join(',')]);
      else if (type === 'set') out.push([key, (await redis.smembers(key)).join(',')]);
      else if (type === 'stream')
        for (const [id, fields] of await redis.xrange(key, '-', '+'))
          out.push([`${key}:${id}`, fields.join(',')]);
      else out.push([key, `(${type})`]);
    }
  } while (cursor !== '0');
  return out;
}

export async function createRedisState(
  url: string,
  prefix = 'payout-gateway:',
  options: StateOptions = {},
): Promise<StateStore> {
  // Auto-pipelining: the commands of concurrent requests share one write (and one syscall) per tick;
  // without it a gateway core served a fifth fewer reads (bench/PROFILING.md, third pass).
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    enableAutoPipelining: true,
  });
  await redis.connect();
  const subscriber = redis.duplicate({ enableAutoPipelining: false });
  const events = new RedisEvents(redis, subscriber, prefix, options.logMaxLength);
  await events.start();
  return {
    kind: 'redis',
    idempotency: new RedisIdempotency(redis, prefix),
    records: new RedisRecords(redis, prefix),
    events,
    rateLimits: new RedisRateLimits(redis, prefix),
    dump: () => dumpPrefix(redis, prefix),
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}
