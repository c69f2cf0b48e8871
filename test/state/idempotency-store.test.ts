// The idempotency store's contract, for both implementations: one winner per key, and an
// instance whose lease lapsed can neither finish nor free the reservation another now holds.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/types.ts';
import { openTestState, stateKinds } from '../helpers/app.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(stateKinds())('idempotency store (%s)', (kind) => {
  let state: StateStore;
  beforeAll(async () => {
    state = await openTestState(kind);
  });
  afterAll(() => state.close());
  const key = () => randomBytes(8).toString('hex');

  it('gives a fresh key to exactly one of many concurrent claims', async () => {
    const k = key();
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => state.idempotency.reserve(k, 'fp', 60)),
    );
    expect(claims.filter((c) => c.kind === 'reserved')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(9);
    expect(await state.idempotency.reserve(k, 'other', 60)).toEqual({ kind: 'mismatch' });
  });

  it('lets only the owner complete or release', async () => {
    const k = key();
    const first = await state.idempotency.reserve(k, 'fp', 60);
    if (first.kind !== 'reserved') throw new Error('expected to win the key');
    await state.idempotency.release(k, 'someone-else');
    await state.idempotency.complete(k, 'someone-else', 'fp', 'po_wrong', 60);
    expect(await state.idempotency.reserve(k, 'fp', 60)).toEqual({ kind: 'in_progress' });
    await state.idempotency.complete(k, first.owner, 'fp', 'po_1', 60);
    expect(await state.idempotency.reserve(k, 'fp', 60)).toEqual({ kind: 'completed', value: 'po_1' });
  });

  it('after a lapsed lease, the new holder’s reservation survives the old holder', async () => {
    const k = key();
    const old = await state.idempotency.reserve(k, 'fp', 1);
    if (old.kind !== 'reserved') throw new Error('expected to win the key');
    await sleep(1100);
    const next = await state.idempotency.reserve(k, 'fp', 60);
    if (next.kind !== 'reserved') throw new Error('the lapsed lease should be taken over');
    await state.idempotency.release(k, old.owner);
    await state.idempotency.complete(k, old.owner, 'fp', 'po_old', 60);
    expect(await state.idempotency.reserve(k, 'fp', 60)).toEqual({ kind: 'in_progress' });
    await state.idempotency.complete(k, next.owner, 'fp', 'po_new', 60);
    expect(await state.idempotency.reserve(k, 'fp', 60)).toEqual({ kind: 'completed', value: 'po_new' });
  });
});
