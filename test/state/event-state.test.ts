// The event state's contract, for both implementations: a compare-and-set that one writer of many
// wins, each commit logged and announced in order, replay after a cursor, the poll schedule's
// claims (one claimer per due payout), and trimming that a replay can detect.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { LogEntry, StateStore } from '../../src/state/types.ts';
import { createMemoryState } from '../../src/state/memory.ts';
import { createRedisState } from '../../src/state/redis.ts';
import { openTestState, stateKinds } from '../helpers/app.ts';

const value = (sequence: number, note = '') => JSON.stringify({ sequence, note });

describe.each(stateKinds())('event state (%s)', (kind) => {
  let state: StateStore;
  beforeAll(async () => {
    state = await openTestState(kind);
  });
  afterAll(() => state.close());
  const key = () => `CASAPAY:po_${randomBytes(6).toString('hex')}`;

  it('lets exactly one of many concurrent writers commit the next sequence', async () => {
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => state.events.commit(k, 0, value(1, `w${i}`), `e${i}`)),
    );
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(1);
    const [stored] = await state.events.ledger([k]);
    expect(JSON.parse(stored!).sequence).toBe(1);
    // A writer that read sequence 0 cannot overwrite sequence 1; one that read 1 can move it on.
    expect(await state.events.commit(k, 0, value(1), 'late')).toBeNull();
    expect(await state.events.commit(k, 1, value(2), 'next')).not.toBeNull();
  });

  it('logs and announces every commit in order, and replays after a cursor', async () => {
    const heard: LogEntry[] = [];
    const listener = (e: CustomEvent<LogEntry>) => heard.push(e.detail);
    state.events.live.addEventListener(state.events.topic, listener);
    const k = key();
    const start = await state.events.head();
    const cursors: string[] = [];
    for (let s = 1; s <= 5; s++) cursors.push((await state.events.commit(k, s - 1, value(s), `event-${s}`))!);
    await expect.poll(() => heard.filter((h) => h.value.startsWith('event-')).length).toBe(5);
    state.events.live.removeEventListener(state.events.topic, listener);
    expect(heard.filter((h) => cursors.includes(h.cursor)).map((h) => h.value)).toEqual(
      [1, 2, 3, 4, 5].map((s) => `event-${s}`),
    );
    const replay = await state.events.read(cursors[1]!, 100);
    expect(replay.filter((e) => cursors.includes(e.cursor)).map((e) => e.value)).toEqual([
      'event-3',
      'event-4',
      'event-5',
    ]);
    if (start === null)
      expect((await state.events.read(null, 2)).map((e) => e.value)).toEqual(['event-1', 'event-2']);
    expect(state.events.listenerCount()).toBe(0);
  });

  it('claims each due payout for one claimer only, until its lease lapses', async () => {
    const members = Array.from({ length: 30 }, key);
    const now = Date.now();
    for (const m of members) await state.events.schedule(m, now - 1000, 2);
    const claims = await Promise.all(Array.from({ length: 6 }, () => state.events.claimDue(now, 50, 1000)));
    const claimed = claims.flat().filter((c) => members.includes(c.member));
    expect(claimed.map((c) => c.member).sort()).toEqual([...members].sort());
    expect(claimed.every((c) => c.attempts === 2)).toBe(true);
    // Leased: not due again until the lease ends.
    expect(
      (await state.events.claimDue(now + 10, 50, 1000)).filter((c) => members.includes(c.member)),
    ).toEqual([]);
    const after = await state.events.claimDue(now + 60, 50, 1000);
    expect(after.filter((c) => members.includes(c.member))).toHaveLength(30);
    for (const m of members) await state.events.unschedule(m);
    expect(
      (await state.events.claimDue(now + 10_000, 50, 1000)).filter((c) => members.includes(c.member)),
    ).toEqual([]);
  });

  it('schedules only an unscheduled payout with nx, and only a scheduled one with xx', async () => {
    const [a, b] = [key(), key()];
    const now = Date.now();
    await state.events.schedule(a, now + 60_000, 3);
    await state.events.schedule(a, now - 1, 0, { mode: 'nx' }); // already scheduled: unchanged
    await state.events.schedule(b, now - 1, 0, { mode: 'xx' }); // not scheduled: still not
    expect((await state.events.claimDue(now, 1000, 1000)).map((c) => c.member)).not.toContain(a);
    expect((await state.events.claimDue(now, 1000, 1000)).map((c) => c.member)).not.toContain(b);
    await state.events.schedule(a, now - 1, 0, { mode: 'xx' });
    expect((await state.events.claimDue(now, 1000, 1000)).map((c) => c.member)).toContain(a);
    await state.events.unschedule(a);
  });

  it('remembers a delivery id for its retention', async () => {
    const id = `CASAPAY:evt_${randomBytes(6).toString('hex')}`;
    expect(await state.events.seen(id)).toBe(false);
    await state.events.markSeen(id, 60);
    expect(await state.events.seen(id)).toBe(true);
  });
});

