// Token.io pages payouts by opaque offsets, not "after this id": a position in its list is a
// ListPosition (paging.ts) whose head is a Token.io offset (null: the first page). Filters go to
// Token.io where it has them (statuses; days for dates) and are finished here (exact times).
import type { Payout } from '../../domain/payout.ts';
import { decodePosition, encodePosition, resumeIndex } from '../paging.ts';
import type { Page, PageQuery, PayoutFilter } from '../types.ts';
import { MAX_LIMIT, type TokenioClient } from './client.ts';
import { wireStatusesFor } from './mapper.ts';
import type { WirePayout } from './wire.ts';

const decode = (position: string | null) =>
  decodePosition<string | null>(
    position,
    null,
    (v) => v === null || (typeof v === 'string' && v !== ''),
    MAX_LIMIT,
    'Token.io',
  );

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
  const skip = resumeIndex(
    raw.map((p) => p.id),
    seen,
    lastId,
  );
  const next = res.paging?.offset;
  // Fewer than asked for means Token.io has no more.
  const more = raw.length >= want && Boolean(next);
  const after = (j: number): string =>
    encodePosition(j + 1 === raw.length && more ? [next!, 0] : [offset, j + 1, raw[j]!.id]);
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
    ...(more && raw.length > skip ? { resumeAfterId: after(raw.length - 1), scanned: payouts.at(-1)! } : {}),
  };
}
