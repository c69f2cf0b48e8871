// The CasaPay adapter against a server that answers what the simulator never would: a status
// outside the table, and a body that is not CasaPay's. Real HTTP, through the shared toolkit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../../src/domain/errors.ts';
import { createCasaPayAdapter } from '../../src/providers/casapay/index.ts';
import type { PayoutProviderAdapter } from '../../src/providers/types.ts';
import { startSimulator, type SimulatorHandle } from '../../src/sandbox/http.ts';
import { adapterDeps } from '../helpers/deps.ts';

const payout = (status: string) => ({
  id: `po_${status}`,
  object: 'payout',
  amount: 1150000,
  currency: 'gbp',
  status,
  destination: 'ba_1',
  arrival_date: 1706572800,
  description: null,
  method: 'standard',
  metadata: {},
  created: 1706140800,
});

let server: SimulatorHandle;
let adapter: PayoutProviderAdapter;
const warnings: { obj: object; msg: string }[] = [];

beforeAll(async () => {
  server = await startSimulator({
    routes: [
      {
        method: 'GET',
        pattern: '/v1/payouts/:id',
        handler: (req) => ({ status: 200, body: payout(req.params.id!) }),
      },
      {
        method: 'GET',
        pattern: '/v1/balance',
        handler: () => ({ status: 502, body: '<html>Bad gateway</html>' }),
      },
    ],
    notFound: () => ({ status: 404, body: { error: { type: 'invalid_request_error', message: 'nope' } } }),
  });
  adapter = createCasaPayAdapter(
    { apiKey: 'sk_test_x', baseUrl: server.url, webhookSecret: null },
    adapterDeps({
      log: { info() {}, error() {}, warn: (obj, msg) => warnings.push({ obj, msg }) },
      transport: { retries: 0 },
    }),
  );
});
afterAll(async () => {
  await adapter.close();
  await server.close();
});

describe('CasaPay mapping edges', () => {
  it.each([
    ['pending', 'PENDING'],
    ['in_transit', 'PROCESSING'],
    ['paid', 'PAID'],
    ['failed', 'FAILED'],
    ['canceled', 'CANCELED'],
  ])('maps %s to %s', async (wire, status) => {
    expect(await adapter.getPayout!(wire)).toMatchObject({ status, providerStatus: wire });
  });

  it('reports a status outside the table as UNKNOWN, keeps the word, and logs it', async () => {
    warnings.length = 0;
    const p = await adapter.getPayout!('under_review');
    expect(p).toMatchObject({ status: 'UNKNOWN', providerStatus: 'under_review' });
    expect(p.amount).toEqual({ minor: 1150000, currency: 'GBP' });
    expect(warnings).toEqual([
      {
        obj: { provider: 'CASAPAY', providerStatus: 'under_review' },
        msg: expect.stringContaining('unmapped'),
      },
    ]);
  });

  it('treats a 5xx that is not CasaPay JSON as ProviderUnavailableError', async () => {
    await expect(adapter.listBalances!()).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});
