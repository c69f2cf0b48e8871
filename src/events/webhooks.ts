// POST /webhooks/:provider. A delivery is verified on its raw bytes (the provider's scheme and
// tolerance, constant-time comparison), deduplicated by the provider's event id, and recorded in the
// ledger before it is answered: a 2xx means the change is in the ledger and the event log, and a
// failure before that answers 5xx so the provider delivers it again (at least once; the ledger
// makes a repeat a no-op). Recording is a few state round trips, so the answer stays fast.
//
// A provider whose deliveries cannot be verified (Token.io: no published key) gets no say over
// statuses: its delivery only moves an already-scheduled poll of that payout to now.
import { nodeKey } from '../domain/ids.ts';
import type { ProviderName } from '../domain/provider.ts';
import type { Logger } from '../providers/types.ts';
import type { AdapterRegistry } from '../services/registry.ts';
import type { EventState } from '../state/types.ts';
import type { StatusTracker } from './tracker.ts';

export type WebhookVerifier = (rawBody: string, headers: Headers, nowMs: number) => boolean;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Event ids are kept this long: longer than any provider retries a delivery (Mollie ~26 h, Svix days). */
const DEDUPE_SECONDS = 7 * 24 * 3600;

export class WebhookIngest {
  /** Verified deliveries per provider, and how many changed a status. */
  readonly counts: Partial<Record<ProviderName, { received: number; applied: number }>> = {};

  constructor(
    private readonly options: {
      registry: AdapterRegistry;
      tracker: StatusTracker;
      events: EventState;
      verifiers: Partial<Record<ProviderName, WebhookVerifier>>;
      log: Logger;
      now: () => number;
    },
  ) {}

  /** Whether `provider` has a webhook route in this configuration. */
  accepts(provider: ProviderName): boolean {
    const adapter = this.options.registry.find(provider);
    if (!adapter) return false;
    return adapter.webhookEvent ? Boolean(this.options.verifiers[provider]) : true;
  }

  async receive(provider: ProviderName, raw: string, headers: Headers): Promise<WebhookAnswer> {
    const { registry, tracker, events, verifiers, log, now } = this.options;
    const adapter = registry.get(provider);
    const verify = verifiers[provider];
    if (!adapter.webhookEvent || !verify) return this.hint(provider, raw);
    if (!verify(raw, headers, now())) return { status: 400, body: { error: 'invalid signature' } };
    const count = (this.counts[provider] ??= { received: 0, applied: 0 });
    count.received++;
    let event;
    try {
      event = adapter.webhookEvent(JSON.parse(raw));
    } catch (error) {
      log.error(
        { provider, reason: (error as Error).message },
        'webhook: a verified body was not understood',
      );
      return { status: 400, body: { error: 'unrecognised payload' } };
    }
    if (!event) return { status: 200, body: { received: true, ignored: true } };
    const id = `${provider}:${event.eventId}`;
    if (await events.seen(id)) return { status: 200, body: { received: true, duplicate: true } };
    if ('payout' in event) {
      const [verdict] = await tracker.observe([event.payout], 'WEBHOOK', event.occurredAt.getTime());
      // Not recorded: not marked either, and the provider is asked to deliver it again.
      if (verdict === 'conflict') return { status: 503, body: { error: 'busy; deliver again' } };
      if (verdict === 'change') count.applied++;
    } else {
      // Verified, but without a snapshot: read the payout now (the poller records what it finds).
      await events.schedule(nodeKey(provider, event.payoutId), now(), null);
    }
    // Marked once recorded: a delivery that failed before this point is processed again.
    await events.markSeen(id, DEDUPE_SECONDS);
    return { status: 200, body: { received: true } };
  }

  /** An unverifiable delivery: poll the payout it names now, if the gateway is polling it anyway. */
  private async hint(provider: ProviderName, raw: string): Promise<WebhookAnswer> {
    let payoutId: unknown;
    try {
      const body = JSON.parse(raw) as { payout?: { id?: unknown } };
      payoutId = body.payout?.id;
    } catch {
      payoutId = undefined;
    }
    if (typeof payoutId !== 'string' || !payoutId || payoutId.length > 200)
      return { status: 400, body: { error: 'no payout id in the body' } };
    // Anyone can send this: it only brings forward a poll already scheduled, keeps the backoff
    // count, and works once per the provider's first poll interval per payout.
    const { events, tracker, now } = this.options;
    const key = nodeKey(provider, payoutId);
    if (!(await events.seen(`hint:${key}`))) {
      const windowMs = tracker.nextPoll(provider, 0) - now();
      await events.markSeen(`hint:${key}`, Math.max(1, Math.ceil(windowMs / 1000)));
      await events.schedule(key, now(), null, { mode: 'xx' });
    }
    return { status: 202, body: { received: true, verified: false, polling: true } };
  }
}
