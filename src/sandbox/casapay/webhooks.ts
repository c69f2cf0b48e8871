// Events are signed exactly like Stripe's (HMAC-SHA256 over "<t>.<raw body>", hex, `t=…,v1=…`), so
// the stripe package's constructEvent verifies them. Deliveries run on one promise chain: in order,
// one at a time, and never on the path of the request that caused them.
import { createHmac } from 'node:crypto';
import { DeliveryQueue, deliverWebhook } from '../http.ts';
import { newId, type Payout } from './store.ts';

export const API_VERSION = '2024-06-20';

export type PayoutEventType =
  'payout.created' | 'payout.updated' | 'payout.paid' | 'payout.failed' | 'payout.canceled';

export interface CasaPayEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: PayoutEventType;
  livemode: false;
  pending_webhooks: number;
  data: { object: Payout; previous_attributes?: Partial<Payout> };
  request: { id: string | null; idempotency_key: string | null };
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface EventOrigin {
  requestId: string | null;
  idempotencyKey: string | null;
}

export function signatureHeader(body: string, secret: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export class WebhookQueue {
  private target: WebhookTarget | null;
  private readonly deliveries = new DeliveryQueue();
  private readonly nowMs: () => number;

  constructor(target: WebhookTarget | null, nowMs: () => number) {
    this.target = target;
    this.nowMs = nowMs;
  }

  setTarget(target: WebhookTarget | null): void {
    this.target = target;
  }

  /** The target is captured when the event happens, like an endpoint subscribed at that moment. */
  emit(type: PayoutEventType, payout: Payout, origin: EventOrigin, previous?: Partial<Payout>): void {
    const target = this.target;
    if (!target) return;
    const event: CasaPayEvent = {
      id: newId('evt_'),
      object: 'event',
      api_version: API_VERSION,
      created: Math.floor(this.nowMs() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object: structuredClone(payout), ...(previous ? { previous_attributes: previous } : {}) },
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
    };
    const body = JSON.stringify(event);
    this.deliveries.enqueue(async () => {
      const t = Math.floor(this.nowMs() / 1000);
      await deliverWebhook(target.url, body, {
        'CasaPay-Signature': signatureHeader(body, target.secret, t),
      });
    });
  }

  idle(): Promise<void> {
    return this.deliveries.idle();
  }
}
