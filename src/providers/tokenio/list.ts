// Token.io pages payouts by opaque offsets, not "after this id". A position in its list is
// therefore (offset of a Token.io page, items of it already seen, the last one's id); the gateway's
// cursor keeps that position, and the next page re-reads from the offset and skips what was seen,
// re-anchored on that id should newer payouts have pushed the page down since. Filters go to
// Token.io where it has them (statuses; days for dates) and are finished here (exact times).
import { ValidationError } from '../../domain/errors.ts';
import type { Payout } from '../../domain/payout.ts';
import type { Page, PageQuery, PayoutFilter } from '../types.ts';
import { MAX_LIMIT, type TokenioClient } from './client.ts';
import { wireStatusesFor } from './mapper.ts';
import type { WirePayout } from './wire.ts';

type Position = [offset: string | null, skip: number, lastId?: string];

const encode = (p: Position) => JSON.stringify(p);

function decode(position: string | null): Position {
  if (position === null) return [null, 0];
  try {
    const value: unknown = JSON.parse(position);
    if (
      Array.isArray(value) &&
      (value.length === 2 || (value.length === 3 && typeof value[2] === 'string')) &&
      (value[0] === null || (typeof value[0] === 'string' && value[0] !== '')) &&
      Number.isInteger(value[1]) &&
      value[1] >= 0 &&
      value[1] < MAX_LIMIT
    ) {
      return value as Position;
    }
  } catch {
    // refused below
  }
  throw new ValidationError('after', 'This cursor does not belong to a Token.io payout list.');
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function listPayoutPage(
  client: TokenioClient,
  withExtras: (w: WirePayout[]) => Promise<Payout[]>,
  query: PageQuery<PayoutFilter>,
): Promise<Page<Payout>> {
  const [offset, seen, lastId] = decode(query.afterId);
  const f = query.filter ?? {};
  const statuses = f.status?.length ? wireStatusesFor(f.status) : undefined;
  // A status Token.io never reports (ON_HOLD, CANCELED, …): nothing can match, no call needed.
  if (statuses && !statuses.length) return { items: [], hasMore: false };
  const want = Math.min(MAX_LIMIT, seen + query.limit);
  const res = await client.listPayouts({
    limit: want,
    offset,
    ...(statuses ? { statuses } : {}),
    // Token.io's date bounds are whole UTC days, both inclusive; the exact bounds are applied below.
    ...(f.createdAfter ? { startDate: day(f.createdAfter) } : {}),
    ...(f.createdBefore ? { endDate: day(new Date(f.createdBefore.getTime() - 1)) } : {}),
  });
  const raw = res.payouts;
  const moved = lastId !== undefined && raw[seen - 1]?.id !== lastId;
  const found = moved ? raw.findIndex((p) => p.id === lastId) : -1;
  const skip = found >= 0 ? found + 1 : seen;
  const next = res.paging?.offset;
  // Fewer than asked for means Token.io has no more.
  const more = raw.length >= want && Boolean(next);
  const after = (j: number): string =>
    encode(j + 1 === raw.length && more ? [next!, 0] : [offset, j + 1, raw[j]!.id]);
  const payouts = await withExtras(raw.slice(skip));
  const items: Payout[] = [];
  const positions: string[] = [];
  for (const [i, p] of payouts.entries()) {
    const j = skip + i;
    if (f.createdAfter && p.createdAt < f.createdAfter) continue;
    if (f.createdBefore && p.createdAt >= f.createdBefore) continue;
    if (items.length === query.limit) return { items, positions, hasMore: true };
    items.push(p);
    positions.push(after(j));
  }
  return {
    items,
    positions,
    hasMore: more,
    // Past everything scanned, matched or not, so filtered-out items are not read again.
    ...(more && raw.length > skip ? { resumeAfterId: after(raw.length - 1) } : {}),
  };
}
