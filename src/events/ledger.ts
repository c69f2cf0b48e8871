// The status ledger's one rule: which observed status is a real change. Every source (webhook,
// poll, a read, the gateway's own mutation) goes through it, on both state stores, so a repeat is
// dropped, an older observation never overwrites a newer one, and a final status stays final except
// for the moves the provider really makes.
import type { Payout, PayoutStatus } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';

export const EVENT_SOURCES = ['WEBHOOK', 'POLL', 'MUTATION'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const FINAL_STATUSES: ReadonlySet<PayoutStatus> = new Set(['PAID', 'FAILED', 'CANCELED', 'REVERSED']);

/**
 * How far along a payout is. Real payouts only move forward (a hold and its release stay level),
 * so an observation further back is stale whatever its timestamp says (a read answered from
 * before a webhook's change, or clocks that disagree).
 */
const PROGRESS: Record<PayoutStatus, number> = {
  PENDING: 0,
  ON_HOLD: 0,
  UNKNOWN: 0,
  PROCESSING: 1,
  PAID: 2,
  FAILED: 3,
  CANCELED: 3,
  REVERSED: 4,
};

/** One accepted change, as the ledger keeps it (a payout's history as the gateway saw it). */
export interface LedgerChange {
  sequence: number;
  status: PayoutStatus;
  providerStatus: string;
  reason: string | null;
  /** The failure's code where the payout failed (optional: entries written before it was kept). */
  failureCode?: string | null;
  /** Milliseconds: the provider's time of the change where it gives one, else when it was observed. */
  occurredAt: number;
  source: EventSource;
}

/** What the ledger holds per payout: the latest accepted change and every one before it. */
export interface LedgerEntry extends LedgerChange {
  history: LedgerChange[];
}

/** `conflict`: the compare-and-set kept losing to other writers; nothing was recorded. */
/** Whether a provider really moves a payout from the final status `from` to `to` (a late return). */
export function movesFromFinal(
  finalMoves: readonly (readonly [PayoutStatus, PayoutStatus])[],
  from: PayoutStatus,
  to: PayoutStatus,
): boolean {
  return finalMoves.some(([f, t]) => f === from && t === to);
}

export type Verdict = 'change' | 'repeat' | 'stale' | 'final' | 'conflict';

export function decide(
  current: LedgerEntry | null,
  next: { status: PayoutStatus; occurredAt: number },
  finalMoves: readonly (readonly [PayoutStatus, PayoutStatus])[],
): Verdict {
  if (!current) return 'change';
  if (next.status === current.status) return 'repeat';
  // A move out of a final status is later by nature (a return after the payment), so no clock is
  // consulted: a PAID a poll recorded in this millisecond must not hide a FAILED the provider
  // stamped to the second.
  if (FINAL_STATUSES.has(current.status))
    return movesFromFinal(finalMoves, current.status, next.status) ? 'change' : 'final';
  const ahead = PROGRESS[next.status] - PROGRESS[current.status];
  if (ahead < 0) return 'stale';
  if (ahead === 0 && next.occurredAt < current.occurredAt) return 'stale';
  return 'change';
}

/** The event every subscriber gets, as the log stores it. */
export interface StatusEvent {
  provider: ProviderName;
  providerPayoutId: string;
  sequence: number;
  previousStatus: PayoutStatus | null;
  status: PayoutStatus;
  occurredAt: number;
  source: EventSource;
  /** The payout as it was at this change. */
  payout: Payout;
}

const DATE_FIELDS = ['expectedArrivalAt', 'createdAt', 'updatedAt'] as const;

export function encodeEvent(event: StatusEvent): string {
  return JSON.stringify(event);
}

/** Dates come back as Dates (JSON wrote them as ISO strings). */
export function decodeEvent(raw: string): StatusEvent {
  const event = JSON.parse(raw) as StatusEvent;
  event.payout = revivePayout(event.payout);
  return event;
}

/** A payout stored as JSON (an event's snapshot, an idempotent create's result), Dates revived. */
export function decodePayout(raw: string): Payout {
  return revivePayout(JSON.parse(raw) as Payout);
}

function revivePayout(payout: Payout): Payout {
  const p = payout as unknown as Record<string, unknown>;
  for (const field of DATE_FIELDS) if (typeof p[field] === 'string') p[field] = new Date(p[field] as string);
  payout.statusHistory = payout.statusHistory.map((h) => ({ ...h, occurredAt: new Date(h.occurredAt) }));
  return payout;
}
