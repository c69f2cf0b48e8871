// Polls every payout that is not final, from the schedule in the state store (so payouts created
// before a restart are polled too). Each tick claims the due payouts atomically, so with several
// instances on one Redis each payout is polled by one of them at a time; an instance that dies
// mid-poll lets its lease lapse and another takes the payout over.
import { NotFoundError } from '../domain/errors.ts';
import { nodeKey, parseNodeKey } from '../domain/ids.ts';
import type { Payout } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { Logger } from '../providers/types.ts';
import type { AdapterRegistry } from '../services/registry.ts';
import type { EventState } from '../state/types.ts';
import { DOUBT_MEMBER } from '../services/idempotency.ts';
import { FINAL_STATUSES } from './ledger.ts';
import type { StatusTracker } from './tracker.ts';

export interface PollerOptions {
  events: EventState;
  registry: AdapterRegistry;
  tracker: StatusTracker;
  /** Creates in doubt share the schedule (members `doubt:…`); this resolves them. */
  doubts?: { resolve(member: string, attempts: number): Promise<void> };
  log: Logger;
  /** How often the schedule is checked. */
  tickMs: number;
  /** How long a claimed payout is this instance's (longer than a poll can take). */
  leaseMs: number;
  /** Payouts claimed per tick. */
  batch?: number;
  now?: () => number;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: PollerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over what is due; resolves with the number of payouts polled. Never overlaps itself. */
  tick(): Promise<number> {
    this.running ??= this.pass()
      .catch((error: unknown) => {
        this.options.log.warn({ reason: (error as Error).message }, 'poller: pass failed; retried next tick');
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { events, leaseMs, batch = 100 } = this.options;
    const due = await events.claimDue(this.now(), leaseMs, batch);
    const byProvider = new Map<ProviderName, { id: string; attempts: number }[]>();
    const doubts: Promise<void>[] = [];
    for (const { member, attempts } of due) {
      if (member.startsWith(DOUBT_MEMBER)) {
        doubts.push(this.resolve(member, attempts));
        continue;
      }
      const { provider, id } = parseNodeKey(member);
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), { id, attempts }]);
    }
    await Promise.all([...[...byProvider].map(([provider, items]) => this.poll(provider, items)), ...doubts]);
    return due.length;
  }

  private async resolve(member: string, attempts: number): Promise<void> {
    const { doubts, events, log, leaseMs } = this.options;
    if (!doubts) return;
    try {
      await doubts.resolve(member, attempts);
    } catch (error) {
      log.warn(
        { reason: (error as Error).message },
        'poller: a create in doubt could not be checked; retried',
      );
      await events.schedule(member, this.now() + leaseMs, attempts + 1, { release: true });
    }
  }

  private async poll(provider: ProviderName, items: { id: string; attempts: number }[]): Promise<void> {
    const { events, registry, tracker, log } = this.options;
    const adapter = registry.find(provider);
    if (!adapter?.getPayout) {
      // Disabled in this configuration: keep the payouts scheduled for when it is enabled again.
      for (const { id, attempts } of items)
        await events.schedule(nodeKey(provider, id), tracker.nextPoll(provider, attempts + 1), attempts + 1, {
          release: true,
        });
      return;
    }
    const ids = items.map((i) => i.id);
    const started = this.now();
    const results: (Payout | Error)[] = adapter.getPayouts
      ? await adapter.getPayouts(ids).catch((error: unknown) => ids.map(() => error as Error))
      : await Promise.all(ids.map((id) => adapter.getPayout!(id).catch((error: unknown) => error as Error)));
    const found = results.filter((r): r is Payout => !(r instanceof Error));
    const verdicts = await tracker.observe(found, 'POLL', started);
    await Promise.all(
      results.map(async (result, i) => {
        const { id, attempts } = items[i]!;
        const key = nodeKey(provider, id);
        if (result instanceof NotFoundError) {
          log.warn({ payout: key }, 'poller: the provider no longer knows this payout; stopped polling it');
          return events.unschedule(key);
        }
        if (result instanceof Error) {
          log.warn({ payout: key, reason: result.message }, 'poller: poll failed; backing off');
          return events.schedule(key, tracker.nextPoll(provider, attempts + 1), attempts + 1, {
            release: true,
          });
        }
        const verdict = verdicts[found.indexOf(result)];
        // Not recorded (other writers kept winning): look again soon.
        if (verdict === 'conflict')
          return events.schedule(key, tracker.nextPoll(provider, 0), attempts, { release: true });
        if (FINAL_STATUSES.has(result.status)) return events.unschedule(key);
        // A change resets the backoff; no change lengthens it.
        const next = verdict === 'change' ? 0 : attempts + 1;
        return events.schedule(key, tracker.nextPoll(provider, next), next, { release: true });
      }),
    );
  }
}
