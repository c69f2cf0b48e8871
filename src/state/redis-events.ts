// The event state shared by every instance on one Redis: the ledger in a hash, the event log in a
// Redis Stream, live announcements through Redis pub/sub (@graphql-yoga/redis-event-target), the
// poll schedule in a sorted set. The compare-and-set, the append and the announcement are one Lua
// script: a change is either recorded, logged and announced, or none of them.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import { runScript } from './lua.ts';
import { compareCursors, type EventState, type LiveTarget, type LogEntry } from './types.ts';

// KEYS: ledger hash, log stream. ARGV: payout key, expected sequence, value, event, max log length,
// channel. The published message is what redis-event-target parses into the event's detail.
const COMMIT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local sequence = 0
if current then sequence = cjson.decode(current).sequence end
if sequence ~= tonumber(ARGV[2]) then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'e', ARGV[4])
redis.call('PUBLISH', ARGV[6], cjson.encode({ cursor = id, value = ARGV[4] }))
return id`;

// KEYS: schedule zset, attempts hash, lease hash. ARGV: now, lease end, limit.
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], member)
  redis.call('HSET', KEYS[3], member, ARGV[2])
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', KEYS[2], member) or '0'
end
return out`;

// KEYS: schedule zset, attempts hash, lease hash. ARGV: member, due, attempts ('' keeps them),
// mode ('SET' | 'NX' | 'XX'), now, release ('1' | '0').
const SCHEDULE = `
local exists = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (ARGV[4] == 'NX' and exists) or (ARGV[4] == 'XX' and not exists) then return 0 end
local due = tonumber(ARGV[2])
if ARGV[6] == '1' then
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  local lease = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
  if lease > tonumber(ARGV[5]) and lease > due then due = lease end
end
redis.call('ZADD', KEYS[1], due, ARGV[1])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
return 1`;

type Listener = (event: CustomEvent<LogEntry>) => void;

export class RedisEvents implements EventState {
  readonly topic: string;
  readonly live: LiveTarget;
  private readonly target: ReturnType<typeof createRedisEventTarget>;
  private readonly listeners = new Set<Listener>();
  private readonly keys: {
    ledger: string;
    log: string;
    due: string;
    attempts: string;
    lease: string;
    seen: string;
  };

  constructor(
    private readonly redis: Redis,
    /** A second connection: one in subscriber mode can send nothing else. */
    readonly subscriber: Redis,
    prefix: string,
    private readonly maxLength = 100_000,
  ) {
    this.topic = `${prefix}payout-status`;
    this.keys = {
      ledger: `${prefix}ledger`,
      log: `${prefix}events`,
      due: `${prefix}poll:due`,
      attempts: `${prefix}poll:attempts`,
      lease: `${prefix}poll:lease`,
      seen: `${prefix}seen:`,
    };
    this.target = createRedisEventTarget({ publishClient: redis, subscribeClient: subscriber });
    this.live = {
      addEventListener: (topic, listener) => {
        this.listeners.add(listener);
        this.target.addEventListener(topic, listener as (e: CustomEvent) => void);
      },
      removeEventListener: (topic, listener) => {
        this.listeners.delete(listener);
        this.target.removeEventListener(topic, listener as (e: CustomEvent) => void);
      },
    };
  }

  /**
   * Subscribes this instance to the channel for good before anyone listens: a listener added later
   * is then live at once, so a replay that follows it cannot miss an event published meanwhile.
   */
  async start(): Promise<void> {
    this.target.addEventListener(this.topic, (e: CustomEvent<LogEntry>) => {
      this.lastHeard = e.detail.cursor;
    });
    await this.subscriber.subscribe(this.topic);
    // Pub/sub keeps nothing for a connection that is away: after a reconnect, what was committed
    // meanwhile is read from the log and announced here as if it had been heard (subscriptions
    // skip what they already have by cursor).
    this.subscriber.on('ready', () => void this.catchUp());
  }

  private lastHeard: string | null = null;

  private async catchUp(): Promise<void> {
    if (this.lastHeard === null) return;
    try {
      for (const entry of await this.read(this.lastHeard, 10_000))
        this.subscriber.emit('message', this.topic, JSON.stringify(entry));
    } catch {
      // Still reconnecting: the next 'ready' tries again.
    }
  }

  async ledger(keys: readonly string[]) {
    return keys.length ? this.redis.hmget(this.keys.ledger, ...keys) : [];
  }

  async commit(key: string, expected: number, value: string, event: string) {
    const { ledger, log } = this.keys;
    const id = await runScript(
      this.redis,
      COMMIT,
      [ledger, log],
      [key, expected, value, event, this.maxLength, this.topic],
    );
    return typeof id === 'string' ? id : null;
  }

  async read(after: string | null, limit: number) {
    const entries = await this.redis.xrange(
      this.keys.log,
      after === null ? '-' : `(${after}`,
      '+',
      'COUNT',
      limit,
    );
    return entries.map(([cursor, fields]) => ({ cursor, value: fields[1]! }));
  }

  async head() {
    const [last] = await this.redis.xrevrange(this.keys.log, '+', '-', 'COUNT', 1);
    return last?.[0] ?? null;
  }

  /**
   * Trimming does not move Redis's max-deleted-entry-id, so judge by the oldest entry kept: once
   * entries were trimmed, a cursor older than it may have missed some (when the cursor is exactly
   * the newest trimmed entry this says so needlessly; the client then reads afresh).
   */
  async trimmedAfter(cursor: string) {
    let info: unknown[];
    try {
      info = (await this.redis.xinfo('STREAM', this.keys.log)) as unknown[];
    } catch {
      return false; // no stream yet: nothing was trimmed
    }
    const field = (name: string) => info[info.indexOf(name) + 1];
    const trimmed = Number(field('entries-added')) > Number(field('length'));
    const first = field('first-entry') as [string, string[]] | null;
    return trimmed && (first === null || compareCursors(cursor, first[0]) < 0);
  }

  listenerCount() {
    return this.listeners.size;
  }

  async schedule(
    member: string,
    dueMs: number,
    attempts: number | null,
    { mode = 'set', release = false }: { mode?: 'set' | 'nx' | 'xx'; release?: boolean } = {},
  ) {
    const { due, attempts: tries, lease } = this.keys;
    await runScript(
      this.redis,
      SCHEDULE,
      [due, tries, lease],
      [member, dueMs, attempts ?? '', mode.toUpperCase(), Date.now(), release ? '1' : '0'],
    );
  }

  async unschedule(member: string) {
    const { due, attempts, lease } = this.keys;
    await this.redis.multi().zrem(due, member).hdel(attempts, member).hdel(lease, member).exec();
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number) {
    const flat = (await runScript(
      this.redis,
      CLAIM,
      [this.keys.due, this.keys.attempts, this.keys.lease],
      [nowMs, nowMs + leaseMs, limit],
    )) as string[];
    const out: { member: string; attempts: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, attempts: Number(flat[i + 1]) });
    return out;
  }

  async seen(key: string) {
    return (await this.redis.exists(`${this.keys.seen}${key}`)) === 1;
  }

  async markSeen(key: string, ttlSeconds: number) {
    await this.redis.set(`${this.keys.seen}${key}`, '1', 'EX', ttlSeconds);
  }
}
