// The Token.io adapter against the Token.io simulator over real HTTP: production request signing
// (a detached JWS the simulator verifies), creates in doubt resolved through refId, batched reads
// with misses, and list positions across Token.io's offset pages.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotFoundError, ProviderRejectedError, ProviderUnavailableError } from '../../src/domain/errors.ts';
import type { ProviderSettings } from '../../src/providers/module.ts';
import { tokenio } from '../../src/providers/tokenio/index.ts';
import type { CreatePayoutCommand, PayoutProviderAdapter } from '../../src/providers/types.ts';
import { startTokenioSimulator, type TokenioSimulator } from '../../src/sandbox/tokenio/index.ts';
import { countRequests } from '../helpers/app.ts';
import { adapterDeps, type DepsOverrides } from '../helpers/deps.ts';

let sim: TokenioSimulator;
const open: PayoutProviderAdapter[] = [];
beforeAll(async () => {
  sim = await startTokenioSimulator();
});
afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
  await sim.close();
});

function adapter(settings: Partial<ProviderSettings> = {}, deps: DepsOverrides = {}) {
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
const posts = () => countRequests(sim, 'POST', /^\/payouts$/);

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
  it('a create whose answer timed out is found by its refId, and a retry looks before sending again', async () => {
    const a = adapter({}, { transport: { timeoutMs: 300, retries: 1 } });
    const command = { ...(await gbpCommand(a)), idempotencyKey: newKey() };
    const before = posts();
    sim.injectFault({ method: 'POST', pathPrefix: '/payouts', delayMs: 1500, count: 1 });
    const p = await a.createPayout!(command);
    expect(p).toMatchObject({ status: 'PENDING', metadata: { t: '1' } });
    // The simulator logs a request once it has answered: wait for the delayed one.
    await vi.waitFor(() => expect(posts() - before).toBe(1), { timeout: 3000 });
    // The client's retry with the same key finds the payout by refId: no second POST.
    const again = await a.createPayout!(command);
    expect(again.providerPayoutId).toBe(p.providerPayoutId);
    expect(posts() - before).toBe(1);
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

/**
 * The account's payouts as one page lists them: exactly `made`, newest first (by creation time;
 * those created in the same millisecond in whatever order Token.io gives them).
 */
async function newestFirst(a: ReturnType<typeof adapter>, made: string[]): Promise<string[]> {
  const page = await a.listPayouts!({ afterId: null, limit: 50 });
  const ids = page.items.map((p) => p.providerPayoutId);
  expect([...ids].sort()).toEqual([...made].sort());
  const times = page.items.map((p) => p.createdAt.getTime());
  expect(times).toEqual([...times].sort((x, y) => y - x));
  // Made later is never listed after made earlier, except within one millisecond.
  for (const [i, id] of made.entries())
    for (const later of made.slice(i + 1))
      if (ids.indexOf(later) > ids.indexOf(id))
        expect(times[ids.indexOf(later)]).toBe(times[ids.indexOf(id)]);
  return ids;
}

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
      made.push((await a.createPayout!({ ...command, idempotencyKey: newKey() })).providerPayoutId);
    // Newest first; payouts made in the same millisecond come in Token.io's order among themselves.
    const listed = await newestFirst(a, made);
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
      expect(seen, `limit ${limit}`).toEqual(listed);
    }
  });

  it('keeps its place when newer payouts arrive between pages', async () => {
    const a = adapter();
    const command = await gbpCommand(a);
    const made: string[] = [];
    for (let i = 0; i < 4; i++)
      made.push((await a.createPayout!({ ...command, idempotencyKey: newKey() })).providerPayoutId);
    const listed = await newestFirst(a, made);
    const first = await a.listPayouts!({ afterId: null, limit: 2 });
    expect(first.items.map((p) => p.providerPayoutId)).toEqual(listed.slice(0, 2));
    await a.createPayout!({ ...command, idempotencyKey: newKey() });
    const rest = await a.listPayouts!({ afterId: first.positions!.at(-1)!, limit: 10 });
    expect(rest.items.map((p) => p.providerPayoutId)).toEqual(listed.slice(2));
  });

  it('applies exact time bounds on its side (Token.io filters whole days)', async () => {
    const a = adapter();
    const command = await gbpCommand(a);
    const older = await a.createPayout!({ ...command, idempotencyKey: newKey() });
    await new Promise((r) => setTimeout(r, 20));
    const newer = await a.createPayout!({ ...command, idempotencyKey: newKey() });
    const ids = async (filter: { createdAfter?: Date; createdBefore?: Date }) =>
      (await a.listPayouts!({ afterId: null, limit: 10, filter })).items.map((p) => p.providerPayoutId);
    expect(await ids({ createdAfter: newer.createdAt })).toEqual([newer.providerPayoutId]);
    expect(await ids({ createdBefore: newer.createdAt })).toEqual([older.providerPayoutId]);
    expect(await ids({ createdAfter: new Date(Date.now() + 86_400_000) })).toEqual([]);
  });

  it('refuses a position that is not one of its own', async () => {
    const a = adapter();
    await expect(a.listPayouts!({ afterId: 'po:abc', limit: 2 })).rejects.toThrow(/cursor/);
  });
});