describe.each(stateKinds())('event log trimming (%s)', (kind) => {
  it('tells a replay that entries after its cursor were trimmed away', async () => {
    const state =
      kind === 'redis'
        ? await createRedisState(inject('redisUrl'), `test:${randomBytes(6).toString('hex')}:`, {
            logMaxLength: 100,
          })
        : createMemoryState({ logMaxLength: 100 });
    try {
      const k = 'CASAPAY:po_trim';
      const first = (await state.events.commit(k, 0, value(1), 'e1'))!;
      expect(await state.events.trimmedAfter(first)).toBe(false);
      // Redis trims whole stream nodes (`MAXLEN ~`): write well past the limit.
      for (let s = 2; s <= 400; s++) await state.events.commit(k, s - 1, value(s), `e${s}`);
      expect(await state.events.trimmedAfter(first)).toBe(true);
      expect(await state.events.trimmedAfter((await state.events.head())!)).toBe(false);
    } finally {
      await state.close();
    }
  });
});

describe.runIf(stateKinds().includes('redis'))('live announcements on Redis', () => {
  it('leave the instance subscribed to its one channel, with no listener left behind', async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const state = await createRedisState(inject('redisUrl'), prefix);
    const probe = new Redis(inject('redisUrl'));
    try {
      const listeners = Array.from({ length: 100 }, () => () => {});
      for (const l of listeners) state.events.live.addEventListener(state.events.topic, l);
      expect(state.events.listenerCount()).toBe(100);
      for (const l of listeners) state.events.live.removeEventListener(state.events.topic, l);
      expect(state.events.listenerCount()).toBe(0);
      const [, subscribers] = (await probe.pubsub('NUMSUB', state.events.topic)) as [string, number];
      expect(subscribers).toBe(1);
    } finally {
      probe.disconnect();
      await state.close();
    }
  });
});

describe.runIf(stateKinds().includes('redis'))('a Redis subscriber connection that drops', () => {
  it('hears, after reconnecting, what was committed while it was away', async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const listening = await createRedisState(inject('redisUrl'), prefix);
    const writer = await createRedisState(inject('redisUrl'), prefix);
    const probe = new Redis(inject('redisUrl'));
    try {
      const heard: string[] = [];
      listening.events.live.addEventListener(listening.events.topic, (e) => heard.push(e.detail.value));
      await writer.events.commit('CASAPAY:po_drop', 0, value(1), 'before');
      await expect.poll(() => heard).toEqual(['before']);
      // Kill every pub/sub connection under this prefix's channel and write while they are gone.
      await probe.client('KILL', 'TYPE', 'pubsub');
      await writer.events.commit('CASAPAY:po_drop', 1, value(2), 'during-1');
      await writer.events.commit('CASAPAY:po_drop', 2, value(3), 'during-2');
      await expect.poll(() => heard, { timeout: 5000 }).toEqual(['before', 'during-1', 'during-2']);
      await writer.events.commit('CASAPAY:po_drop', 3, value(4), 'after');
      await expect.poll(() => heard.at(-1)).toBe('after');
      expect(heard.filter((h) => h.startsWith('during'))).toEqual(['during-1', 'during-2']);
    } finally {
      probe.disconnect();
      await Promise.all([listening.close(), writer.close()]);
    }
  });
});
