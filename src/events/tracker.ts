// Every observed payout status goes through here: one compare-and-set per payout in the ledger, a
// log entry (and a live announcement) for each real change, and the poll schedule kept in step:
// a payout that is not final stays scheduled, a final one leaves it.
import { nodeKey } from '../domain/ids.ts';
import type { Payout, PayoutStatusChange } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { Logger, ProviderCapabilities } from '../providers/types.ts';
import type { EventState } from '../state/types.ts';
import {
  decide,
  encodeEvent,
  FINAL_STATUSES,
  type EventSource,
  type LedgerChange,
  type LedgerEntry,
  type Verdict,
} from './ledger.ts';

/** A lost compare-and-set is re-read and decided again; this many times before reporting a conflict. */
const CAS_ATTEMPTS = 8;

/** The ledger and the poll schedule key a payout by its node key ("CASAPAY:po_…"). */
const payoutKey = (p: Payout) => nodeKey(p.provider, p.providerPayoutId);

export interface TrackerOptions {
  events: EventState;
  capabilities(provider: ProviderName): ProviderCapabilities;
  /** Multiplies every provider's poll cadence (GATEWAY_POLL_SCALE). */
  pollScale: number;
  log: Logger;
  now?: () => number;
}

export class StatusTracker {
  private readonly now: () => number;

  constructor(private readonly options: TrackerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** When a payout that is not final is next polled after `attempts` polls without a change. */
  nextPoll(provider: ProviderName, attempts: number): number {
    const { initialMs, maxMs } = this.options.capabilities(provider).pollCadence;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempts, 30)) * this.options.pollScale;
    // ±10% so that payouts created together are not all polled in the same instant.
    return this.now() + Math.round(base * (0.9 + Math.random() * 0.2));
  }

  /**
   * Records what was observed of each payout and completes its statusHistory with the changes the
   * gateway saw. `occurredAt`: when the provider says the status began (a webhook's event time),
   * else when the gateway asked for it. One verdict per payout, in order.
   */
  async observe(
    payouts: readonly Payout[],
    source: EventSource,
    occurredAt: number,
    /** Entries read beforehand (`entries`); the payouts not in it are read now. */
    known?: ReadonlyMap<string, LedgerEntry | null>,
  ): Promise<Verdict[]> {
    if (!payouts.length) return [];
    const keys = payouts.map(payoutKey);
    const missing = keys.filter((k) => !known?.has(k));
    const read = missing.length ? await this.entries(missing) : null;
    return Promise.all(
      payouts.map((p, i) =>
        this.record(p, known?.get(keys[i]!) ?? read?.get(keys[i]!) ?? null, source, occurredAt),
      ),
    );
  }

  /**
   * The ledger entries of these payouts (node keys), for `observe`. Read while the provider is being
   * asked, they cost a read no round trip of its own. An entry that changes in between is safe: the
   * compare-and-set then loses, and `record` reads it again.
   */
  async entries(keys: readonly string[]): Promise<Map<string, LedgerEntry | null>> {
    const stored = await this.options.events.ledger(keys);
    return new Map(keys.map((k, i) => [k, parse(stored[i])]));
  }

  /**
   * A stored snapshot (an idempotent create's result) brought up to what the ledger holds now, so
   * a repeated create answers with the payout as it is, without asking the provider.
   */
  async current(payout: Payout): Promise<Payout> {
    const entry = parse((await this.options.events.ledger([payoutKey(payout)]))[0]);
    if (!entry) return payout;
    const moved = entry.status !== payout.status;
    return {
      ...payout,
      status: entry.status,
      providerStatus: entry.providerStatus,
      ...(moved
        ? {
            updatedAt: new Date(entry.occurredAt),
            failure: entry.reason
              ? { code: entry.failureCode ?? entry.providerStatus, message: entry.reason }
              : null,
          }
        : {}),
      statusHistory: merge(payout.statusHistory, entry.history),
    };
  }

  private async record(
    payout: Payout,
    stored: LedgerEntry | null,
    source: EventSource,
    occurredAt: number,
  ): Promise<Verdict> {
    const { events, log } = this.options;
    const key = payoutKey(payout);
    const reported = payout.statusHistory;
    const caps = this.options.capabilities(payout.provider);
    let entry = stored;
    let verdict: Verdict = 'repeat';
    for (let attempt = 0; ; attempt++) {
      verdict = decide(entry, { status: payout.status, occurredAt }, caps.terminalMoves);
      if (verdict !== 'change') break;
      const change: LedgerChange = {
        sequence: (entry?.sequence ?? 0) + 1,
        status: payout.status,
        providerStatus: payout.providerStatus,
        reason: payout.failure?.message ?? null,
        failureCode: payout.failure?.code ?? null,
        occurredAt,
        source,
      };
      const next: LedgerEntry = { ...change, history: [...(entry?.history ?? []), change] };
      const snapshot = { ...payout, statusHistory: merge(reported, next.history) };
      const event = encodeEvent({
        provider: payout.provider,
        providerPayoutId: payout.providerPayoutId,
        sequence: change.sequence,
        previousStatus: entry?.status ?? null,
        status: change.status,
        occurredAt,
        source,
        payout: snapshot,
      });
      if (await events.commit(key, entry?.sequence ?? 0, JSON.stringify(next), event)) {
        entry = next;
        break;
      }
      if (attempt + 1 >= CAS_ATTEMPTS) {
        log.warn({ payout: key, source }, 'status ledger: compare-and-set kept losing; nothing recorded');
        verdict = 'conflict';
        break;
      }
      // Another writer changed the entry first: decide again against what it wrote.
      entry = parse((await events.ledger([key]))[0] ?? null);
    }
    if (verdict === 'stale' || verdict === 'final') {
      log.info(
        { payout: key, source, status: payout.status, held: entry?.status },
        'status ledger: an older or impossible status was not applied',
      );
    }
    payout.statusHistory = merge(reported, entry?.history ?? []);
    // A final status leaves the schedule even where a late move is possible (paid → failed): those
    // arrive by webhook, and polling every paid payout for ever would never end.
    if (verdict === 'change' && entry) {
      if (FINAL_STATUSES.has(entry.status)) await events.unschedule(key);
      else await events.schedule(key, this.nextPoll(payout.provider, 0), 0);
    }
    return verdict;
  }
}

function parse(raw: string | null | undefined): LedgerEntry | null {
  return raw ? (JSON.parse(raw) as LedgerEntry) : null;
}

/**
 * The provider's own entries, plus each change the gateway saw that the provider gave no entry (with
 * a time) for; oldest first.
 */
function merge(reported: PayoutStatusChange[], seen: LedgerChange[]): PayoutStatusChange[] {
  const known = new Set(reported.map((r) => r.status));
  const extra = seen
    .filter((c) => !known.has(c.status))
    .filter((c, i, all) => all.findIndex((x) => x.status === c.status) === i)
    .map((c) => ({
      status: c.status,
      providerStatus: c.providerStatus,
      reason: c.reason,
      occurredAt: new Date(c.occurredAt),
    }));
  return [...reported, ...extra].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
