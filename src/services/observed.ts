// What the gateway has seen of each payout's status, in its own state: a provider that reports
// only its current status (CasaPay) or a few timestamps (Mollie, Token.io) still gets a history
// of every status the gateway observed, with when it first saw it. Appends are best effort per
// instance; the status ledger with compare-and-set and sequence numbers is the real-time work.
import type { Payout, PayoutStatusChange } from '../domain/payout.ts';
import type { RecordStore } from '../state/types.ts';

const COLLECTION = 'observed-statuses';

interface Observed {
  status: PayoutStatusChange['status'];
  providerStatus: string;
  reason: string | null;
  occurredAt: string;
}

export class ObservedStatuses {
  constructor(
    private readonly records: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records each payout's status if it is new to the gateway, and merges what was seen into its history. */
  async observe<P extends Payout | Error>(payouts: P[]): Promise<P[]> {
    const seen = payouts.filter((p): p is Exclude<P, Error> => !(p instanceof Error));
    if (!seen.length) return payouts;
    const ids = seen.map((p) => `${p.provider}:${p.providerPayoutId}`);
    const stored = await this.records.getMany(COLLECTION, ids);
    await Promise.all(
      seen.map(async (p, i) => {
        const history = stored[i] ? (JSON.parse(stored[i]) as Observed[]) : [];
        if (history.at(-1)?.providerStatus !== p.providerStatus) {
          history.push({
            status: p.status,
            providerStatus: p.providerStatus,
            reason: p.failure?.message ?? null,
            occurredAt: new Date(this.now()).toISOString(),
          });
          await this.records.put(COLLECTION, ids[i]!, JSON.stringify(history));
        }
        p.statusHistory = merge(p.statusHistory, history);
      }),
    );
    return payouts;
  }
}

/**
 * The provider's own entries, plus each observed status the provider gave no entry (with a time)
 * for; oldest first.
 */
function merge(reported: PayoutStatusChange[], observed: Observed[]): PayoutStatusChange[] {
  const known = new Set(reported.map((r) => r.status));
  const extra = observed
    .filter((o) => !known.has(o.status))
    .map((o) => ({ ...o, occurredAt: new Date(o.occurredAt) }));
  // Several observations of one status (a provider status word changing within it): the first.
  const firsts = extra.filter((e, i) => extra.findIndex((x) => x.status === e.status) === i);
  return [...reported, ...firsts].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
