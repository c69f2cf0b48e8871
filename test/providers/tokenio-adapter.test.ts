// The Token.io adapter against the Token.io simulator over real HTTP: production request signing
// (a detached JWS the simulator verifies), creates in doubt resolved through refId, batched reads
// with misses, and list positions across Token.io's offset pages.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ProviderRejectedError, ProviderUnavailableError } from '../../src/domain/errors.ts';
import type { AdapterDeps, ProviderSettings } from '../../src/providers/module.ts';
import { tokenio } from '../../src/providers/tokenio/index.ts';
import type { CreatePayoutCommand, PayoutProviderAdapter } from '../../src/providers/types.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';
import { countRequests } from '../helpers/app.ts';
import { adapterDeps } from '../helpers/deps.ts';

let sim: TokenioSimulator;
const open: PayoutProviderAdapter[] = [];
beforeAll(async () => {
  sim = await startTokenioSimulator();
});
afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
  await sim.close();
});

function adapter(settings: Partial<ProviderSettings> = {}, deps: Partial<AdapterDeps> = {}) {
  const a = tokenio.createAdapter(
    {
      ...tokenio.sandbox.credentials({ TOKENIO_BASE_URL: sim.url }),
      baseUrl: sim.url,
      webhookSecret: null,
      ...settings,
    },
    adapterDeps(deps),
  );
  open.push(a);
  return a;
}

/** A GBP payout command to a fresh beneficiary of this adapter's account. */
async function gbpCommand(a: PayoutProviderAdapter): Promise<Omit<CreatePayoutCommand, 'idempotencyKey'>> {
  const source = (await a.listBalances!()).find((b) => b.currency === 'GBP')!;
  const account = await a.createBankAccount!({
    holderName: 'Adapter Test Ltd',
    country: 'GB',
    currency: 'GBP',
    sortCode: '404784',
    accountNumber: '70872490',
    iban: null,
    bic: null,
    routingNumber: null,
    metadata: null,
    idempotencyKey: randomBytes(8).toString('hex'),
  });
  return {
    amount: { minor: 500, currency: 'GBP' },
    sourceId: source.providerBalanceId,
    destinationId: account.providerBankAccountId,
    description: 'Adapter test 1',
    method: null,
    metadata: { t: '1' },
  };
}
const newKey = () => randomBytes(32).toString('hex');

describe('Token.io request signing (live auth)', () => {
  const memberId = `m:${randomBytes(8).toString('hex')}`;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('signs every request with the member key, and the simulator verifies it', async () => {
    sim.registerMemberKey(memberId, 'key-1', publicKey.export({ format: 'jwk' }));
    const a = adapter({ apiKey: null, signing: { memberId, keyId: 'key-1', privateKeyPem } });
    await a.ping();
    const command = await gbpCommand(a);
    const p = await a.createPayout!({ ...command, idempotencyKey: newKey() });
    expect(p.status).toBe('PENDING');
    const listed = await a.listPayouts!({ afterId: null, limit: 5, filter: { status: ['PENDING'] } });
    expect(listed.items.map((x) => x.providerPayoutId)).toContain(p.providerPayoutId);
    // No Basic header went out: the simulator keyed the account by the JWT's member.
    expect((await a.getPayout!(p.providerPayoutId)).metadata).toEqual({ t: '1' });
  });

  it('is refused when the key is not the member’s', async () => {
    const other = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const a = adapter({ apiKey: null, signing: { memberId, keyId: 'key-1', privateKeyPem: other } });
    await expect(a.ping()).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});

describe('creates in doubt', () => {
  it('a create whose answer timed out is found by its refId, not sent again', async () => {
    const a = adapter({}, { timeoutMs: 300, retries: 1 });
    const command = { ...(await gbpCommand(a)), idempotencyKey: newKey() };
    sim.injectFault({ method: 'POST', pathPrefix: '/payouts', delayMs: 2500, count: 1 });
    const p = await a.createPayout!(command);
    expect(p).toMatchObject({ status: 'PENDING', metadata: { t: '1' } });
    // The client's retry with the same key: Token.io refuses the duplicate refId, the adapter
    // answers with the one payout.
    const again = await a.createPayout!(command);
    expect(again.providerPayoutId).toBe(p.providerPayoutId);
    // A fresh sandbox account: exactly one payout exists.
    const all = await a.listPayouts!({ afterId: null, limit: 50 });
    expect(all.items.map((x) => x.providerPayoutId)).toEqual([p.providerPayoutId]);
  });

  it('a create refused by an outage is unavailable, and the retry creates it once', async () => {
    const a = adapter();
    const command = { ...(await gbpCommand(a)), idempotencyKey: newKey() };
    sim.injectFault({ method: 'POST', pathPrefix: '/payouts', status: 503, count: 1 });
    const err = await a.createPayout!(command).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as ProviderUnavailableError).provider).toBe('TOKENIO');
    const p = await a.createPayout!(command);
    expect(p.status).toBe('PENDING');
    const all = await a.listPayouts!({ afterId: null, limit: 50 });
    expect(all.items).toHaveLength(1);
  });

  it('does not answer a reused key with the payout of other parameters', async () => {
    const a = adapter();
    const command = { ...(await gbpCommand(a)), idempotencyKey: newKey() };
    await a.createPayout!(command);
    const other = await a.createPayout!({ ...command, amount: { minor: 999, currency: 'GBP' } }).catch(
      (e: unknown) => e,
    );
    expect(other).toMatchObject({ code: 'VALIDATION_FAILED', field: 'idempotencyKey' });
  });
});

describe('reads', () => {
  it('reads a batch in one call, with NotFoundError at the missing positions', async () => {
    const a = adapter();
    const command = await gbpCommand(a);
    const p1 = await a.createPayout!({ ...command, idempotencyKey: newKey() });
    const p2 = await a.createPayout!({ ...command, idempotencyKey: newKey(), metadata: { t: '2' } });
    const before = countRequests(sim, 'GET', /^\/payouts/);
    const got = await a.getPayouts!([p2.providerPayoutId, 'po:missing:1', p1.providerPayoutId]);
    expect(countRequests(sim, 'GET', /^\/payouts/) - before).toBe(1);
    expect((got[0] as { metadata: unknown }).metadata).toEqual({ t: '2' });
    expect(got[1]).toBeInstanceOf(NotFoundError);
    expect((got[2] as { providerPayoutId: string }).providerPayoutId).toBe(p1.providerPayoutId);
  });

  it('pages across Token.io offset pages by position: each payout once, newest first', async () => {
    const a = adapter();
    const command = await gbpCommand(a);
    const made: string[] = [];
    for (let i = 0; i < 9; i++)
      made.unshift((await a.createPayout!({ ...command, idempotencyKey: newKey() })).providerPayoutId);
    for (const limit of [1, 2, 4, 9, 20]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = await a.listPayouts!({ afterId: after, limit });
        seen.push(...page.items.map((p) => p.providerPayoutId));
        expect(page.positions).toHaveLength(page.items.length);
        if (!page.hasMore) break;
        after = page.positions!.at(-1) ?? page.resumeAfterId!;
      }
      expect(seen, `limit ${limit}`).toEqual(made);
    }
  });

  it('refuses a position that is not one of its own', async () => {
    const a = adapter();
    await expect(a.listPayouts!({ afterId: 'po:abc', limit: 2 })).rejects.toThrow(/cursor/);
  });
});
