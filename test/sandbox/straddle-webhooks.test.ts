// Straddle simulator webhooks, received by a local HTTP server: Standard Webhooks signatures
// verified with the standardwebhooks package's own Webhook#verify (and a tampered body refused),
// the payout.* and paykey.* events in order, each payload checked against the spec's webhook
// schemas, deliveries that never hold up the request that caused them, and setWebhook.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  easternDateOf,
  expectWebhookSpec,
  linkedPaykey,
  newIdempotencyKey,
  newStraddleKey,
  payoutBody,
  straddleCall,
} from '../helpers/straddle-spec.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Delivery {
  raw: string;
  headers: IncomingHttpHeaders;
  body: Json;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Lets held responses go. */
  release(): void;
  close(): Promise<void>;
}

/** A webhook receiver on port 0; with `held`, it answers nothing until release(). */
async function receiver(held = false): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let release = () => {};
  const gate = held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ raw, headers: req.headers, body: JSON.parse(raw) as Json });
      void gate.then(() => res.writeHead(204).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/straddle`,
    deliveries,
    release: () => release(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Like the gateway's secrets: `whsec_` + 32 hex characters (valid base64). */
const newSecret = () => `whsec_${randomBytes(16).toString('hex')}`;

const headerRecord = (h: IncomingHttpHeaders) => ({
  'webhook-id': String(h['webhook-id']),
  'webhook-timestamp': String(h['webhook-timestamp']),
  'webhook-signature': String(h['webhook-signature']),
});

// Real time: Webhook#verify checks the timestamp against Date.now() (5 minutes' tolerance).
let sim: StraddleSimulator;
let hooks: Receiver;
const secret = newSecret();
beforeAll(async () => {
  hooks = await receiver();
  sim = await startStraddleSimulator({ webhook: { url: hooks.url, secret } });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

const today = () => easternDateOf(Date.now());
const call = (key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  straddleCall(sim.url, key, method, path, body, headers);

describe('webhooks', () => {
  it('signs every event so standardwebhooks verifies it, and refuses a tampered body', async () => {
    hooks.deliveries.length = 0;
    const key = newStraddleKey();
    const { paykey, token } = await linkedPaykey(sim.url, key);
    const payout = (await call(key, 'POST', '/v1/payouts', payoutBody(token, today()))).body.data;
    await sim.idle();
    expect(hooks.deliveries.map((d) => d.body.event_type)).toEqual([
      'paykey.created.v1',
      'paykey.event.v1',
      'payout.created.v1',
      'payout.event.v1',
    ]);
    const verifier = new Webhook(secret);
    for (const d of hooks.deliveries) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9]+$/);
      expect(Math.abs(Number(d.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(d.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(verifier.verify(d.raw, headerRecord(d.headers))).toEqual(d.body);
      expectWebhookSpec(d.body);
      expect(d.body).toMatchObject({
        event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        account_id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
      });
    }
    const first = hooks.deliveries[2] as Delivery;
    const tampered = first.raw.replace('"amount":10000', '"amount":99999999');
    expect(tampered).not.toBe(first.raw);
    expect(() => verifier.verify(tampered, headerRecord(first.headers))).toThrow(WebhookVerificationError);
    expect(() => new Webhook(newSecret()).verify(first.raw, headerRecord(first.headers))).toThrow(
      WebhookVerificationError,
    );
    // Paykey events carry the full token; payout events show the masked paykey, like REST reads.
    expect(hooks.deliveries[0]?.body.data).toMatchObject({ id: paykey.id, paykey: token, status: 'active' });
    expect(first.body.data).toMatchObject({
      id: payout.id,
      status: 'created',
      paykey: `****${token.slice(-4)}`,
      consent_type: 'internet',
      status_details: { reason: 'ok', source: 'system', code: null },
    });
    expect(new Set(hooks.deliveries.map((d) => d.body.event_id)).size).toBe(4);
    expect(new Set(hooks.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(4);
  });

  it('sends payout.event.v1 for every change, in order, with the payout as it was then', async () => {
    hooks.deliveries.length = 0;
    const key = newStraddleKey();
    const { token } = await linkedPaykey(sim.url, key);
    const body = payoutBody(token, today(), { config: { sandbox_outcome: 'reversed_closed_bank_account' } });
    const id = (await call(key, 'POST', '/v1/payouts', body)).body.data.id as string;
    await call(key, 'PUT', `/v1/payouts/${id}/hold`, { reason: 'Checking' });
    await call(key, 'PUT', `/v1/payouts/${id}/release`, { reason: 'Fine' });
    await call(key, 'PUT', `/v1/payouts/${id}`, {
      amount: 4200,
      description: 'Updated',
      payment_date: today(),
    });
    for (let i = 0; i < 4; i++) await call(key, 'POST', `/test-helpers/payouts/${id}/advance`);
    await sim.idle();
    const payoutEvents = hooks.deliveries.filter((d) => d.body.event_type.startsWith('payout.'));
    expect(payoutEvents.map((d) => [d.body.event_type, d.body.data.status])).toEqual([
      ['payout.created.v1', 'created'],
      ['payout.event.v1', 'created'],
      ['payout.event.v1', 'on_hold'],
      ['payout.event.v1', 'created'],
      ['payout.event.v1', 'created'],
      ['payout.event.v1', 'scheduled'],
      ['payout.event.v1', 'pending'],
      ['payout.event.v1', 'paid'],
      ['payout.event.v1', 'reversed'],
    ]);
    for (const d of payoutEvents) expectWebhookSpec(d.body);
    expect(payoutEvents[4]?.body.data.amount).toBe(4200);
    expect(payoutEvents[2]?.body.data.status_details).toMatchObject({
      reason: 'user_request',
      source: 'user_action',
    });
    const last = payoutEvents[8]?.body.data as Json;
    expect(last.status_details).toMatchObject({
      reason: 'closed_bank_account',
      source: 'bank_decline',
      code: 'R02',
    });
    expect(last.status_history).toHaveLength(7);
    expect(new Set(payoutEvents.map((d) => d.body.account_id)).size).toBe(1);
  });

  it('sends cancel_request in a cancel event and nothing for an idempotent replay or a refusal', async () => {
    hooks.deliveries.length = 0;
    const key = newStraddleKey();
    const { token } = await linkedPaykey(sim.url, key);
    const idem = newIdempotencyKey();
    const body = payoutBody(token, today());
    const id = (await call(key, 'POST', '/v1/payouts', body, { 'idempotency-key': idem })).body.data
      .id as string;
    await call(key, 'POST', '/v1/payouts', body, { 'idempotency-key': idem });
    await call(key, 'PUT', `/v1/payouts/${id}/cancel`, { reason: 'Customer asked' });
    expect((await call(key, 'PUT', `/v1/payouts/${id}/hold`, { reason: 'late' })).status).toBe(422);
    await sim.idle();
    const types = hooks.deliveries.filter((d) => d.body.event_type.startsWith('payout.'));
    expect(types.map((d) => d.body.data.status)).toEqual(['created', 'created', 'cancelled']);
    expect(types[2]?.body.data.status_details).toMatchObject({
      reason: 'cancel_request',
      source: 'user_action',
    });
    expectWebhookSpec(types[2]?.body as Json);
  });

  it('gives each API key its own account_id, the same on every event', async () => {
    hooks.deliveries.length = 0;
    const a = newStraddleKey();
    await linkedPaykey(sim.url, a);
    await linkedPaykey(sim.url, a);
    await linkedPaykey(sim.url, newStraddleKey());
    await sim.idle();
    const accounts = hooks.deliveries.map((d) => d.body.account_id);
    expect(accounts[0]).toBe(accounts[3]);
    expect(accounts[4]).not.toBe(accounts[0]);
  });

  it('never makes the triggering request wait for the receiver, and idle() waits for delivery', async () => {
    const slow = await receiver(true);
    const s = await startStraddleSimulator({ webhook: { url: slow.url, secret } });
    try {
      const key = newStraddleKey();
      const { token } = await linkedPaykey(s.url, key);
      const res = await straddleCall(s.url, key, 'POST', '/v1/payouts', payoutBody(token, today()));
      expect(res.status).toBe(201);
      // Every call above returned while the receiver still holds the first delivery open.
      expect(slow.deliveries.length).toBeLessThanOrEqual(1);
      slow.release();
      await s.idle();
      expect(slow.deliveries.map((d) => d.body.event_type)).toEqual([
        'paykey.created.v1',
        'paykey.event.v1',
        'payout.created.v1',
        'payout.event.v1',
      ]);
    } finally {
      await s.close();
      await slow.close();
    }
  });

  it('sends nothing without a target, switches secrets, and refuses a secret that is not whsec_<base64>', async () => {
    const other = await receiver();
    const s = await startStraddleSimulator();
    try {
      const key = newStraddleKey();
      await linkedPaykey(s.url, key);
      await s.idle();
      const rotated = newSecret();
      s.setWebhook({ url: other.url, secret: rotated });
      await linkedPaykey(s.url, key);
      await s.idle();
      expect(other.deliveries).toHaveLength(2);
      const d = other.deliveries[0] as Delivery;
      expect(() => new Webhook(rotated).verify(d.raw, headerRecord(d.headers))).not.toThrow();
      s.setWebhook(null);
      await linkedPaykey(s.url, key);
      await s.idle();
      expect(other.deliveries).toHaveLength(2);
      expect(() => s.setWebhook({ url: other.url, secret: 'whsec_not*base64!' })).toThrow(/whsec_<base64>/);
    } finally {
      await s.close();
      await other.close();
    }
  });
});
