// Webhook delivery as Straddle's (Svix) webhook endpoints do it, in the Standard Webhooks scheme:
// headers `webhook-id` (msg_…), `webhook-timestamp` (unix seconds) and `webhook-signature`
// (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the base64-decoded part of
// the `whsec_…` secret), signed by the standardwebhooks package itself so any Standard Webhooks or
// Svix verifier accepts them. Body: `{event_type, event_id, account_id, data}`.
//
// Events are serialised when they happen (the snapshot is the resource at that change) and signed
// when sent. They go through one DeliveryQueue: strictly in order, one at a time, and never on the
// path of the request that caused them. A failed delivery is not retried (Svix retries for days).
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DeliveryQueue, deliverWebhook } from '../http.ts';
import type { Account } from './store.ts';

export type StraddleEventType =
  'payout.created.v1' | 'payout.event.v1' | 'paykey.created.v1' | 'paykey.event.v1';

export interface WebhookTarget {
  url: string;
  /** A Standard Webhooks secret, `whsec_<base64>` (the gateway's `whsec_<32 hex>` is valid base64). */
  secret: string;
}

interface Signer {
  url: string;
  webhook: Webhook;
}

function signer(target: WebhookTarget): Signer {
  let webhook: Webhook;
  try {
    webhook = new Webhook(target.secret);
  } catch (error) {
    throw new Error(`Straddle webhook secret must be "whsec_<base64>": ${(error as Error).message}`);
  }
  return { url: target.url, webhook };
}

/** A Svix-style message id: `msg_` and 27 base62-ish characters. */
const newMessageId = () =>
  `msg_${randomBytes(20)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 27)}`;

export class WebhookQueue {
  private target: Signer | null;
  private readonly deliveries = new DeliveryQueue();

  constructor(
    target: WebhookTarget | null,
    private readonly nowMs: () => number,
  ) {
    this.target = target ? signer(target) : null;
  }

  /** Throws at once on a secret standardwebhooks cannot use, instead of failing every delivery. */
  setTarget(target: WebhookTarget | null): void {
    this.target = target ? signer(target) : null;
  }

  /** Without a target the event is dropped, like an account with no webhook endpoint. */
  emit(account: Account, eventType: StraddleEventType, data: Record<string, unknown>): void {
    const target = this.target;
    if (!target) return;
    const body = JSON.stringify({
      event_type: eventType,
      event_id: randomUUID(),
      account_id: account.id,
      data,
    });
    const id = newMessageId();
    this.deliveries.enqueue(() => {
      const at = new Date(this.nowMs());
      return deliverWebhook(target.url, body, {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': target.webhook.sign(id, at, body),
      });
    });
  }

  idle(): Promise<void> {
    return this.deliveries.idle();
  }
}
