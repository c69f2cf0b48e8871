// The rate-limit store's contract (fixed windows of hit counts), on memory and on real Redis.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/types.ts';
import { openTestState, stateKinds } from '../helpers/app.ts';

describe.each(stateKinds())('rate-limit store (%s)', (kind) => {
  let state: StateStore;
  beforeEach(async () => {
    state = await openTestState(kind);
  });
  afterEach(() => state.close());

  it('counts hits per key within a window that starts at the first hit', async () => {
    const first = await state.rateLimits.hit('a', 10_000);
    expect(first.count).toBe(1);
    expect(first.resetInMs).toBeGreaterThan(9_000);
    expect(first.resetInMs).toBeLessThanOrEqual(10_000);
    expect((await state.rateLimits.hit('a', 10_000)).count).toBe(2);
    expect((await state.rateLimits.hit('b', 10_000)).count).toBe(1);
    const third = await state.rateLimits.hit('a', 10_000);
    expect(third.count).toBe(3);
    // Later hits do not move the window's end.
    expect(third.resetInMs).toBeLessThanOrEqual(first.resetInMs);
  });

  it('counts several hits at once', async () => {
    expect((await state.rateLimits.hit('e', 10_000, 5)).count).toBe(5);
    expect((await state.rateLimits.hit('e', 10_000)).count).toBe(6);
    expect((await state.rateLimits.hit('e', 10_000, 3)).count).toBe(9);
  });

  it('counts every concurrent hit once', async () => {
    const hits = await Promise.all(Array.from({ length: 50 }, () => state.rateLimits.hit('c', 10_000)));
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('starts counting again once the window has ended', async () => {
    await state.rateLimits.hit('d', 100);
    expect((await state.rateLimits.hit('d', 100)).count).toBe(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(await state.rateLimits.hit('d', 100)).toMatchObject({ count: 1 });
  });
});
