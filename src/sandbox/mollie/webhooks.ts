// Next-gen webhook delivery (`entity-webhook-event`, "full payload" mode so `_embedded.entity`
// carries the payout snapshot). Events go through one promise chain: they are POSTed strictly in
// the order they happened, and the request that caused them never waits for the receiver.
import { createHmac } from 'node:crypto';
import { DeliveryQueue, deliverWebhook } from '../http.ts';
import type { MollieContext, PayoutEventType } from './context.ts';
import { HAL_JSON } from './errors.ts';
import { payoutUrl, serializePayout } from './serialize.ts';
import { isoTime, newId, type PayoutState } from './store.ts';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** `X-Mollie-Signature` value: hex HMAC-SHA256 of the exact body bytes, keyed with the secret. */
export function mollieSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function buildEvent(
  ctx: MollieContext,
  type: PayoutEventType,
  payout: PayoutState,
): Record<string, unknown> {
  const id = newId('event_');
  return {
    resource: 'event',
    id,
    type,
    entityId: payout.id,
    createdAt: isoTime(ctx.now()),
    _embedded: { entity: serializePayout(ctx, payout) },
    _links: {
      self: { href: `${ctx.baseUrl()}/v2/events/${id}`, type: HAL_JSON },
      documentation: { href: 'https://docs.mollie.com/guides/webhooks', type: 'text/html' },
      entity: { href: payoutUrl(ctx, payout.id), type: HAL_JSON },
    },
  };
}

export class WebhookQueue {
  private readonly deliveries = new DeliveryQueue();

  constructor(private target: WebhookTarget | null) {}

  setTarget(target: WebhookTarget | null): void {
    this.target = target;
  }

  /**
   * Serialises and signs now (the snapshot is the payout as it is at the change), delivers later.
   * Without a target the event is dropped, like an account with no webhook subscription. A failed
   * delivery is not retried: Mollie retries over ~26 hours, which no test wants to wait for.
   */
  enqueue(event: Record<string, unknown>): void {
    const target = this.target;
    if (!target) return;
    const body = JSON.stringify(event);
    const headers = { 'X-Mollie-Signature': mollieSignature(body, target.secret) };
    this.deliveries.enqueue(() => deliverWebhook(target.url, body, headers));
  }

  idle(): Promise<void> {
    return this.deliveries.idle();
  }
}
