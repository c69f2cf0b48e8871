// The Straddle adapter against its simulator over real HTTP: a repeated create whose body differs
// (another day, another IP) is answered with the payout its external_id finds, not a conflict; and
// list positions survive newer payouts pushing items onto the next Straddle page.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { straddle } from '../../src/providers/straddle/index.ts';
import type { CreatePayoutCommand, PayoutProviderAdapter } from '../../src/providers/types.ts';
import { startStraddleSimulator, type StraddleSimulator } from '../../src/sandbox/straddle/index.ts';
import { adapterDeps } from '../helpers/deps.ts';

let sim: StraddleSimulator;
let adapter: PayoutProviderAdapter;
let command: Omit<CreatePayoutCommand, 'idempotencyKey'>;
beforeAll(async () => {
  sim = await startStraddleSimulator();
  adapter = straddle.createAdapter(
    { apiKey: `sk_${randomBytes(8).toString('hex')}`, baseUrl: sim.url, webhookSecret: null },
    adapterDeps(),
  );
  const account = await adapter.createBankAccount!({
    holderName: 'Adapter Tenant',
    country: 'US',
    currency: 'USD',
    sortCode: null,
    accountNumber: '000123456789',
    iban: null,
    bic: null,
    routingNumber: '021000021',
    email: 'adapter@example.com',
    phone: '+12125550123',
    metadata: null,
    idempotencyKey: 'adapter-account',
  });
  command = {
    amount: { minor: 100, currency: 'USD' },
    sourceId: null,
    destinationId: account.providerBankAccountId,
    description: 'adapter',
    method: null,
    metadata: null,
  };
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

describe('Straddle adapter', () => {
  it('answers a retried create sent with another IP with the one payout, not a conflict', async () => {
    const key = randomBytes(16).toString('hex');
    const first = await adapter.createPayout!({ ...command, idempotencyKey: key, clientIp: '198.51.100.1' });
    // Same gateway key, different body (Straddle answers 409 for the Idempotency-Key): the payout
    // its external_id names is the answer.
    const again = await adapter.createPayout!({ ...command, idempotencyKey: key, clientIp: '198.51.100.2' });
    expect(again.providerPayoutId).toBe(first.providerPayoutId);
  });

  it('keeps its list position when newer payouts push items onto the next Straddle page', async () => {
    const fresh = straddle.createAdapter(
      { apiKey: `sk_${randomBytes(8).toString('hex')}`, baseUrl: sim.url, webhookSecret: null },
      adapterDeps(),
    );
    try {
      const account = await fresh.createBankAccount!({
        holderName: 'Paging Tenant',
        country: 'US',
        currency: 'USD',
        sortCode: null,
        accountNumber: '000123456789',
        iban: null,
        bic: null,
        routingNumber: '021000021',
        email: 'paging@example.com',
        phone: '+12125550123',
        metadata: null,
        idempotencyKey: 'paging-account',
      });
      const make = () =>
        fresh.createPayout!({
          ...command,
          destinationId: account.providerBankAccountId,
          idempotencyKey: randomBytes(16).toString('hex'),
        });
      const made: string[] = [];
      for (let i = 0; i < 102; i++) made.unshift((await make()).providerPayoutId);
      const first = await fresh.listPayouts!({ afterId: null, limit: 100 });
      expect(first.items.map((p) => p.providerPayoutId)).toEqual(made.slice(0, 100));
      await make();
      const rest = await fresh.listPayouts!({ afterId: first.positions!.at(-1)!, limit: 100 });
      expect(rest.items.map((p) => p.providerPayoutId)).toEqual(made.slice(100));
    } finally {
      await fresh.close();
    }
  });
});
